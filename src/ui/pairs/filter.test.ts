import { describe, expect, it } from 'vitest';
import { pairFilter } from './filter.js';
import type { PairPrediction } from '../../workers/pair-api.js';

const row = (id: string, label: 0 | 1 | null, p1: number): PairPrediction => ({
  id,
  sentence1: 'a',
  sentence2: 'b',
  label,
  predicted: p1 >= 0.5 ? 1 : 0,
  probabilities: [1 - p1, p1],
});

describe('pair filters', () => {
  const rows = [row('0', 1, 0.95), row('1', 0, 0.97), row('2', 0, 0.6), row('3', 1, 0.2), row('4', null, 0.99), row('5', 1, 0.05)];
  it('splits labelled pairs into right and wrong, and keeps unlabelled ones only under all', () => {
    expect(pairFilter(rows, 'all').map((r) => r.id)).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(pairFilter(rows, 'right').map((r) => r.id)).toEqual(['0']);
    expect(pairFilter(rows, 'wrong').map((r) => r.id)).toEqual(['1', '2', '3', '5']);
  });
  it('confident and wrong: the predicted label at p >= 0.9, whichever label that is', () => {
    expect(pairFilter(rows, 'confident-wrong').map((r) => r.id)).toEqual(['1', '5']);
  });
});
