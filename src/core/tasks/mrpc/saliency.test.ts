// Gradient x input saliency of the predicted label against central finite differences of the logit.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../../../cli/backend.js';
import { BERT_DEFAULTS, BertForSequenceClassification, batchFromArrays, bertClassificationForward, disposeBatch } from '../../model/index.js';
import { tokenizerFromVocab } from '../../tokenizer/index.js';
import { MRPC_LABELS } from './types.js';
import { explainPair } from './saliency.js';

const SHARED = resolve(process.cwd(), '../shared/data');
const tokenizer = tokenizerFromVocab(readFileSync(resolve(SHARED, 'vocab/bert-base-uncased-vocab.txt'), 'utf8'), { lowercase: true });

beforeAll(async () => {
  await setupBackend('cpu');
});

describe('explainPair', () => {
  it('gives label probabilities and per-token gradient x input that finite differences confirm', async () => {
    const config = { ...BERT_DEFAULTS, hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 32, max_position_embeddings: 64, initializer_range: 0.5 };
    const model = BertForSequenceClassification.init(config, 4, MRPC_LABELS);
    const x = await explainPair(model, tokenizer, 'The cat sat on the mat.', 'A cat was sitting on the mat.', 64);
    const L = x.pair.inputIds.length;
    expect(x.saliency).toHaveLength(L);
    expect(x.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(x.predicted).toBe(x.probabilities[1] > x.probabilities[0] ? 1 : 0);

    const batch = batchFromArrays(1, L, x.pair.inputIds, x.pair.tokenTypeIds, new Int32Array(L).fill(1));
    const words = tf.gather(model.params.get('bert.embeddings.word_embeddings.weight')!, Array.from(x.pair.inputIds)) as tf.Tensor2D;
    const logitWith = async (token: number, scale: number): Promise<number> => {
      const scaled = tf.tidy(() => tf.mul(words, tf.tensor2d(Array.from({ length: L }, (_, i) => (i === token ? scale : 1)), [L, 1])) as tf.Tensor2D);
      const out = tf.tidy(() => bertClassificationForward(model.params, model.config, batch, { inputsEmbeds: scaled }));
      const v = (await out.data())[x.predicted];
      tf.dispose([out, scaled]);
      return v;
    };
    // d logit / d s of scaling token i's embedding by s, at s = 1, is exactly gradient . embedding.
    const eps = 1e-2;
    const bad: string[] = [];
    for (let i = 0; i < L; i++) {
      const fd = ((await logitWith(i, 1 + eps)) - (await logitWith(i, 1 - eps))) / (2 * eps);
      if (Math.abs(fd - x.saliency[i]) > 2e-3 + 2e-2 * Math.abs(fd)) bad.push(`token ${i}: finite difference ${fd}, saliency ${x.saliency[i]}`);
    }
    expect(bad).toEqual([]);
    expect(Math.max(...x.saliency.map(Math.abs))).toBeGreaterThan(1e-3);
    tf.dispose(words);
    disposeBatch(batch);
    model.dispose();
  });
});
