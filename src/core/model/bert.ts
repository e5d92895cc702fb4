import * as tf from '@tensorflow/tfjs';
import type { BertConfig } from './config.js';
import { type HostParams, bertParamSpecs, initBertParams, layerPrefix } from './params.js';
import { BertVariables } from './variables.js';
import { mixSeeds } from '../util/prng.js';
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

/**
 * Row lookup with a scatter-add gradient: tf.gather's own gradient needs UnsortedSegmentSum,
 * which the wasm backend lacks, while ScatterNd (which sums duplicate ids) exists everywhere.
 * The ids go through `save`: tensors a gradient merely closes over are freed after the forward pass.
 * `paddingIdx` gets no gradient, as in torch's nn.Embedding(padding_idx=...), which Hugging Face
 * uses for the word embeddings: fine-tuning never moves the [PAD] row through its gradient.
 */
function embeddingLookup(table: tf.Tensor, ids: tf.Tensor1D, paddingIdx?: number): tf.Tensor2D {
  const [rows, width] = table.shape;
  const lookup = tf.customGrad((t, save) => {
    (save as tf.GradSaveFunc)([ids]);
    return {
      value: tf.gather(t as tf.Tensor, ids) as tf.Tensor2D,
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const idx = saved[0] as tf.Tensor1D;
        const kept = paddingIdx === undefined ? dy : tf.mul(dy, tf.expandDims(tf.cast(tf.notEqual(idx, paddingIdx), 'float32'), 1));
        return tf.scatterND(tf.reshape(idx, [-1, 1]), kept, [rows, width]);
      },
    };
  });
  return lookup(table) as tf.Tensor2D;
}

/** Swaps the last two axes of a 2-D or 4-D tensor. */
function swapLast<T extends tf.Tensor>(t: T): T {
  return (t.rank === 2 ? tf.transpose(t) : tf.transpose(t, [0, 1, 3, 2])) as T;
}

/**
 * a @ b with optional transposes of either operand, forward and backward. On wasm (and cpu) a
 * BatchMatMul with a transpose flag runs 10-30x slower than a plain one, and tfjs's own matMul
 * gradient uses those flags; here every product is plain and the transposes are explicit copies,
 * which cost a fraction of the product. WebGPU's kernels take the flags at full speed.
 */
function matMul<T extends tf.Tensor>(a: T, b: T, transposeA = false, transposeB = false): T {
  if (tf.getBackend() === 'webgpu') return tf.matMul(a as tf.Tensor, b as tf.Tensor, transposeA, transposeB) as T;
  // Saves the operands as given and builds each gradient from them with at most activation-sized
  // transposes, each product in its own tidy: no weight-sized copy outlives the op that made it.
  const product = tf.customGrad((x, y, save) => {
    (save as tf.GradSaveFunc)([x as tf.Tensor, y as tf.Tensor]);
    return {
      value: tf.tidy(() => tf.matMul(transposeA ? swapLast(x as tf.Tensor) : (x as tf.Tensor), transposeB ? swapLast(y as tf.Tensor) : (y as tf.Tensor))),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [x0, y0] = saved;
        // d(left) = dy @ right^T and d(right) = left^T @ dy, with right^T = y0 when transposeB, left^T = x0 when transposeA.
        const dx = tf.tidy(() =>
          transposeA ? tf.matMul(transposeB ? swapLast(y0) : y0, swapLast(dy)) : tf.matMul(dy, transposeB ? y0 : swapLast(y0)),
        );
        const dyArg = tf.tidy(() =>
          transposeB ? tf.matMul(swapLast(dy), transposeA ? swapLast(x0) : x0) : tf.matMul(transposeA ? x0 : swapLast(x0), dy),
        );
        return [dx, dyArg];
      },
    };
  });
  return product(a, b) as T;
}

/** x [N, in] times a Hugging Face weight [out, in] (used transposed) plus bias. */
function linear(x: tf.Tensor2D, params: ParamTensors, prefix: string): tf.Tensor2D {
  return tf.add(matMul(x, param(params, `${prefix}.weight`) as tf.Tensor2D, false, true), param(params, `${prefix}.bias`));
}

function layerNorm(x: tf.Tensor2D, params: ParamTensors, prefix: string, eps: number): tf.Tensor2D {
  const mean = tf.mean(x, -1, true);
  const centered = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centered), -1, true);
  const normed = tf.mul(centered, tf.rsqrt(tf.add(variance, eps)));
  return tf.add(tf.mul(normed, param(params, `${prefix}.weight`)), param(params, `${prefix}.bias`));
}

function gelu(x: tf.Tensor2D, act: BertConfig['hidden_act']): tf.Tensor2D {
  if (act === 'gelu') return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
  const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
}

/** The encoder's last hidden states [B * L, H], and the dropout a head applies after them (same seed stream). */
export interface EncoderOutput {
  hidden: tf.Tensor2D;
  dropout: <T extends tf.Tensor>(x: T, rate: number) => T;
}

/**
 * BertModel's encoder (embeddings and every layer). Pure tfjs ops, so tf.grads and tf.variableGrads
 * differentiate it; call inside tf.tidy (or through a model class) to free intermediates.
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
  const A = config.num_attention_heads;
  const D = H / A;
  const N = B * L;
  const eps = config.layer_norm_eps;
  const training = options.training ?? false;
  const baseSeed = options.seed ?? 0;
  let site = 0;
  const dropoutAt = <T extends tf.Tensor>(x: T, rate: number, s: number): T => (training && rate > 0 ? (tf.dropout(x, rate, undefined, s) as T) : x);
  const dropout = <T extends tf.Tensor>(x: T, rate: number): T => dropoutAt(x, rate, mixSeeds(baseSeed, site++));

  const ids = tf.reshape(batch.inputIds, [N]) as tf.Tensor1D;
  const types = tf.reshape(batch.tokenTypeIds, [N]) as tf.Tensor1D;
  const words = embeddingLookup(param(params, 'bert.embeddings.word_embeddings.weight'), ids, config.pad_token_id);
  const tokenTypes = embeddingLookup(param(params, 'bert.embeddings.token_type_embeddings.weight'), types);
  // Positions are 0..L-1 in every row, so the position table's first L rows broadcast over the batch.
  const positions = tf.slice(param(params, 'bert.embeddings.position_embeddings.weight'), [0, 0], [L, H]);
  const embedded = tf.reshape(tf.add(tf.reshape(tf.add(words, tokenTypes), [B, L, H]), positions), [N, H]) as tf.Tensor2D;
  let hidden = dropout(layerNorm(embedded, params, 'bert.embeddings.LayerNorm', eps), config.hidden_dropout_prob);

  const maskAdd = tf.reshape(
    tf.mul(tf.sub(1, tf.cast(batch.attentionMask, 'float32')), ATTENTION_MASK_VALUE),
    [B, 1, 1, L],
  );
  const heads = (x: tf.Tensor2D): tf.Tensor4D => tf.transpose(tf.reshape(x, [B, L, A, D]), [0, 2, 1, 3]);
  const scale = 1 / Math.sqrt(D);

  const ctx: LayerContext = { maskAdd, nextSeed: () => mixSeeds(baseSeed, site++) };
  const encoderLayer = (hidden: tf.Tensor2D, params: ParamTensors, i: number, ctx: LayerContext): tf.Tensor2D => {
    const drop = <T extends tf.Tensor>(x: T, rate: number): T => dropoutAt(x, rate, ctx.nextSeed());
    const p = layerPrefix(i);
    const q = heads(linear(hidden, params, `${p}.attention.self.query`));
    const k = heads(linear(hidden, params, `${p}.attention.self.key`));
    const v = heads(linear(hidden, params, `${p}.attention.self.value`));
    const scores = tf.add(tf.mul(matMul(q, k, false, true), scale), ctx.maskAdd);
    const probs = drop(tf.softmax(scores, -1), config.attention_probs_dropout_prob);
    const context = tf.reshape(tf.transpose(matMul(probs, v), [0, 2, 1, 3]), [N, H]) as tf.Tensor2D;
    const attnOut = drop(linear(context, params, `${p}.attention.output.dense`), config.hidden_dropout_prob);
    const attn = layerNorm(tf.add(attnOut, hidden), params, `${p}.attention.output.LayerNorm`, eps);
    const inter = gelu(linear(attn, params, `${p}.intermediate.dense`), config.hidden_act);
    const out = drop(linear(inter, params, `${p}.output.dense`), config.hidden_dropout_prob);
    return layerNorm(tf.add(out, attn), params, `${p}.output.LayerNorm`, eps);
  };
  for (let i = 0; i < config.num_hidden_layers; i++) {
    hidden = options.gradientCheckpointing ? checkpointedLayer(encoderLayer, hidden, params, i, ctx) : encoderLayer(hidden, params, i, ctx);
  }
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
  const logits = tf.reshape(linear(hidden, params, 'qa_outputs'), [B, L, 2]);
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
  const pooled = tf.tanh(linear(cls, params, 'bert.pooler.dense'));
  return linear(dropout(pooled, config.hidden_dropout_prob), params, 'classifier');
}

/** Mean cross-entropy over the batch of logits [B, L] against int positions [B], clamped to [0, L). */
export function spanCrossEntropy(logits: tf.Tensor2D, positions: tf.Tensor1D): tf.Scalar {
  const L = logits.shape[1];
  // Clamped in float32: the wasm backend's clipByValue ignores the bounds on int32 tensors.
  const clamped = tf.cast(tf.clipByValue(tf.cast(positions, 'float32'), 0, L - 1), 'int32');
  const onehot = tf.oneHot(clamped, L);
  return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits, -1), onehot), -1))) as tf.Scalar;
}

/** (CE(start) + CE(end)) / 2, as BertForQuestionAnswering computes it. */
export function qaLoss(logits: QaLogits, startPositions: tf.Tensor1D, endPositions: tf.Tensor1D): tf.Scalar {
  return tf.div(
    tf.add(spanCrossEntropy(logits.startLogits, startPositions), spanCrossEntropy(logits.endLogits, endPositions)),
    2,
  );
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
