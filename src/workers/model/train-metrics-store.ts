// A run's logged steps and evaluations in IndexedDB: metric chunks of METRIC_CHUNK steps (the last one
// partial and rewritten) and one extras record with the tokenizer and the evaluations.
import type { IdbDatasetStore, KeyedRecord } from '../../core/storage/index.js';
import { METRIC_COLUMNS, type EvalPoint, type MetricColumns, type MetricPoint } from '../train-api.js';
import { METRIC_CHUNK, MetricSeries } from './train-metrics.js';

type MetricsStore = Pick<IdbDatasetStore, 'putRecord' | 'getRecord' | 'deleteRecord'>;

export interface MetricsChunk extends KeyedRecord {
  kind: 'run-metrics';
  count: number;
  columns: MetricColumns;
}

export interface RunExtras extends KeyedRecord {
  kind: 'run-extras';
  /** The tokenizer travels with the run, so it resumes and evaluates even if its model is deleted. */
  vocab: string;
  lowercase: boolean;
  evals: EvalPoint[];
}

export const chunkId = (runId: string, index: number) => `${runId}/${String(index).padStart(6, '0')}`;

/** Writes the chunks from `storedChunks` on and the extras; answers how many chunks are now final. */
export async function writeMetrics(s: MetricsStore, runId: string, metrics: MetricSeries, storedChunks: number, extras: RunExtras): Promise<number> {
  const total = metrics.count;
  const lastChunk = Math.ceil(total / METRIC_CHUNK);
  for (let c = storedChunks; c < lastChunk; c++) {
    const from = c * METRIC_CHUNK;
    const to = Math.min(total, from + METRIC_CHUNK);
    await s.putRecord({ kind: 'run-metrics', id: chunkId(runId, c), count: to - from, columns: metrics.slice(from, to) } satisfies MetricsChunk);
  }
  await s.putRecord(extras);
  // Only full chunks are final; the last partial one is rewritten on the next write.
  return Math.floor(total / METRIC_CHUNK);
}

export async function readMetrics(s: MetricsStore, runId: string, steps: number): Promise<{ series: MetricSeries; evals: EvalPoint[] }> {
  const series = new MetricSeries(steps + 16);
  // Chunks may run ahead of the run record's step (metrics are flushed between checkpoints): read until a partial one.
  for (let c = 0; ; c++) {
    const chunk = await s.getRecord<MetricsChunk>('run-metrics', chunkId(runId, c));
    if (!chunk) break;
    for (let i = 0; i < chunk.count; i++) {
      const p = Object.fromEntries(METRIC_COLUMNS.map((col) => [col, chunk.columns[col][i]])) as unknown as MetricPoint;
      series.push({ ...p, skipped: chunk.columns.skipped[i] === 1 });
    }
    if (chunk.count < METRIC_CHUNK) break;
  }
  const extras = await s.getRecord<RunExtras>('run-extras', runId);
  return { series, evals: extras?.evals ?? [] };
}

export async function deleteMetricsAfter(s: MetricsStore, runId: string, keep: number): Promise<void> {
  for (let c = Math.ceil(keep / METRIC_CHUNK); ; c++) {
    const id = chunkId(runId, c);
    if (!(await s.getRecord('run-metrics', id))) break;
    await s.deleteRecord('run-metrics', id);
  }
}
