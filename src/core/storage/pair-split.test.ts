import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePairs } from '../tasks/mrpc/parse.js';
import { pairSplitPlan, splitPairs } from './pair-split.js';

const DEV = new URL('../../../../shared/data/mrpc/dev.tsv', import.meta.url);

describe('splitPairs', () => {
  const { examples } = parsePairs(fs.readFileSync(DEV, 'utf8'));

  it('splits MRPC dev by row, keeping the label balance on both sides, and agrees with its plan', () => {
    const { train, eval: ev } = splitPairs(examples, 0.2, 42);
    expect(train.length + ev.length).toBe(408);
    expect(new Set([...train, ...ev].map((e) => e.id)).size).toBe(408);
    // 279 equivalent / 129 not: round(279 * 0.2) = 56 and round(129 * 0.2) = 26 go to eval.
    expect(ev.filter((e) => e.label === 1).length).toBe(56);
    expect(ev.filter((e) => e.label === 0).length).toBe(26);
    expect(pairSplitPlan({ pairs: 408, positives: 279, negatives: 129 }, 0.2)).toEqual({ train: 326, eval: 82 });
    // Rows keep their file ids and order.
    expect(train.map((e) => Number(e.id))).toEqual([...train.map((e) => Number(e.id))].sort((a, b) => a - b));
  });

  it('is seeded: the same seed gives the same split, another seed another', () => {
    const ids = (seed: number) => splitPairs(examples, 0.2, seed).eval.map((e) => e.id).join();
    expect(ids(7)).toBe(ids(7));
    expect(ids(7)).not.toBe(ids(8));
  });

  it('keeps a pair on each side of tiny or unlabelled sets, and refuses impossible ones', () => {
    const two = examples.slice(0, 2).map((e) => ({ ...e, label: null }));
    const s = splitPairs(two, 0.05, 1);
    expect([s.train.length, s.eval.length]).toEqual([1, 1]);
    expect(pairSplitPlan({ pairs: 1, positives: 1, negatives: 0 }, 0.2)).toEqual({ problem: 'a split needs at least 2 pairs' });
    expect(pairSplitPlan({ pairs: 10, positives: 5, negatives: 5 }, 0)).toHaveProperty('problem');
    expect(() => splitPairs(examples.slice(0, 1), 0.5, 1)).toThrow('at least 2 pairs');
  });
});
