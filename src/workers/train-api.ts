import type { BertConfig } from '../core/model/index.js';
import type { TaskName } from '../core/tasks/types.js';
import type { PaddingReport } from '../core/tasks/mrpc/padding.js';
import type { TrainHyperparameters } from '../core/train/index.js';
import type { AdapterInfo, BackendName } from './model-api.js';

/** Everything that defines a run; it is also what the Train panel's URL encodes. */
export interface RunSetup {
  /** What the run fine-tunes for; absent (runs stored before tasks): question answering. */
  task?: TaskName;
  /** A SQuAD dataset for QA, a sentence-pair dataset for MRPC. */
  trainDatasetId: string;
  /** Scored with the task's metrics (QA EM/F1, MRPC accuracy/F1) and eval loss every evalEvery steps, or at each epoch's end when 0, and at the end. */
  evalDatasetId: string | null;
  modelId: string;
  hyperparameters: TrainHyperparameters;
  maxLength: number;
  /** QA windows' overlap; 0 for sentence pairs, which are not windowed. */
  stride: number;
  /** 0: at the end of each epoch. */
  evalEvery: number;
  /** 0: only on pause, stop, page hide and at the end. */
  checkpointEvery: number;
  backend: BackendName;
  /** Sentence-pair runs: start from the model's encoder (fresh classifier) or a random init; group rows of similar length. */
  pair?: { init: 'random' | 'weights'; groupByLength: boolean };
}

/** The task of a run's setup. */
export const taskOfSetup = (setup: Pick<RunSetup, 'task'>): TaskName => setup.task ?? 'qa';

/** What a sentence-pair run's tokenization did: pairs truncated and the padding its batching needs. */
export interface PairRunDetails {
  truncated: number;
  padding: PaddingReport;
}

export type RunStatus = 'preparing' | 'running' | 'paused' | 'stopped' | 'completed' | 'failed';

/** A run as stored in IndexedDB (kind 'run'); metrics and checkpoints are separate records. */
export interface RunInfo {
  kind: 'run';
  id: string;
  label: string;
  setup: RunSetup;
  modelLabel: string;
  trainDatasetName: string;
  evalDatasetName: string | null;
  config: BertConfig;
  status: RunStatus;
  /** Why the run is paused, stopped or failed, in words a user can act on. */
  reason: string | null;
  step: number;
  totalSteps: number;
  epoch: number;
  featureCount: number;
  /** Step of the checkpoint a resume starts from; null before the first one. */
  checkpointStep: number | null;
  checkpointBytes: number;
  finalModelId: string | null;
  /** Sentence-pair runs: what tokenization truncated and what the padding costs. */
  pair?: PairRunDetails;
  /** Highest eval F1 so far on the task's scale (QA 0-100, MRPC 0-1), for the history table; null before the first evaluation. */
  bestF1: number | null;
  lastEval: EvalPoint | null;
  backend: BackendName;
  /** Set for a run trained elsewhere and imported (e.g. "Hugging Face Trainer"): it has curves and a model, no checkpoint. */
  importedFrom?: string;
  createdAt: number;
  updatedAt: number;
}

/** One optimizer step as the charts draw it: StepMetrics plus memory and wall time. */
export interface MetricPoint {
  step: number;
  epoch: number;
  loss: number;
  lr: number;
  grad_norm: number;
  samples_per_s: number;
  step_ms: number;
  skipped: boolean;
  /** tf.memory() after the step. */
  mem_bytes: number;
  mem_tensors: number;
  time: number;
}

export interface EvalPoint {
  step: number;
  epoch: number;
  /** QA (null for other tasks). */
  exact_match: number | null;
  /** Sentence pairs, a fraction. */
  accuracy?: number | null;
  f1: number | null;
  eval_loss: number | null;
}

export const METRIC_COLUMNS = ['step', 'epoch', 'loss', 'lr', 'grad_norm', 'samples_per_s', 'step_ms', 'skipped', 'mem_bytes', 'mem_tensors', 'time'] as const;
export type MetricColumn = (typeof METRIC_COLUMNS)[number];

/** A run's step metrics column by column (index i is step i + 1), cheap to clone and to chart. */
export type MetricColumns = Record<MetricColumn, Float64Array>;

export interface RunMetrics {
  runId: string;
  count: number;
  columns: MetricColumns;
  evals: EvalPoint[];
}

export type TrainEvent =
  | { type: 'metrics'; runId: string; points: MetricPoint[] }
  | { type: 'eval'; runId: string; point: EvalPoint }
  | { type: 'run'; run: RunInfo }
  /** Metrics after this step were dropped (a resume from an earlier checkpoint replays them). */
  | { type: 'truncate'; runId: string; step: number }
  | { type: 'notice'; runId: string; level: 'info' | 'warn' | 'error'; message: string };

export interface WatchResult {
  /** Pass back as `after` to get what follows. */
  seq: number;
  events: TrainEvent[];
  /** The watcher fell behind the worker's event buffer: reload runs and metrics. */
  reset: boolean;
}

/** Start and resume answer with a value, not an error, when the user has a choice to make. */
export type StartResult =
  | { kind: 'started'; run: RunInfo }
  | { kind: 'probe-failed'; backend: BackendName; reason: string; next: BackendName | null }
  | { kind: 'batch-too-large'; problem: string; suggestion: { batchSize: number; gradAccumSteps: number } };

export type TrainApi = {
  'train-start': { payload: { setup: RunSetup; label?: string }; result: StartResult };
  'train-pause': { payload: { runId: string }; result: RunInfo };
  /** A backend other than the run's own moves it (e.g. after a failed probe or a lost device). */
  'train-resume': { payload: { runId: string; backend?: BackendName }; result: StartResult };
  'train-stop': { payload: { runId: string }; result: RunInfo };
  /** Checkpoints the running run now (the page is being hidden or closed); null when none runs. */
  'train-checkpoint': { payload: null; result: { runId: string; step: number } | null };
  'train-runs': { payload: null; result: RunInfo[] };
  'train-metrics': { payload: { runId: string }; result: RunMetrics };
  'train-delete': { payload: { runId: string }; result: null };
  'train-export': { payload: { runIds: string[]; format: 'csv' | 'json' }; result: { fileName: string; text: string } };
  /** Long poll: answers with the events after `after` as soon as there are any (or after waitMs). */
  'train-watch': { payload: { after: number; waitMs?: number }; result: WatchResult };
};

/** The largest single GPU buffers a training step allocates, in bytes. */
export function stepBuffers(config: Pick<BertConfig, 'num_attention_heads' | 'intermediate_size' | 'hidden_size' | 'vocab_size'>, batchSize: number, maxLength: number) {
  return {
    attentionScores: batchSize * config.num_attention_heads * maxLength * maxLength * 4,
    intermediate: batchSize * maxLength * config.intermediate_size * 4,
    wordEmbeddings: config.vocab_size * config.hidden_size * 4,
  };
}

/**
 * Whether one micro-batch fits the adapter's buffer limits (attention scores are B x heads x L x L
 * floats, usually the largest); when not, the largest batch that fits and the accumulation that
 * keeps the effective batch at least as large.
 */
export function checkBatchAgainstAdapter(
  config: Pick<BertConfig, 'num_attention_heads' | 'intermediate_size' | 'hidden_size' | 'vocab_size'>,
  batchSize: number,
  gradAccumSteps: number,
  maxLength: number,
  adapter: Pick<AdapterInfo, 'limits'> | null,
): { problem: string; suggestion: { batchSize: number; gradAccumSteps: number } } | null {
  if (!adapter) return null;
  const limit = Math.min(adapter.limits.maxStorageBufferBindingSize, adapter.limits.maxBufferSize);
  const perRow = stepBuffers(config, 1, maxLength);
  const biggestPerRow = Math.max(perRow.attentionScores, perRow.intermediate);
  if (biggestPerRow * batchSize <= limit) return null;
  const fits = Math.max(1, Math.floor(limit / biggestPerRow));
  const effective = batchSize * gradAccumSteps;
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  const which = perRow.attentionScores >= perRow.intermediate ? `attention scores (${batchSize} x ${config.num_attention_heads} heads x ${maxLength} x ${maxLength} floats)` : 'the feed-forward activations';
  return {
    problem: `A batch of ${batchSize} at max length ${maxLength} needs ${mib(biggestPerRow * batchSize)} for ${which}, more than this GPU's largest buffer (${mib(limit)}).`,
    suggestion: { batchSize: fits, gradAccumSteps: Math.ceil(effective / fits) },
  };
}
