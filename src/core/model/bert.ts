import * as tf from '@tensorflow/tfjs';
import { type BertConfig, BertConfigError, validateBertConfig } from './config.js';
import { type HostParams, bertParamSpecs, initBertParams, layerPrefix, shapeSize } from './params.js';
import { mixSeeds } from '../util/prng.js';
import {
  type HeadLayout,
  attentionProbs,
  biasGelu,
  embeddingLookup,
  layerNorm,
  linear,
  matMul,
  qaCrossEntropy,
  residualDropout,
} from './fused/index.js';
import { type LayerContext, checkpointedLayer } from './checkpoint.js';

/** One fixed-shape batch: int32 tensors [B, L]. */
export interface BertBatch {
  inputIds: tf.Tensor2D;
  tokenTypeIds: tf.Tensor2D;
  attentionMask: tf.Tensor2D;
}

export interface ForwardOptions {
  /** Dropout is applied only when training. */
  training?: boolean;
  /** Seeds the dropout masks (a trainer passes a new one each step); same seed, same masks on every backend. */
  seed?: number;
  /** Recompute each encoder layer in the backward pass instead of keeping its activations. */
  gradientCheckpointing?: boolean;
}

export interface QaLogits {
  startLogits: tf.Tensor2D;
  endLogits: tf.Tensor2D;
}

/** Added to attention scores of padding keys; exp() of it is exactly 0 in float32. */
export const ATTENTION_MASK_VALUE = -1e9;

/** A lookup of parameter tensors by Hugging Face name (tf.Variables or plain tensors). */
export type ParamTensors = ReadonlyMap<string, tf.Tensor>;

function param(params: ParamTensors, name: string): tf.Tensor {
  const t = params.get(name);
  if (!t) throw new Error(`parameter ${name} is missing`);
  return t;
}

/** A dense layer by Hugging Face prefix (weight [out, in], bias [out]); `bias: false` leaves the bias out. */
function dense(x: tf.Tensor, params: ParamTensors, prefix: string, layout: HeadLayout, bias = true): tf.Tensor {
  const b = bias ? (param(params, `${prefix}.bias`) as tf.Tensor1D) : undefined;
  return linear(x, param(params, `${prefix}.weight`) as tf.Tensor2D, b, layout);
}

function norm(x: tf.Tensor2D, params: ParamTensors, prefix: string, eps: number): tf.Tensor2D {
  return layerNorm(x, param(params, `${prefix}.weight`), param(params, `${prefix}.bias`), eps);
}

/**
 * Per-forward context of one encoder layer: shapes, the additive key mask [B, L] (0 on real
 * tokens, ATTENTION_MASK_VALUE on padding) and the dropout seeds, numbered in call order as the
 * masks have always been drawn.
 */
interface EncoderContext extends LayerContext {
  config: BertConfig;
  B: number;
  L: number;
  training: boolean;
}

/** One encoder layer: self-attention, residual + LayerNorm, GELU feed-forward, residual + LayerNorm. */
function encoderLayer(hidden: tf.Tensor2D, params: ParamTensors, i: number, ctx: EncoderContext): tf.Tensor2D {
  const { config, B, L } = ctx;
  const H = config.hidden_size;
  const A = config.num_attention_heads;
  const D = H / A;
  const eps = config.layer_norm_eps;
  const hiddenRate = ctx.training ? config.hidden_dropout_prob : 0;
  const p = layerPrefix(i);
  const rows: HeadLayout = { B, L, A };
  const heads: HeadLayout = { B, L, A, headsOut: true };
  const q = dense(hidden, params, `${p}.attention.self.query`, heads) as tf.Tensor4D;
  const k = dense(hidden, params, `${p}.attention.self.key`, heads) as tf.Tensor4D;
  const v = dense(hidden, params, `${p}.attention.self.value`, heads) as tf.Tensor4D;
  const probs = attentionProbs(matMul(q, k, false, true), ctx.maskAdd as tf.Tensor2D, {
    scale: 1 / Math.sqrt(D),
    rate: ctx.training ? config.attention_probs_dropout_prob : 0,
    seed: ctx.nextSeed(),
  });
  // The context stays in head layout [B, A, L, D]; the output projection merges the heads.
  const attnOut = dense(matMul(probs, v), params, `${p}.attention.output.dense`, { ...rows, headsIn: true }) as tf.Tensor2D;
  const attn = norm(residualDropout(attnOut, hidden, hiddenRate, ctx.nextSeed()), params, `${p}.attention.output.LayerNorm`, eps);
  const pre = dense(attn, params, `${p}.intermediate.dense`, rows, false) as tf.Tensor2D;
  const inter = biasGelu(pre, param(params, `${p}.intermediate.dense.bias`), config.hidden_act);
  const out = dense(inter, params, `${p}.output.dense`, rows) as tf.Tensor2D;
  return norm(residualDropout(out, attn, hiddenRate, ctx.nextSeed()), params, `${p}.output.LayerNorm`, eps);
}

/**
 * BertForQuestionAnswering forward pass: start and end logits [B, L]. Pure tfjs ops and fused
 * kernels with custom gradients, so tf.grads and tf.variableGrads differentiate it; call inside
 * tf.tidy (or through the class) to free intermediates.
 */
export function bertQaForward(
  params: ParamTensors,
  config: BertConfig,
  batch: BertBatch,
  options: ForwardOptions = {},
): QaLogits {
  const [B, L] = batch.inputIds.shape;
  if (batch.inputIds.dtype !== 'int32' || batch.tokenTypeIds.dtype !== 'int32') {
    throw new Error('input_ids and token_type_ids must be int32 tensors');
  }
  if (L > config.max_position_embeddings) {
    throw new Error(`sequence length ${L} exceeds max_position_embeddings ${config.max_position_embeddings}`);
  }
  const H = config.hidden_size;
  const N = B * L;
  const training = options.training ?? false;
  const baseSeed = options.seed ?? 0;
  let site = 0;
  const nextSeed = (): number => mixSeeds(baseSeed, site++);

  const ids = tf.reshape(batch.inputIds, [N]) as tf.Tensor1D;
  const types = tf.reshape(batch.tokenTypeIds, [N]) as tf.Tensor1D;
  const words = embeddingLookup(param(params, 'bert.embeddings.word_embeddings.weight'), ids, config.pad_token_id);
  const tokenTypes = embeddingLookup(param(params, 'bert.embeddings.token_type_embeddings.weight'), types);
  // Positions are 0..L-1 in every row, so the position table's first L rows broadcast over the batch.
  const positions = tf.slice(param(params, 'bert.embeddings.position_embeddings.weight'), [0, 0], [L, H]);
  const embedded = tf.reshape(tf.add(tf.reshape(tf.add(words, tokenTypes), [B, L, H]), positions), [N, H]) as tf.Tensor2D;
  const embedSeed = nextSeed();
  const embedRate = training ? config.hidden_dropout_prob : 0;
  const normed = norm(embedded, params, 'bert.embeddings.LayerNorm', config.layer_norm_eps);
  let hidden = embedRate > 0 ? (tf.dropout(normed, embedRate, undefined, embedSeed) as tf.Tensor2D) : normed;

  const maskAdd = tf.mul(tf.sub(1, tf.cast(batch.attentionMask, 'float32')), ATTENTION_MASK_VALUE) as tf.Tensor2D;
  const ctx: EncoderContext = { config, B, L, maskAdd, nextSeed, training };
  for (let i = 0; i < config.num_hidden_layers; i++) {
    hidden = options.gradientCheckpointing ? checkpointedLayer(encoderLayer, hidden, params, i, ctx) : encoderLayer(hidden, params, i, ctx);
  }

  const logits = tf.reshape(dense(hidden, params, 'qa_outputs', { B, L, A: 1 }), [B, L, 2]);
  const [start, end] = tf.unstack(logits, 2) as tf.Tensor2D[];
  return { startLogits: start, endLogits: end };
}

/** Mean cross-entropy over the batch of logits [B, L] against int positions [B], clamped to [0, L). */
export function spanCrossEntropy(logits: tf.Tensor2D, positions: tf.Tensor1D): tf.Scalar {
  const L = logits.shape[1];
  // Clamped in float32: the wasm backend's clipByValue ignores the bounds on int32 tensors.
  const clamped = tf.cast(tf.clipByValue(tf.cast(positions, 'float32'), 0, L - 1), 'int32');
  const onehot = tf.oneHot(clamped, L);
  return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits, -1), onehot), -1))) as tf.Scalar;
}

/** (CE(start) + CE(end)) / 2, as BertForQuestionAnswering computes it: the weighted loss with weights 1/B. */
export function qaLoss(logits: QaLogits, startPositions: tf.Tensor1D, endPositions: tf.Tensor1D): tf.Scalar {
  const B = logits.startLogits.shape[0];
  return qaCrossEntropy(logits.startLogits, logits.endLogits, startPositions, endPositions, tf.fill([B], 1 / B) as tf.Tensor1D);
}

export interface LossAndGrads {
  loss: tf.Scalar;
  /** Gradient of the loss for every parameter, keyed by Hugging Face name. */
  grads: Map<string, tf.Tensor>;
}

let nextModelId = 0;

/**
 * The model's parameters as tf.Variables in Hugging Face layout, with forward, loss and gradients.
 * Variables get a per-instance name scope because tfjs requires globally unique variable names.
 */
export class BertForQuestionAnswering {
  readonly config: BertConfig;
  readonly params: ReadonlyMap<string, tf.Variable>;
  private readonly scope: string;
  private disposed = false;

  constructor(config: BertConfig, host: HostParams) {
    const problems = validateBertConfig(config);
    if (problems.length > 0) throw new BertConfigError(problems);
    this.config = { ...config };
    this.scope = `bert_qa_${nextModelId++}`;
    const vars = new Map<string, tf.Variable>();
    const specs = bertParamSpecs(config);
    for (const spec of specs) {
      const t = host.get(spec.name);
      if (!t) throw new Error(`parameter ${spec.name} is missing`);
      if (t.shape.length !== spec.shape.length || t.shape.some((d, i) => d !== spec.shape[i]) || t.data.length !== shapeSize(spec.shape)) {
        throw new Error(`parameter ${spec.name} has shape [${t.shape}], expected [${spec.shape}]`);
      }
    }
    for (const spec of specs) {
      const t = host.get(spec.name)!;
      vars.set(spec.name, tf.tidy(() => tf.variable(tf.tensor(t.data, spec.shape, 'float32'), true, `${this.scope}/${spec.name}`)));
    }
    this.params = vars;
  }

  /** A freshly initialised model, reproducible for a given seed on any backend. */
  static init(config: BertConfig, seed: number): BertForQuestionAnswering {
    return new BertForQuestionAnswering(config, initBertParams(config, seed));
  }

  /** Start and end logits [B, L]; the caller owns (and disposes) the two tensors. */
  forward(batch: BertBatch, options: ForwardOptions = {}): QaLogits {
    this.assertAlive();
    const [startLogits, endLogits] = tf.tidy(() => {
      const out = bertQaForward(this.params, this.config, batch, options);
      return [out.startLogits, out.endLogits];
    });
    return { startLogits, endLogits };
  }

  loss(batch: BertBatch, startPositions: tf.Tensor1D, endPositions: tf.Tensor1D, options: ForwardOptions = {}): tf.Scalar {
    this.assertAlive();
    return tf.tidy(() => qaLoss(bertQaForward(this.params, this.config, batch, options), startPositions, endPositions));
  }

  /** Loss and gradients for every parameter in one backward pass; the caller disposes all returned tensors. */
  lossAndGrads(batch: BertBatch, startPositions: tf.Tensor1D, endPositions: tf.Tensor1D, options: ForwardOptions = {}): LossAndGrads {
    this.assertAlive();
    const vars = [...this.params.values()];
    const { value, grads } = tf.variableGrads(
      () => qaLoss(bertQaForward(this.params, this.config, batch, options), startPositions, endPositions),
      vars,
    );
    const byName = new Map<string, tf.Tensor>();
    for (const [name, v] of this.params) {
      const g = grads[v.name];
      if (g) byName.set(name, g);
      else byName.set(name, tf.zerosLike(v));
    }
    return { loss: value, grads: byName };
  }

  /** Overwrites parameters from host arrays (e.g. a loaded checkpoint); shapes must match. */
  setParams(host: HostParams): void {
    this.assertAlive();
    for (const [name, v] of this.params) {
      const t = host.get(name);
      if (!t) continue;
      if (t.data.length !== v.size) throw new Error(`parameter ${name} has ${t.data.length} values, expected ${v.size}`);
      tf.tidy(() => v.assign(tf.tensor(t.data, v.shape, 'float32')));
    }
  }

  /** Copies every parameter back to the host, in Hugging Face names and layout. */
  async toHostParams(): Promise<HostParams> {
    this.assertAlive();
    const out: HostParams = new Map();
    for (const [name, v] of this.params) {
      const data = (await v.data()) as Float32Array;
      out.set(name, { shape: [...v.shape], data: new Float32Array(data) });
    }
    return out;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of this.params.values()) v.dispose();
  }

  private assertAlive(): void {
    if (this.disposed) throw new Error('model was disposed');
  }
}

/** Uploads one fixed-shape batch from row-major int arrays of length B * L. */
export function batchFromArrays(
  batchSize: number,
  seqLength: number,
  inputIds: ArrayLike<number>,
  tokenTypeIds: ArrayLike<number>,
  attentionMask: ArrayLike<number>,
): BertBatch {
  const n = batchSize * seqLength;
  for (const [name, a] of [['input_ids', inputIds], ['token_type_ids', tokenTypeIds], ['attention_mask', attentionMask]] as const) {
    if (a.length !== n) throw new Error(`${name} has ${a.length} values, expected ${batchSize} x ${seqLength}`);
  }
  const make = (a: ArrayLike<number>): tf.Tensor2D => tf.tensor2d(Int32Array.from(a), [batchSize, seqLength], 'int32');
  return { inputIds: make(inputIds), tokenTypeIds: make(tokenTypeIds), attentionMask: make(attentionMask) };
}

export function disposeBatch(batch: BertBatch): void {
  tf.dispose([batch.inputIds, batch.tokenTypeIds, batch.attentionMask]);
}
