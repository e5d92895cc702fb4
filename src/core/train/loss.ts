import * as tf from '@tensorflow/tfjs';
import {
  type BertBatch,
  type BertForQuestionAnswering,
  type ForwardOptions,
  type LossAndGrads,
  type QaLogits,
  bertQaForward,
} from '../model/index.js';

/** Cross-entropy of each row of logits [B, L] against int positions [B], clamped to [0, L): shape [B]. */
export function rowCrossEntropy(logits: tf.Tensor2D, positions: tf.Tensor1D): tf.Tensor1D {
  const L = logits.shape[1];
  // Clamped in float32, as the model's own loss does: wasm's clipByValue ignores bounds on int32.
  const clamped = tf.cast(tf.clipByValue(tf.cast(positions, 'float32'), 0, L - 1), 'int32');
  return tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits, -1), tf.oneHot(clamped, L)), -1)) as tf.Tensor1D;
}

/**
 * sum_i w_i * (CE_start_i + CE_end_i) / 2. With w_i = 1/n on the n real rows and 0 on padding rows
 * this is the model's mean loss over the real rows, and padding rows get exactly zero gradient.
 */
export function weightedQaLoss(logits: QaLogits, startPositions: tf.Tensor1D, endPositions: tf.Tensor1D, rowWeights: tf.Tensor1D): tf.Scalar {
  const perRow = tf.mul(tf.add(rowCrossEntropy(logits.startLogits, startPositions), rowCrossEntropy(logits.endLogits, endPositions)), 0.5);
  return tf.sum(tf.mul(perRow, rowWeights));
}

/** Weighted loss and the gradient of every parameter (keyed by Hugging Face name); the caller disposes all. */
export function weightedLossAndGrads(
  model: BertForQuestionAnswering,
  batch: BertBatch,
  startPositions: tf.Tensor1D,
  endPositions: tf.Tensor1D,
  rowWeights: tf.Tensor1D,
  options: ForwardOptions = {},
): LossAndGrads {
  const vars = [...model.params.values()];
  const { value, grads } = tf.variableGrads(
    () => weightedQaLoss(bertQaForward(model.params, model.config, batch, options), startPositions, endPositions, rowWeights),
    vars,
  );
  const byName = new Map<string, tf.Tensor>();
  for (const [name, v] of model.params) byName.set(name, grads[v.name] ?? tf.zerosLike(v));
  return { loss: value, grads: byName };
}
