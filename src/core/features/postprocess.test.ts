import { describe, expect, it } from 'vitest';
import { postprocess, postprocessExample, topIndices, toPredictionRecord, type FeatureLogits } from './postprocess.js';

// Word-level "tokens" over a small context; offsets are UTF-16 spans into it.
const CONTEXT = 'The café 😀 opens at six every morning for the fishermen.';
const WORDS: [number, number][] = [];
for (const m of CONTEXT.matchAll(/\S+/g)) WORDS.push([m.index, m.index + m[0].length]);
const word = (s: string) => WORDS.findIndex(([a, b]) => CONTEXT.slice(a, b) === s);

/**
 * A window over context words [from, to): 2 leading question/special tokens with null offsets,
 * then the context tokens, then one trailing special token. Logits default to -10; `hot` sets
 * start/end logits by context word index.
 */
function window(id: string, from: number, to: number, hot: { start?: Record<number, number>; end?: Record<number, number> } = {}): FeatureLogits {
  const offsets: ([number, number] | null)[] = [null, null];
  for (let w = from; w < to; w++) offsets.push(WORDS[w]);
  offsets.push(null);
  const startLogits = new Float32Array(offsets.length).fill(-10);
  const endLogits = new Float32Array(offsets.length).fill(-10);
  for (const [w, v] of Object.entries(hot.start ?? {})) if (+w >= from && +w < to) startLogits[2 + +w - from] = v;
  for (const [w, v] of Object.entries(hot.end ?? {})) if (+w >= from && +w < to) endLogits[2 + +w - from] = v;
  return { exampleId: id, startLogits, endLogits, offsets };
}

describe('topIndices', () => {
  it('returns the n largest, largest first, lower index first on ties', () => {
    expect(topIndices([1, 5, 3, 5, 0, 4], 3)).toEqual([1, 3, 5]);
    expect(topIndices([2, 1], 5)).toEqual([0, 1]);
    expect(topIndices([2, 1], 0)).toEqual([]);
  });
});

describe('postprocessExample', () => {
  it('slices the answer from the original context by offsets (past a non-BMP character)', () => {
    const f = window('q', 0, WORDS.length, { start: { [word('six')]: 5 }, end: { [word('morning')]: 4 } });
    const p = postprocessExample(CONTEXT, [f]);
    expect(p.text).toBe('six every morning');
    expect(p.score).toBeCloseTo(9, 5);
    expect(CONTEXT.slice(p.candidates[0].start, p.candidates[0].end)).toBe(p.text);
    expect(p.probability).toBeGreaterThan(0.5);
    expect(p.candidates.length).toBeLessThanOrEqual(5);
    const total = p.candidates.reduce((s, c) => s + c.probability, 0);
    expect(total).toBeLessThanOrEqual(1 + 1e-9);
    for (let i = 1; i < p.candidates.length; i++) expect(p.candidates[i].score).toBeLessThanOrEqual(p.candidates[i - 1].score);
  });

  it('keeps the accents of the context', () => {
    const f = window('q', 0, WORDS.length, { start: { [word('café')]: 3 }, end: { [word('café')]: 3 } });
    expect(postprocessExample(CONTEXT, [f]).text).toBe('café');
  });

  it('never pairs positions with null offsets (question and special tokens)', () => {
    const f = window('q', 0, WORDS.length, { start: { [word('six')]: 1 }, end: { [word('six')]: 1 } });
    (f.startLogits as Float32Array)[0] = 50;
    (f.endLogits as Float32Array)[1] = 50;
    (f.endLogits as Float32Array)[f.offsets.length - 1] = 50;
    expect(postprocessExample(CONTEXT, [f]).text).toBe('six');
  });

  it('treats logits past the end of offsets as null (padding)', () => {
    const f = window('q', 0, 3, { start: { 1: 2 }, end: { 1: 2 } });
    const start = new Float32Array(f.startLogits.length + 4).fill(-10);
    const end = new Float32Array(f.endLogits.length + 4).fill(-10);
    start.set(f.startLogits as Float32Array);
    end.set(f.endLogits as Float32Array);
    start[start.length - 1] = 99;
    end[end.length - 1] = 99;
    expect(postprocessExample(CONTEXT, [{ ...f, startLogits: start, endLogits: end }]).text).toBe('café');
  });

  it('rejects end before start', () => {
    const f = window('q', 0, WORDS.length, { start: { [word('morning')]: 9 }, end: { [word('six')]: 9, [word('fishermen.')]: 1 } });
    expect(postprocessExample(CONTEXT, [f]).text).toBe('morning for the fishermen.');
  });

  it('returns an empty answer when nothing qualifies', () => {
    const f: FeatureLogits = { exampleId: 'q', startLogits: [1, 2], endLogits: [2, 1], offsets: [null, null] };
    expect(postprocessExample(CONTEXT, [f])).toEqual({ exampleId: 'q', text: '', score: -Infinity, probability: 0, candidates: [] });
    expect(postprocessExample(CONTEXT, []).text).toBe('');
  });

  it('applies max_answer_length in tokens (end - start + 1)', () => {
    const hot = { start: { [word('The')]: 10, [word('six')]: 1 }, end: { [word('six')]: 1, [word('fishermen.')]: 10 } };
    const f = window('q', 0, WORDS.length, hot);
    const all = WORDS.length;
    expect(postprocessExample(CONTEXT, [f], { maxAnswerLength: all }).text).toBe(CONTEXT);
    // One token short of the whole context: the long pair is dropped.
    expect(postprocessExample(CONTEXT, [f], { maxAnswerLength: all - 1 }).text).not.toBe(CONTEXT);
    expect(postprocessExample(CONTEXT, [f], { maxAnswerLength: 1 }).text).toBe('six');
  });

  it('only pairs the n_best highest start and end logits', () => {
    // The best *valid* pair needs a start ranked 3rd; the two higher starts sit on null offsets.
    const f = window('q', 0, WORDS.length, { start: { [word('six')]: 3 }, end: { [word('six')]: 3 } });
    (f.startLogits as Float32Array)[0] = 8;
    (f.startLogits as Float32Array)[1] = 7;
    expect(postprocessExample(CONTEXT, [f], { nBest: 2 }).text).toBe('');
    expect(postprocessExample(CONTEXT, [f], { nBest: 3 }).text).toBe('six');
  });

  it('keeps at most n_best candidates for the softmax and topK distinct spans', () => {
    const f = window('q', 0, WORDS.length);
    for (let i = 2; i < f.offsets.length - 1; i++) {
      (f.startLogits as Float32Array)[i] = 1;
      (f.endLogits as Float32Array)[i] = 1;
    }
    const p = postprocessExample(CONTEXT, [f], { nBest: 4, topK: 10 });
    expect(p.candidates.length).toBe(4);
    for (const c of p.candidates) expect(c.probability).toBeCloseTo(0.25, 6);
  });
});

describe('multi-window examples', () => {
  const six = word('six');
  const morning = word('morning');

  it('takes the best pair over all windows of an example', () => {
    const a = window('q', 0, 6, { start: { 1: 2 }, end: { 1: 2 } });
    const b = window('q', 4, WORDS.length, { start: { [six]: 6 }, end: { [morning]: 6 } });
    const p = postprocessExample(CONTEXT, [a, b]);
    expect(p.text).toBe('six every morning');
    expect(p.candidates[0].feature).toBe(1);
    expect(p.candidates.some((c) => c.text === 'café' && c.feature === 0)).toBe(true);
  });

  it('finds an answer crossing the edge of one window in the overlapping window', () => {
    // Window A ends inside the answer: its best start has no matching end there.
    const hot = { start: { [six]: 9 }, end: { [morning]: 9 } };
    const a = window('q', 0, six + 2, hot);
    const b = window('q', six - 1, WORDS.length, hot);
    const p = postprocessExample(CONTEXT, [a, b]);
    expect(p.text).toBe('six every morning');
    expect(p.candidates[0].feature).toBe(1);
    // Alone, window A can only propose a truncated span.
    expect(postprocessExample(CONTEXT, [a]).text).not.toBe('six every morning');
  });

  it('never pairs a start from one window with an end from another', () => {
    const a = window('q', 0, six + 1, { start: { [six]: 9 } });
    const b = window('q', six + 1, WORDS.length, { end: { [morning]: 9 } });
    const p = postprocessExample(CONTEXT, [a, b]);
    expect(p.text).not.toBe('six every morning');
    for (const c of p.candidates) expect(c.score).toBeLessThan(0);
  });

  it('merges the same span proposed by overlapping windows', () => {
    const hot = { start: { [six]: 5 }, end: { [six]: 5 } };
    const p = postprocessExample(CONTEXT, [window('q', 0, WORDS.length, hot), window('q', 2, WORDS.length, hot)], { topK: 20 });
    expect(p.candidates.filter((c) => c.text === 'six').length).toBe(1);
    expect(p.candidates[0].feature).toBe(0);
    const spans = p.candidates.map((c) => `${c.start}:${c.end}`);
    expect(new Set(spans).size).toBe(spans.length);
  });

  it('groups features by example id and returns predictions by id', () => {
    const features = [
      window('x', 0, 6, { start: { 1: 5 }, end: { 1: 5 } }),
      window('y', 0, WORDS.length, { start: { [six]: 5 }, end: { [six]: 5 } }),
      window('x', 4, WORDS.length),
    ];
    const out = postprocess(features, new Map([['x', CONTEXT], ['y', CONTEXT]]));
    expect(toPredictionRecord(out)).toEqual({ x: 'café', y: 'six' });
    expect(postprocess(features, { x: CONTEXT, y: CONTEXT }).get('y')?.text).toBe('six');
    expect(() => postprocess(features, () => undefined)).toThrow(/no context for example "x"/);
  });
});
