import { type BertForSequenceClassification, disposeBatch } from '../../model/index.js';
import type { PairFeatures } from './featurize.js';
import { pairBatch } from './train-data.js';

export interface PairLogits {
  count: number;
  numLabels: number;
  /** Row-major [count, numLabels]. */
  logits: Float32Array;
}

/** Logits of every row in row order, dropout off, batches padded to their longest row. */
export async function pairLogits(
  model: Pick<BertForSequenceClassification, 'forward' | 'numLabels'>,
  features: PairFeatures,
  padId: number,
  batchSize = 32,
  onProgress?: (done: number, total: number) => void,
): Promise<PairLogits> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batch size must be an integer >= 1, got ${batchSize}`);
  const C = model.numLabels;
  const logits = new Float32Array(features.count * C);
  for (let first = 0; first < features.count; first += batchSize) {
    const rows = Int32Array.from({ length: Math.min(batchSize, features.count - first) }, (_, i) => first + i);
    const { batch } = pairBatch(features, rows, padId);
    const out = model.forward(batch, { training: false });
    disposeBatch(batch);
    logits.set((await out.data()) as Float32Array, first * C);
    out.dispose();
    onProgress?.(first + rows.length, features.count);
    // Lets a worker handle a cancel message between batches.
    await new Promise((r) => setTimeout(r, 0));
  }
  return { count: features.count, numLabels: C, logits };
}

/** Softmax of one row of logits. */
export function softmaxRow(logits: ArrayLike<number>, offset = 0, n = logits.length): number[] {
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, logits[offset + i]);
  const e = Array.from({ length: n }, (_, i) => Math.exp(logits[offset + i] - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
}

/** Argmax label of every row (the first label on ties, as torch.argmax). */
export function predictedLabels(l: PairLogits): Int32Array {
  const out = new Int32Array(l.count);
  for (let r = 0; r < l.count; r++) {
    let best = 0;
    for (let c = 1; c < l.numLabels; c++) if (l.logits[r * l.numLabels + c] > l.logits[r * l.numLabels + best]) best = c;
    out[r] = best;
  }
  return out;
}

/** Mean cross-entropy of the labelled rows (label >= 0) from their logits; null when none is labelled. */
export function meanCrossEntropy(l: PairLogits, labels: ArrayLike<number>): number | null {
  const C = l.numLabels;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < l.count; i++) {
    if (labels[i] < 0) continue;
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, l.logits[i * C + c]);
    let z = 0;
    for (let c = 0; c < C; c++) z += Math.exp(l.logits[i * C + c] - max);
    sum += max + Math.log(z) - l.logits[i * C + labels[i]];
    n++;
  }
  return n ? sum / n : null;
}
