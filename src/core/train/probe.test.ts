import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BertForQuestionAnswering, BertForSequenceClassification } from '../model/index.js';
import { MRPC_LABELS, pairTrainData, type PairFeatures } from '../tasks/mrpc/index.js';
import { TINY, markedFeatures, setCpu } from './fixtures.test-util.js';
import { probeTrainStep } from './probe.js';
import { qaTrainData } from './trainer.js';

beforeAll(setCpu);

function pairs(count: number): PairFeatures {
  const lengths = Int32Array.from({ length: count }, (_, i) => 6 + (i % 3));
  const rowStart = new Int32Array(count + 1);
  for (let i = 0; i < count; i++) rowStart[i + 1] = rowStart[i] + lengths[i];
  const total = rowStart[count];
  return {
    count,
    maxLength: 8,
    ids: Array.from({ length: count }, (_, i) => String(i)),
    labels: Int32Array.from({ length: count }, (_, i) => i % 2),
    rowStart,
    inputIds: Int32Array.from({ length: total }, (_, i) => 5 + (i % 50)),
    tokenTypeIds: Int32Array.from({ length: total }, (_, i) => i % 2),
    lengths,
    truncated: 0,
  };
}

describe('probeTrainStep', () => {
  it('passes a model that trains, for either task, and names a non-finite loss', async () => {
    const qa = BertForQuestionAnswering.init(TINY, 1);
    // A batch larger than the data repeats its rows.
    expect(await probeTrainStep(qa, qaTrainData(markedFeatures(3, 16, 1)), 4)).toBeNull();
    const cls = BertForSequenceClassification.init(TINY, 1, MRPC_LABELS);
    expect(await probeTrainStep(cls, pairTrainData(pairs(5), 0), 4)).toBeNull();
    const w = cls.params.get('classifier.bias')!;
    tf.tidy(() => w.assign(w.mul(Number.NaN)));
    const before = tf.memory().numTensors;
    expect(await probeTrainStep(cls, pairTrainData(pairs(5), 0), 4)).toMatch(/non-finite loss/);
    // Nothing it made is left on the backend.
    expect(tf.memory().numTensors).toBe(before);
    qa.dispose();
    cls.dispose();
  });
});
