import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { answerQuestion } from './answer.js';
import { LONG_CONTEXT, SHORT_CONTEXT, tinyModelOnCpu, tinyTokenizer } from './fixtures.test-util.js';
import { predictDataset, type WindowLogits } from './predict.js';

const SETTINGS = { maxLength: 48, stride: 8 };
const tokenizer = tinyTokenizer();
const tiny = tinyModelOnCpu();

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Positions of the context tokens in a kept window, by UTF-16 span. */
function contextPositions(w: WindowLogits): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i < w.sequenceIds.length; i++) if (w.sequenceIds[i] === 1) out.set(`${w.offsets[2 * i]}:${w.offsets[2 * i + 1]}`, i);
  return out;
}

describe('answerQuestion', () => {
  it('answers like evaluation does and spreads token probabilities over one window', async () => {
    const question = 'Who built the mill?';
    const a = await answerQuestion(tiny.model, tokenizer, SHORT_CONTEXT, question, { ...SETTINGS, maxLength: 64 });
    const ref = await predictDataset(tiny.model, tokenizer, [{ context: SHORT_CONTEXT, questions: [{ id: 'q', question }] }], {
      ...SETTINGS,
      maxLength: 64,
      logitsFor: ['q'],
    });
    expect(a.windows).toBe(1);
    expect(a.answer).not.toBeNull();
    expect(a.answer!.text).toBe(ref.predictions.q);
    expect([a.answer!.start, a.answer!.end]).toEqual([ref.examples[0].start, ref.examples[0].end]);
    expect(SHORT_CONTEXT.slice(a.answer!.start, a.answer!.end)).toBe(a.answer!.text);
    expect(a.candidates[0]).toEqual(a.answer);

    // One window: the heatmap is the softmax of that window's logits over its context positions.
    const w = ref.logits.get('q')![0];
    const positions = contextPositions(w);
    const logits = a.tokens.map((t) => w.startLogits[positions.get(`${t.start}:${t.end}`)!]);
    const max = Math.max(...logits);
    const z = sum(logits.map((l) => Math.exp(l - max)));
    a.tokens.forEach((t, i) => expect(t.startProbability).toBeCloseTo(Math.exp(logits[i] - max) / z, 6));
  });

  it('covers a long context with several windows; probabilities add up to 1 as documented', async () => {
    const before = tf.memory().numTensors;
    const question = 'When was the lighthouse built?';
    const a = await answerQuestion(tiny.model, tokenizer, LONG_CONTEXT, question, { ...SETTINGS, topK: 1000 });
    expect(tf.memory().numTensors).toBe(before);
    expect(a.windows).toBeGreaterThan(3);

    const encoded = tokenizer.encode(LONG_CONTEXT);
    expect(a.tokens.length).toBe(encoded.length);
    a.tokens.forEach((t, i) => {
      expect(t.index).toBe(i);
      expect([t.start, t.end]).toEqual([encoded.starts[i], encoded.ends[i]]);
      expect(t.text).toBe(LONG_CONTEXT.slice(t.start, t.end));
      expect(t.token).toBe(tokenizer.idToToken(encoded.ids[i]));
    });
    // Uncased: "café" is matched as "cafe" piece by piece, yet texts keep the context's accent.
    const cafe = LONG_CONTEXT.indexOf('café');
    const pieces = a.tokens.filter((t) => t.start >= cafe && t.end <= cafe + 4);
    expect(pieces.map((t) => t.text).join('')).toBe('café');
    expect(pieces.at(-1)!.token).toBe('##e');
    expect(sum(a.tokens.map((t) => t.startProbability))).toBeCloseTo(1, 10);
    expect(sum(a.tokens.map((t) => t.endProbability))).toBeCloseTo(1, 10);
    // All distinct spans: their shares of the n_best pair softmax add up to 1.
    expect(sum(a.candidates.map((c) => c.probability))).toBeCloseTo(1, 10);
    const top5 = await answerQuestion(tiny.model, tokenizer, LONG_CONTEXT, question, SETTINGS);
    expect(top5.candidates.length).toBe(5);
    expect(top5.candidates).toEqual(a.candidates.slice(0, 5));
    expect(sum(top5.candidates.map((c) => c.probability))).toBeLessThanOrEqual(1);

    const ref = await predictDataset(tiny.model, tokenizer, [{ context: LONG_CONTEXT, questions: [{ id: 'q', question }] }], { ...SETTINGS, logitsFor: ['q'] });
    expect(a.answer!.text).toBe(ref.predictions.q);
    expect(a.answer!.feature).toBe(ref.examples[0].candidates[0].feature);

    // Each token's logits come from the window where it has the most context on its shorter side.
    const windows = ref.logits.get('q')!;
    const byWindow = windows.map(contextPositions);
    const chosen: number[] = [];
    let shared = 0;
    a.tokens.forEach((t) => {
      const key = `${t.start}:${t.end}`;
      const centrality = byWindow.map((pos) => {
        const i = pos.get(key);
        if (i === undefined) return -1;
        const firstCtx = Math.min(...pos.values());
        return Math.min(i - firstCtx, firstCtx + pos.size - 1 - i);
      });
      if (centrality.filter((c) => c >= 0).length > 1) shared++;
      expect(centrality[t.window]).toBe(Math.max(...centrality));
      chosen.push(windows[t.window].startLogits[byWindow[t.window].get(key)!]);
    });
    expect(shared).toBeGreaterThan(0);
    const max = Math.max(...chosen);
    const z = sum(chosen.map((l) => Math.exp(l - max)));
    a.tokens.forEach((t, i) => expect(t.startProbability).toBeCloseTo(Math.exp(chosen[i] - max) / z, 6));
  });

  it('returns no answer and no tokens for an empty context', async () => {
    const a = await answerQuestion(tiny.model, tokenizer, '', 'Who built the mill?', SETTINGS);
    expect(a.answer).toBeNull();
    expect(a.candidates).toEqual([]);
    expect(a.tokens).toEqual([]);
    expect(a.windows).toBe(1);
  });
});
