import { describe, expect, it } from 'vitest';
import { MetricSeries } from '../../workers/model/train-metrics.js';
import { ChartColumns, DebiasedEma, etaSeconds, evalScores } from './charts.js';

const push = (s: MetricSeries, step: number, loss: number, time = step * 100) =>
  s.push({ step, epoch: 0, loss, lr: 0, grad_norm: 0, samples_per_s: 0, step_ms: 100, skipped: false, mem_bytes: 0, mem_tensors: 0, time });

describe('DebiasedEma', () => {
  it('starts at the first value, leaves a constant unchanged and matches TensorBoard on a step', () => {
    const ema = new DebiasedEma(0.6);
    expect(ema.next(2)).toBeCloseTo(2, 12);
    expect(ema.next(2)).toBeCloseTo(2, 12);
    const e = new DebiasedEma(0.6);
    e.next(1);
    // last = 0.6 * 0.4 + 0.4 * 3 = 1.44, debiased by 1 - 0.36.
    expect(e.next(3)).toBeCloseTo(1.44 / 0.64, 12);
  });

  it('skips non-finite values without poisoning later ones', () => {
    const e = new DebiasedEma(0.5);
    e.next(1);
    expect(e.next(NaN)).toBeNull();
    expect(e.next(1)).toBeCloseTo(1, 12);
  });
});

describe('ChartColumns', () => {
  it('appending in pieces equals building at once; a truncation or a new weight rebuilds', () => {
    const s = new MetricSeries();
    const live = new ChartColumns(0.6);
    for (let i = 1; i <= 500; i++) {
      push(s, i, Math.sin(i) + 2);
      if (i % 37 === 0) live.update(s, 0.6);
    }
    live.update(s, 0.6);
    const fresh = new ChartColumns(0.6).update(s, 0.6);
    expect(live.smoothed).toEqual(fresh.smoothed);
    expect(live.col('loss')).toEqual(fresh.col('loss'));
    s.truncate(100);
    push(s, 101, 5);
    live.update(s, 0.6);
    expect(live.col('step')).toHaveLength(101);
    expect(live.smoothed).toEqual(new ChartColumns(0.6).update(s, 0.6).smoothed);
    expect(live.update(s, 0.9).smoothed).toEqual(new ChartColumns(0.9).update(s, 0.9).smoothed);
  });

  it('keeps up with 100k points', () => {
    const s = new MetricSeries();
    const c = new ChartColumns(0.9);
    const t0 = performance.now();
    for (let i = 1; i <= 100_000; i++) {
      push(s, i, 1 / i);
      if (i % 50 === 0) c.update(s, 0.9);
    }
    expect(c.col('step')).toHaveLength(100_000);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe('etaSeconds', () => {
  it('is the wall time per step times the steps left, leaving out a pause', () => {
    const s = new MetricSeries();
    expect(etaSeconds(s, 10)).toBeNull();
    for (let i = 1; i <= 10; i++) push(s, i, 1, i * 200);
    expect(etaSeconds(s, 110)).toBeCloseTo(20, 6);
    // Resumed an hour later: the gap is not a step time.
    push(s, 11, 1, 10 * 200 + 3_600_000);
    expect(etaSeconds(s, 110)).toBeCloseTo((99 * 200) / 1000, 6);
    // Only the step after a resume: its own step time stands in.
    const t = new MetricSeries();
    push(t, 1, 1, 0);
    expect(etaSeconds(t, 11)).toBeCloseTo(1, 6);
  });
});

describe('evalScores', () => {
  it("shows each task's scores on its own scale as percentages, and a dash until all exist", () => {
    expect(evalScores('qa', { step: 5, epoch: 1, exact_match: 61.5, f1: 72.25, eval_loss: 1 })).toBe('61.50% / 72.25%');
    expect(evalScores('mrpc', { step: 5, epoch: 1, exact_match: null, accuracy: 0.6838, f1: 0.8122, eval_loss: 0.6 })).toBe('68.38% / 81.22%');
    expect(evalScores('mrpc', { step: 5, epoch: 1, exact_match: null, accuracy: null, f1: 0.8, eval_loss: null })).toBe('–');
    expect(evalScores('qa', null)).toBe('–');
  });
});
