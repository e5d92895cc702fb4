import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { featurizeSquad, postprocessExample, type FeatureLogits } from '../features/index.js';
import { batchFromArrays, disposeBatch } from '../model/index.js';
import { TINY_SQUAD, tinyModelOnCpu, tinyTokenizer } from './fixtures.test-util.js';
import { predictDataset } from './predict.js';

const SETTINGS = { maxLength: 48, stride: 8 };
const tokenizer = tinyTokenizer();
const tiny = tinyModelOnCpu();

/** The plain way: featurize, one forward pass per window, post-process each example's windows. */
async function referencePredictions(ids: string[]): Promise<Map<string, { text: string; score: number; windows: FeatureLogits[] }>> {
  const f = featurizeSquad(tokenizer, TINY_SQUAD, SETTINGS, 'eval');
  const L = f.length;
  const out = new Map<string, { text: string; score: number; windows: FeatureLogits[] }>();
  for (const id of ids) {
    const exampleIndex = f.examples.findIndex((e) => e.id === id);
    const windows: FeatureLogits[] = [];
    for (let w = 0; w < f.count; w++) {
      if (f.exampleIndex[w] !== exampleIndex) continue;
      const row = (a: ArrayLike<number>) => Array.from(a).slice(w * L, (w + 1) * L);
      const batch = batchFromArrays(1, L, row(f.inputIds), row(f.tokenTypeIds), row(f.attentionMask));
      const logits = tiny.model.forward(batch, { training: false });
      const offsets: ([number, number] | null)[] = [];
      for (let i = 0; i < L; i++) {
        const s = f.offsets[2 * (w * L + i)];
        offsets.push(s === -1 ? null : [s, f.offsets[2 * (w * L + i) + 1]]);
      }
      windows.push({ exampleId: id, startLogits: await logits.startLogits.data(), endLogits: await logits.endLogits.data(), offsets });
      tf.dispose([logits.startLogits, logits.endLogits]);
      disposeBatch(batch);
    }
    const context = f.contexts[f.examples[exampleIndex].contextIndex];
    const p = postprocessExample(context, windows);
    out.set(id, { text: p.text, score: p.score, windows });
  }
  return out;
}

describe('predictDataset', () => {
  it('predicts a substring of each context, sliced by its offsets, for every question', async () => {
    const r = await predictDataset(tiny.model, tokenizer, TINY_SQUAD, { ...SETTINGS, batchSize: 4 });
    expect(r.exampleCount).toBe(5);
    expect(Object.keys(r.predictions).sort()).toEqual(['long-1', 'long-2', 'long-3', 'short-1', 'short-2']);
    const contextTokens = r.contexts.map((c) => tokenizer.encode(c));
    for (const e of r.examples) {
      const context = r.contexts[e.contextIndex];
      expect(e.text.length).toBeGreaterThan(0);
      expect(r.predictions[e.id]).toBe(e.text);
      expect(context.slice(e.start!, e.end!)).toBe(e.text);
      // Spans start and end on token boundaries of the context.
      expect(Array.from(contextTokens[e.contextIndex].starts)).toContain(e.start);
      expect(Array.from(contextTokens[e.contextIndex].ends)).toContain(e.end);
      for (const c of e.candidates) expect(context.slice(c.start, c.end)).toBe(c.text);
      expect(e.candidates.length).toBeLessThanOrEqual(5);
      expect(e.probability).toBeGreaterThan(0);
      expect(e.probability).toBeLessThanOrEqual(1);
    }
    expect(r.examples.find((e) => e.id === 'long-2')!.question).toBe('How tall is the tower?');
  });

  it('splits long contexts into several windows and matches a one-window-at-a-time reference', async () => {
    const r = await predictDataset(tiny.model, tokenizer, TINY_SQUAD, { ...SETTINGS, batchSize: 3, logitsFor: ['long-1', 'short-1'] });
    const long = r.examples.filter((e) => e.id.startsWith('long'));
    for (const e of long) expect(e.windows).toBeGreaterThanOrEqual(3);
    // Post-processing looked past the first window: some best spans come from later ones.
    expect(long.some((e) => e.candidates[0].feature > 0)).toBe(true);
    expect(r.examples.find((e) => e.id === 'short-1')!.windows).toBe(1);
    expect(r.featureCount).toBe(r.examples.reduce((s, e) => s + e.windows, 0));

    const ref = await referencePredictions(['long-1', 'long-3', 'short-1']);
    for (const [id, want] of ref) {
      const got = r.examples.find((e) => e.id === id)!;
      expect(got.text).toBe(want.text);
      expect(got.score).toBeCloseTo(want.score, 4);
    }
    // Only the examples asked for keep their logits, one entry per window, equal to the reference's.
    expect([...r.logits.keys()].sort()).toEqual(['long-1', 'short-1']);
    const kept = r.logits.get('long-1')!;
    const want = ref.get('long-1')!.windows;
    expect(kept.length).toBe(want.length);
    kept.forEach((w, k) => {
      expect(w.window).toBe(k);
      expect(w.tokens[0]).toBe('[CLS]');
      expect(w.tokens.length).toBe(SETTINGS.maxLength);
      for (let i = 0; i < SETTINGS.maxLength; i++) {
        expect(w.startLogits[i]).toBeCloseTo(want[k].startLogits[i], 4);
        expect(w.endLogits[i]).toBeCloseTo(want[k].endLogits[i], 4);
      }
    });
    expect(kept.at(-1)!.realLength).toBeLessThanOrEqual(SETTINGS.maxLength);
  });

  it('gives the same predictions for batch sizes 1 and 7 (the padded rows do not count)', async () => {
    const a = await predictDataset(tiny.model, tokenizer, TINY_SQUAD, { ...SETTINGS, batchSize: 1 });
    const b = await predictDataset(tiny.model, tokenizer, TINY_SQUAD, { ...SETTINGS, batchSize: 7 });
    expect(b.featureCount % 7).not.toBe(0);
    expect(b.predictions).toEqual(a.predictions);
    a.examples.forEach((e, i) => expect(b.examples[i].score).toBeCloseTo(e.score, 4));
  });

  it('accepts paragraphs directly, reports progress, and frees every tensor', async () => {
    const before = tf.memory().numTensors;
    const progress: [number, number][] = [];
    const r = await predictDataset(
      tiny.model,
      tokenizer,
      [{ context: 'The tower is 38 metres tall.', questions: [{ id: '__proto__', question: 'How tall is it?' }, { id: 'b', question: 'What is tall?' }] }],
      { ...SETTINGS, batchSize: 16, onProgress: (done, total) => progress.push([done, total]) },
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(Object.keys(r.predictions)).toEqual(['__proto__', 'b']);
    expect(progress).toEqual([
      [0, 2],
      [2, 2],
    ]);
    await predictDataset(tiny.model, tokenizer, TINY_SQUAD, { ...SETTINGS, batchSize: 5, logitsFor: 'all' });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops at an abort between batches without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const ctrl = new AbortController();
    let calls = 0;
    const run = predictDataset(tiny.model, tokenizer, TINY_SQUAD, {
      ...SETTINGS,
      batchSize: 1,
      onProgress: (done) => {
        calls++;
        if (done === 2) ctrl.abort();
      },
      signal: ctrl.signal,
    });
    await expect(run).rejects.toThrow(/abort/i);
    expect(calls).toBe(3);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad settings and a vocabulary larger than the model', async () => {
    await expect(predictDataset(tiny.model, tokenizer, TINY_SQUAD, { ...SETTINGS, batchSize: 0 })).rejects.toThrow(/batchSize must be a positive integer/);
    await expect(predictDataset(tiny.model, tokenizer, TINY_SQUAD, { maxLength: 128, stride: 8 })).rejects.toThrow(/max_position_embeddings/);
    await expect(predictDataset(tiny.model, tokenizer, TINY_SQUAD, { maxLength: 48, stride: 40 })).rejects.toThrow(/stride/);
  });
});
