import type { HostParams } from '../../core/model/index.js';
import type { IdbDatasetStore, KeyedRecord } from '../../core/storage/index.js';
import type { TrainerState } from '../../core/train/index.js';

type CheckpointStore = Pick<IdbDatasetStore, 'putTensors' | 'readTensors' | 'getRecord' | 'deleteRecord'>;

const PREFIXES = { params: 'param/', exp_avg: 'exp_avg/', exp_avg_sq: 'exp_avg_sq/' } as const;

export const checkpointOwner = (runId: string) => `checkpoint:${runId}`;

/** Everything of a TrainerState except the tensors, which go one IndexedDB record each. */
export interface CheckpointRecord extends KeyedRecord {
  kind: 'checkpoint';
  id: string;
  format: TrainerState['format'];
  options: TrainerState['options'];
  featureCount: number;
  seqLength: number;
  step: number;
  totalSteps: number;
  warmupSteps: number;
  rng: number;
  cursor: TrainerState['cursor'];
  consecutiveNonFinite: number;
  optimizerStep: number;
  bytes: number;
  savedAt: number;
}

export function checkpointTensors(state: TrainerState): { name: string; shape: number[]; data: Float32Array }[] {
  const out: { name: string; shape: number[]; data: Float32Array }[] = [];
  const add = (prefix: string, params: HostParams) => {
    for (const [name, t] of params) out.push({ name: prefix + name, shape: [...t.shape], data: t.data });
  };
  add(PREFIXES.params, state.params);
  add(PREFIXES.exp_avg, state.optimizer.exp_avg);
  add(PREFIXES.exp_avg_sq, state.optimizer.exp_avg_sq);
  return out;
}

/** Bytes a checkpoint of this state writes (tensor data plus the data cursor). */
export function checkpointBytes(state: TrainerState): number {
  return checkpointTensors(state).reduce((s, t) => s + t.data.byteLength, 0) + state.cursor.permutation.byteLength;
}

/**
 * Replaces the run's checkpoint in one transaction: weights, both Adam moments, the step, schedule,
 * RNG state and data cursor. When the write fails (quota), the previous checkpoint stays as it was.
 */
export async function saveCheckpoint(store: CheckpointStore, runId: string, state: TrainerState): Promise<CheckpointRecord> {
  const record: CheckpointRecord = {
    kind: 'checkpoint',
    id: runId,
    format: state.format,
    options: { ...state.options },
    featureCount: state.featureCount,
    seqLength: state.seqLength,
    step: state.step,
    totalSteps: state.totalSteps,
    warmupSteps: state.warmupSteps,
    rng: state.rng,
    cursor: { epoch: state.cursor.epoch, position: state.cursor.position, permutation: state.cursor.permutation },
    consecutiveNonFinite: state.consecutiveNonFinite,
    optimizerStep: state.optimizer.step,
    bytes: checkpointBytes(state),
    savedAt: Date.now(),
  };
  await store.putTensors(record, checkpointOwner(runId), checkpointTensors(state));
  return record;
}

export async function readCheckpointRecord(store: CheckpointStore, runId: string): Promise<CheckpointRecord | undefined> {
  return store.getRecord<CheckpointRecord>('checkpoint', runId);
}

/** The TrainerState a checkpoint holds, or null when the run has none. */
export async function loadCheckpoint(store: CheckpointStore, runId: string): Promise<TrainerState | null> {
  const record = await readCheckpointRecord(store, runId);
  if (!record) return null;
  const params: HostParams = new Map();
  const expAvg: HostParams = new Map();
  const expAvgSq: HostParams = new Map();
  for (const t of await store.readTensors(checkpointOwner(runId))) {
    const tensor = { shape: t.shape, data: t.data };
    if (t.name.startsWith(PREFIXES.params)) params.set(t.name.slice(PREFIXES.params.length), tensor);
    else if (t.name.startsWith(PREFIXES.exp_avg_sq)) expAvgSq.set(t.name.slice(PREFIXES.exp_avg_sq.length), tensor);
    else if (t.name.startsWith(PREFIXES.exp_avg)) expAvg.set(t.name.slice(PREFIXES.exp_avg.length), tensor);
  }
  if (params.size === 0 || expAvg.size !== params.size || expAvgSq.size !== params.size) {
    throw new Error(`the checkpoint of run ${runId} is incomplete (${params.size} weights, ${expAvg.size} + ${expAvgSq.size} moments)`);
  }
  return {
    format: record.format,
    options: record.options,
    featureCount: record.featureCount,
    seqLength: record.seqLength,
    step: record.step,
    totalSteps: record.totalSteps,
    warmupSteps: record.warmupSteps,
    rng: record.rng,
    cursor: { epoch: record.cursor.epoch, position: record.cursor.position, permutation: new Int32Array(record.cursor.permutation) },
    consecutiveNonFinite: record.consecutiveNonFinite,
    params,
    optimizer: { step: record.optimizerStep, exp_avg: expAvg, exp_avg_sq: expAvgSq },
  };
}

export function deleteCheckpoint(store: CheckpointStore, runId: string): Promise<void> {
  return store.deleteRecord('checkpoint', runId, checkpointOwner(runId));
}

/** The space a checkpoint needs: the new one is written in full before the old one is dropped. */
export async function storageNeed(bytes: number): Promise<string> {
  const est = await navigator.storage?.estimate?.().catch(() => null);
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;
  const free = est && est.quota !== undefined && est.usage !== undefined ? est.quota - est.usage : null;
  return `A checkpoint needs about ${mb(bytes)}, up to ${mb(2 * bytes)} while it replaces the previous one${free !== null ? `; the browser reports ${mb(Math.max(0, free))} free` : ''}.`;
}
