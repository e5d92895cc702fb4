import * as tf from '@tensorflow/tfjs';
import { padBatch } from '../../features/batcher.js';
import { type BertBatch, batchFromArrays, bertClassificationForward, disposeBatch } from '../../model/index.js';
import { rowCrossEntropy } from '../../train/loss.js';
import type { TrainBatch, TrainData } from '../../train/task-data.js';
import type { PairFeatures } from './featurize.js';

/** Rows r of the features, padded to their longest row, uploaded as one batch. */
export function pairBatch(features: PairFeatures, rows: ArrayLike<number>, padId: number): { batch: BertBatch; padding: number } {
  const p = padBatch(features, rows, { padId });
  return { batch: batchFromArrays(p.rows, p.length, p.inputIds, p.tokenTypeIds, p.attentionMask), padding: p.padding };
}

/**
 * Labelled pairs as Trainer rows with dynamic padding: each micro-batch holds exactly its rows,
 * padded to the longest of them (the last batch of an epoch is smaller, as with a DataLoader).
 * Loss: sum of rowWeight x cross-entropy over the labels, i.e. the mean CE when rowWeight = 1/n.
 */
export function pairTrainData(features: PairFeatures, padId: number): TrainData {
  if (features.count < 1) throw new Error('no sentence pairs to train on');
  const unlabelled = features.labels.findIndex((l) => l < 0);
  if (unlabelled >= 0) throw new Error(`row ${features.ids[unlabelled]} has no label: training needs a labelled file (train.tsv or dev.tsv, not test.tsv)`);
  let maxLength = 0;
  for (const l of features.lengths) maxLength = Math.max(maxLength, l);
  return {
    count: features.count,
    maxLength,
    lengths: features.lengths,
    batch(rows, _batchSize, rowWeight): TrainBatch {
      const { batch } = pairBatch(features, rows, padId);
      const labels = tf.tensor1d(Int32Array.from(rows, (r) => features.labels[r]), 'int32');
      return {
        loss: (params, config, options) =>
          tf.sum(tf.mul(rowCrossEntropy(bertClassificationForward(params, config, batch, options), labels), rowWeight)) as tf.Scalar,
        dispose: () => {
          disposeBatch(batch);
          labels.dispose();
        },
      };
    },
  };
}
