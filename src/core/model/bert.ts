import * as tf from '@tensorflow/tfjs';
import type { BertConfig } from './config.js';
import { type HostParams, bertParamSpecs, initBertParams, layerPrefix } from './params.js';
import { BertVariables } from './variables.js';
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
  /** Word embeddings [B * L, H] to use instead of looking the ids up (HF's inputs_embeds): saliency differentiates them. */
  inputsEmbeds?: tf.Tensor2D;
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

/** The encoder's last hidden states [B * L, H], and the dropout a head applies after them (same seed stream). */
export interface EncoderOutput {
  hidden: tf.Tensor2D;
  dropout: <T extends tf.Tensor>(x: T, rate: number) => T;
}

/**
 * BertModel's encoder (embeddings and every layer). Pure tfjs ops and fused kernels with custom
 * gradients, so tf.grads and tf.variableGrads differentiate it; call inside tf.tidy (or through a
 * model class) to free intermediates.
 */
export function bertEncoderForward(
  params: ParamTensors,
  config: BertConfig,
  batch: BertBatch,
  options: ForwardOptions = {},
): EncoderOutput {
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
  const words = options.inputsEmbeds ?? embeddingLookup(param(params, 'bert.embeddings.word_embeddings.weight'), ids, config.pad_token_id);
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
  const dropout = <T extends tf.Tensor>(x: T, rate: number): T => {
    const s = nextSeed();
    return training && rate > 0 ? (tf.dropout(x, rate, undefined, s) as T) : x;
  };
  return { hidden, dropout };
}

/** BertForQuestionAnswering forward pass: start and end logits [B, L]. */
export function bertQaForward(
  params: ParamTensors,
  config: BertConfig,
  batch: BertBatch,
  options: ForwardOptions = {},
): QaLogits {
  const [B, L] = batch.inputIds.shape;
  const { hidden } = bertEncoderForward(params, config, batch, options);
  const logits = tf.reshape(dense(hidden, params, 'qa_outputs', { B, L, A: 1 }), [B, L, 2]);
  const [start, end] = tf.unstack(logits, 2) as tf.Tensor2D[];
  return { startLogits: start, endLogits: end };
}

/**
 * BertForSequenceClassification forward pass: logits [B, num_labels]. The pooler is tanh of a dense
 * layer on the [CLS] hidden state; dropout (hidden_dropout_prob) then the classifier.
 */
export function bertClassificationForward(
  params: ParamTensors,
  config: BertConfig,
  batch: BertBatch,
  options: ForwardOptions = {},
): tf.Tensor2D {
  const [B, L] = batch.inputIds.shape;
  const H = config.hidden_size;
  const { hidden, dropout } = bertEncoderForward(params, config, batch, options);
  const cls = tf.reshape(tf.slice(tf.reshape(hidden, [B, L, H]), [0, 0, 0], [B, 1, H]), [B, H]) as tf.Tensor2D;
  const rows: HeadLayout = { B, L: 1, A: 1 };
  const pooled = tf.tanh(dense(cls, params, 'bert.pooler.dense', rows));
  return dense(dropout(pooled, config.hidden_dropout_prob), params, 'classifier', rows) as tf.Tensor2D;
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

/** BertForQuestionAnswering: the encoder's parameters plus `qa_outputs`, with forward, loss and gradients. */
export class BertForQuestionAnswering extends BertVariables {
  constructor(config: BertConfig, host: HostParams) {
    super(config, host, bertParamSpecs(config), 'bert_qa');
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
