import { describe, expect, it } from 'vitest';
import type { MetricPoint, RunInfo } from '../train-api.js';
import { MetricSeries, metricsToCsv, metricsToJson } from './train-metrics.js';

const point = (step: number, loss = 1 / step): MetricPoint => ({
  step,
  epoch: step / 10,
  loss,
  lr: 1e-4,
  grad_norm: 2,
  samples_per_s: 8,
  step_ms: 125,
  skipped: !Number.isFinite(loss),
  mem_bytes: 1024,
  mem_tensors: 195,
  time: 1000 + step,
});

describe('MetricSeries', () => {
  it('grows past its capacity, keeps step i at index i - 1, and views without copying', () => {
    const s = new MetricSeries(16);
    for (let i = 1; i <= 1000; i++) s.push(point(i));
    expect(s.count).toBe(1000);
    const view = s.view();
    expect(view.step[999]).toBe(1000);
    expect(view.loss[9]).toBeCloseTo(0.1);
    expect(view.step.length).toBe(1000);
  });

  it('a point for an earlier step (a resume replaying from its checkpoint) replaces the tail', () => {
    const s = new MetricSeries();
    for (let i = 1; i <= 10; i++) s.push(point(i));
    s.push(point(7, 42));
    expect(s.count).toBe(7);
    expect(s.value('loss', 6)).toBe(42);
    s.truncate(3);
    expect(s.count).toBe(3);
    expect([...s.slice(0, 10).step]).toEqual([1, 2, 3]);
  });
});

describe('metric export', () => {
  const run = { id: 'r1', label: 'Run "one", lr 3e-4' } as RunInfo;
  const s = new MetricSeries();
  [1, 2, 3].forEach((i) => s.push(point(i, i === 2 ? NaN : 1 / i)));
  const item = { run, columns: s.view(), count: s.count, evals: [{ step: 2, epoch: 0.2, exact_match: 50, f1: 60.5, eval_loss: 1.5 }] };

  it('CSV: a header, one row per step, eval scores on their step, labels quoted', () => {
    const lines = metricsToCsv([item]).trim().split('\n');
    expect(lines[0]).toBe('run_id,run,step,epoch,loss,lr,grad_norm,samples_per_s,step_ms,skipped,mem_bytes,mem_tensors,time,exact_match,f1,eval_loss');
    expect(lines).toHaveLength(4);
    expect(lines[1].startsWith('r1,"Run ""one"", lr 3e-4",1,')).toBe(true);
    expect(lines[2]).toContain(',NaN,');
    expect(lines[2].endsWith(',50,60.5,1.5')).toBe(true);
    expect(lines[3].endsWith(',,,')).toBe(true);
  });

  it('JSON: parses back, non-finite losses as strings, skipped as booleans', () => {
    const parsed = JSON.parse(metricsToJson([item])) as { runs: { metrics: Record<string, unknown>[]; evals: unknown[] }[] };
    expect(parsed.runs[0].metrics).toHaveLength(3);
    expect(parsed.runs[0].metrics[1]).toMatchObject({ step: 2, loss: 'NaN', skipped: true });
    expect(parsed.runs[0].metrics[0]).toMatchObject({ step: 1, loss: 1, skipped: false });
    expect(parsed.runs[0].evals).toHaveLength(1);
  });
});
