// The eval loss a sentence-pair run logs is computed on the host from the logits; the training loss's
// own cross-entropy (tfjs, cpu) is the reference.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setCpu } from '../../train/fixtures.test-util.js';
import { rowCrossEntropy } from '../../train/loss.js';
import { meanCrossEntropy } from './infer.js';

beforeAll(setCpu);

describe('meanCrossEntropy', () => {
  it('equals the mean of the training cross-entropy over the labelled rows, skipping unlabelled ones', async () => {
    const logits = new Float32Array([2.5, -1, 0, 0, -30, 40, 3, 3.5, 7, -2]);
    const labels = [0, 1, 0, -1, 1];
    const kept = [0, 1, 2, 4];
    const ref = tf.tidy(() =>
      rowCrossEntropy(
        tf.tensor2d(kept.flatMap((i) => [logits[2 * i], logits[2 * i + 1]]), [kept.length, 2]),
        tf.tensor1d(kept.map((i) => labels[i]), 'int32'),
      ).mean(),
    );
    const expected = (await ref.data())[0];
    ref.dispose();
    expect(meanCrossEntropy({ count: 5, numLabels: 2, logits }, labels)).toBeCloseTo(expected, 5);
    expect(meanCrossEntropy({ count: 1, numLabels: 2, logits: new Float32Array([1, 2]) }, [-1])).toBeNull();
  });
});
