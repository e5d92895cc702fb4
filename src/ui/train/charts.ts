import type { MetricSeries } from '../../workers/model/train-metrics.js';
import { TASK_METRICS, formatTaskScore } from '../../core/tasks/views.js';
import type { TaskName } from '../../core/tasks/types.js';
import type { EvalPoint, MetricColumn, RunInfo } from '../../workers/train-api.js';

export const RUN_COLORS = ['#2f5bd3', '#d9480f', '#2b8a3e', '#9c36b5', '#c2255c', '#0b7285', '#e67700'];

/**
 * TensorBoard's smoothing: an exponential moving average debiased by 1 - w^n (as Adam debiases its
 * moments), so the first points are not pulled toward 0. Non-finite values are gaps and do not count.
 */
export class DebiasedEma {
  private last = 0;
  private n = 0;
  constructor(readonly weight: number) {}

  next(v: number): number | null {
    if (!Number.isFinite(v)) return null;
    this.last = this.last * this.weight + (1 - this.weight) * v;
    this.n++;
    const debias = this.weight === 1 ? 1 : 1 - this.weight ** this.n;
    return this.last / debias;
  }
}

type Column = (number | null)[];

/**
 * Chart-ready columns of one run, extended in place as points arrive: appending k points costs O(k),
 * so a redraw with 100k points does not rebuild arrays. Non-finite values become null (uPlot gaps).
 */
export class ChartColumns {
  private len = 0;
  private ema: DebiasedEma;
  readonly cols = new Map<MetricColumn, Column>();
  smoothed: Column = [];

  constructor(private smoothing: number) {
    this.ema = new DebiasedEma(smoothing);
  }

  update(series: MetricSeries, smoothing: number): this {
    if (series.count < this.len || smoothing !== this.smoothing) this.reset(smoothing);
    const view = series.view();
    for (let i = this.len; i < series.count; i++) {
      for (const c of ['step', 'loss', 'lr', 'grad_norm', 'samples_per_s', 'step_ms', 'mem_bytes', 'mem_tensors'] as const) {
        let col = this.cols.get(c);
        if (!col) this.cols.set(c, (col = []));
        const v = view[c][i];
        col.push(Number.isFinite(v) ? (c === 'mem_bytes' ? v / 2 ** 20 : v) : null);
      }
      this.smoothed.push(this.ema.next(view.loss[i]));
    }
    this.len = series.count;
    return this;
  }

  col(c: MetricColumn): Column {
    return this.cols.get(c) ?? [];
  }

  private reset(smoothing: number): void {
    this.len = 0;
    this.smoothing = smoothing;
    this.ema = new DebiasedEma(smoothing);
    this.cols.clear();
    this.smoothed = [];
  }
}

const caches = new WeakMap<MetricSeries, ChartColumns>();

export function chartColumns(series: MetricSeries, smoothing: number): ChartColumns {
  let c = caches.get(series);
  if (!c) caches.set(series, (c = new ChartColumns(smoothing)));
  return c.update(series, smoothing);
}

/**
 * Mean wall time per step over the last `window` steps (evals and checkpoints included) times the
 * steps left; a gap longer than ten step times (a pause, a reload) is left out.
 */
export function etaSeconds(series: MetricSeries, totalSteps: number, window = 20): number | null {
  const n = series.count;
  if (n < 1) return null;
  let sum = 0;
  let used = 0;
  for (let i = Math.max(1, n - window); i < n; i++) {
    const gap = series.value('time', i) - series.value('time', i - 1);
    if (gap > 10 * series.value('step_ms', i)) continue;
    sum += gap;
    used++;
  }
  const perStep = used > 0 ? sum / used : series.value('step_ms', n - 1);
  const left = totalSteps - series.value('step', n - 1);
  return left > 0 && perStep > 0 ? (left * perStep) / 1000 : 0;
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function formatMetric(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined) return '–';
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5)) return v.toExponential(2);
  return Number(v.toPrecision(digits)).toString();
}

export function statusText(run: RunInfo, compact = false): string {
  if ((run.status === 'paused' || run.status === 'failed') && run.checkpointStep !== null) {
    return compact ? `${run.status} · resumable @${run.checkpointStep}` : `${run.status} · resumable from step ${run.checkpointStep}`;
  }
  return run.status;
}

/** A run's evaluation scores as its task reports them ("81.20% / 88.05%"), or a dash before they exist. */
export function evalScores(task: TaskName, point: EvalPoint | null): string {
  if (!point) return '–';
  const values = TASK_METRICS[task].keys.map((k) => point[k]);
  return values.every((v): v is number => typeof v === 'number') ? values.map((v) => formatTaskScore(task, v)).join(' / ') : '–';
}
