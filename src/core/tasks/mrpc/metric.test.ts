import { describe, expect, it } from 'vitest';
import { parsePairPredictions, scorePairs } from './metric';

describe('scorePairs (glue/mrpc)', () => {
  it('gives accuracy and F1 of class 1 as fractions, with the confusion matrix', () => {
    const gold = new Map<string, 0 | 1>([['0', 1], ['1', 1], ['2', 0], ['3', 0], ['4', 1]]);
    const s = scorePairs(gold, new Map([['0', 1], ['1', 0], ['2', 1], ['3', 0], ['4', 1]]));
    expect(s.confusion).toEqual({ tp: 2, fp: 1, tn: 1, fn: 1 });
    expect(s.accuracy).toBeCloseTo(3 / 5, 12);
    // sklearn f1_score([1,1,0,0,1], [1,0,1,0,1]) = 2*2 / (2*2 + 1 + 1)
    expect(s.f1).toBeCloseTo(4 / 6, 12);
  });

  it('counts a missing prediction as wrong', () => {
    const gold = new Map<string, 0 | 1>([['a', 1], ['b', 0]]);
    const s = scorePairs(gold, new Map());
    expect(s).toMatchObject({ accuracy: 0, f1: 0, missing: 2, confusion: { tp: 0, fp: 1, tn: 0, fn: 1 } });
  });

  it('reads {"id": label} files and names a bad label by id', () => {
    expect(parsePairPredictions({ 0: 1, 1: '0' })).toEqual(new Map([['0', 1], ['1', 0]]));
    expect(() => parsePairPredictions({ 7: 'equivalent' })).toThrow('prediction for id "7" is "equivalent", expected 0 or 1');
  });
});
