import { describe, expect, it } from 'vitest';
import { splitByArticle, splitPlan } from './dataset.js';

const articles = (n: number) => Array.from({ length: n }, (_, i) => ({ title: `a${i}`, paragraphs: [] }));

describe('split plan (the preview and the split ask the same function)', () => {
  it('counts the articles on each side', () => {
    expect(splitPlan(5, 0.2)).toEqual({ train: 4, eval: 1 });
    expect(splitPlan(10, 0.5)).toEqual({ train: 5, eval: 5 });
  });

  it('refuses the shares and sizes the split refuses, with the same words', () => {
    for (const share of [0, 1, -0.1, Number.NaN]) {
      const plan = splitPlan(5, share);
      expect(plan).toHaveProperty('problem');
      expect(() => splitByArticle(articles(5), share, 1)).toThrow((plan as { problem: string }).problem);
    }
    expect(splitPlan(1, 0.2)).toEqual({ problem: 'a split needs at least 2 articles' });
  });

  it('splits exactly as planned', () => {
    const s = splitByArticle(articles(7), 0.3, 3);
    expect({ train: s.train.length, eval: s.eval.length }).toEqual(splitPlan(7, 0.3));
  });
});
