import * as tf from '@tensorflow/tfjs';
import {
  type BertBatch,
  type BertForQuestionAnswering,
  type ForwardOptions,
  type LossAndGrads,
  type QaLogits,
  bertQaForward,
} from '../model/index.js';
import { qaCrossEntropy, rowCrossEntropy } from '../model/fused/index.js';

export { rowCrossEntropy };

/**
 * sum_i w_i * (CE_start_i + CE_end_i) / 2. With w_i = 1/n on the n real rows and 0 on padding rows
 * this is the model's mean loss over the real rows, and padding rows get exactly zero gradient.
 */
export function weightedQaLoss(logits: QaLogits, startPositions: tf.Tensor1D, endPositions: tf.Tensor1D, rowWeights: tf.Tensor1D): tf.Scalar {
  return qaCrossEntropy(logits.startLogits, logits.endLogits, startPositions, endPositions, rowWeights);
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
