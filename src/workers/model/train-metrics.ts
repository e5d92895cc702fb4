import { METRIC_COLUMNS, type EvalPoint, type MetricColumns, type MetricPoint, type RunInfo } from '../train-api.js';

/** Step metrics stored in chunks of this many steps, one IndexedDB record each. */
export const METRIC_CHUNK = 2048;

function emptyColumns(capacity: number): MetricColumns {
  return Object.fromEntries(METRIC_COLUMNS.map((c) => [c, new Float64Array(capacity)])) as MetricColumns;
}

/**
 * A run's step metrics as growable columns: appending is amortised O(1) and `view()` hands out
 * subarrays without copying, so a chart can redraw 100k points without rebuilding arrays.
 */
export class MetricSeries {
  private cols: MetricColumns;
  private n = 0;

  constructor(capacity = 1024) {
    this.cols = emptyColumns(Math.max(16, capacity));
  }

  static fromColumns(columns: MetricColumns, count: number): MetricSeries {
    const s = new MetricSeries(count * 2);
    for (const c of METRIC_COLUMNS) s.cols[c].set(columns[c].subarray(0, count));
    s.n = count;
    return s;
  }

  get count(): number {
    return this.n;
  }

  /** Steps are contiguous from 1, so point i is step i + 1; a point for an earlier step replaces the tail. */
  push(p: MetricPoint): void {
    if (p.step <= this.n) this.n = Math.max(0, p.step - 1);
    if (this.n === this.cols.step.length) {
      const bigger = emptyColumns(this.n * 2);
      for (const c of METRIC_COLUMNS) bigger[c].set(this.cols[c]);
      this.cols = bigger;
    }
    const i = this.n++;
    for (const c of METRIC_COLUMNS) this.cols[c][i] = c === 'skipped' ? (p.skipped ? 1 : 0) : p[c];
  }

  /** Drops the points after `step` (a resume from that checkpoint replays them). */
  truncate(step: number): void {
    this.n = Math.min(this.n, Math.max(0, step));
  }

  view(): MetricColumns {
    return Object.fromEntries(METRIC_COLUMNS.map((c) => [c, this.cols[c].subarray(0, this.n)])) as MetricColumns;
  }

  /** Copies of points [from, to), e.g. one storage chunk. */
  slice(from: number, to: number): MetricColumns {
    return Object.fromEntries(METRIC_COLUMNS.map((c) => [c, this.cols[c].slice(from, Math.min(to, this.n))])) as MetricColumns;
  }

  value(column: (typeof METRIC_COLUMNS)[number], i: number): number {
    return this.cols[column][i];
  }
}

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** One row per step of every run, eval scores on the rows of the steps they were taken at. */
export function metricsToCsv(runs: { run: RunInfo; columns: MetricColumns; count: number; evals: EvalPoint[] }[]): string {
  const header = ['run_id', 'run', ...METRIC_COLUMNS, 'exact_match', 'f1', 'eval_loss'];
  const lines = [header.join(',')];
  for (const { run, columns, count, evals } of runs) {
    const byStep = new Map(evals.map((e) => [e.step, e]));
    for (let i = 0; i < count; i++) {
      const e = byStep.get(columns.step[i]);
      const row: (string | number | null)[] = [run.id, run.label, ...METRIC_COLUMNS.map((c) => columns[c][i]), e?.exact_match ?? null, e?.f1 ?? null, e?.eval_loss ?? null];
      lines.push(row.map(csvCell).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

export function metricsToJson(runs: { run: RunInfo; columns: MetricColumns; count: number; evals: EvalPoint[] }[]): string {
  return JSON.stringify(
    {
      runs: runs.map(({ run, columns, count, evals }) => ({
        run,
        metrics: Array.from({ length: count }, (_, i) =>
          Object.fromEntries(METRIC_COLUMNS.map((c) => [c, c === 'skipped' ? columns[c][i] === 1 : Number.isFinite(columns[c][i]) ? columns[c][i] : String(columns[c][i])])),
        ),
        evals,
      })),
    },
    null,
    1,
  );
}
