import * as tf from '@tensorflow/tfjs';
import type { BertConfig, ForwardOptions, HostParams, LossAndGrads, ParamTensors } from '../model/index.js';

/** What the Trainer needs of a model, whatever its head: parameters by Hugging Face name and host transfer. */
export interface TrainableModel {
  readonly config: BertConfig;
  readonly params: ReadonlyMap<string, tf.Variable>;
  toHostParams(): Promise<HostParams>;
  setParams(host: HostParams): void;
}

/** One micro-batch on the device, built by a task from rows of its features. */
export interface TrainBatch {
  /** sum over rows of weight x the task's loss of the row (padding rows weigh 0): a scalar. */
  loss(params: ParamTensors, config: BertConfig, options: ForwardOptions): tf.Scalar;
  dispose(): void;
}

/**
 * A task's training rows as the Trainer sees them: how many, how long, and how to turn rows into a
 * micro-batch. The Trainer owns ordering, accumulation and the optimizer; the task owns batching and loss.
 */
export interface TrainData {
  count: number;
  /** Longest row in tokens (checked against max_position_embeddings). */
  maxLength: number;
  /** Tokens of each row, for group_by_length; absent when every row has the same length. */
  lengths?: ArrayLike<number>;
  /** Rows `rows` as one micro-batch of `batchSize` rows (a task may pad to it or not), each real row weighted `rowWeight`. */
  batch(rows: ArrayLike<number>, batchSize: number, rowWeight: number): TrainBatch;
}

/** A loss and the gradient of every parameter (keyed by Hugging Face name, zeros where unused); the caller disposes all. */
export function lossAndGrads(model: TrainableModel, loss: () => tf.Scalar): LossAndGrads {
  const { value, grads } = tf.variableGrads(loss, [...model.params.values()]);
  const byName = new Map<string, tf.Tensor>();
  for (const [name, v] of model.params) byName.set(name, grads[v.name] ?? tf.zerosLike(v));
  return { loss: value, grads: byName };
}

/** Mean loss of a model over a task's rows, dropout off, in batches of `batchSize`. */
export async function evaluateDataLoss(model: TrainableModel, data: TrainData, batchSize: number): Promise<number> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batch size must be an integer >= 1, got ${batchSize}`);
  if (data.count < 1) throw new Error('no rows to evaluate');
  let sum = 0;
  for (let first = 0; first < data.count; first += batchSize) {
    const rows = new Int32Array(Math.min(batchSize, data.count - first));
    for (let r = 0; r < rows.length; r++) rows[r] = first + r;
    const mb = data.batch(rows, batchSize, 1 / data.count);
    const lossT = tf.tidy(() => mb.loss(model.params, model.config, { training: false }));
    mb.dispose();
    sum += (await lossT.data())[0];
    lossT.dispose();
  }
  return sum;
}
