// A Hugging Face Trainer run brought back as a run of this browser: its log_history as the run's step
// metrics and evaluations, beside the studio's own runs in the Runs table and charts.
import type { TrainerLog } from '../../core/export/index.js';
import type { TaskName } from '../../core/tasks/types.js';
import { defaultHyperparameters, type TrainHyperparameters } from '../../core/train/index.js';
import type { EvalPoint, RunInfo, RunSetup } from '../train-api.js';
import { store } from './registry.js';
import { MetricSeries } from './train-metrics.js';
import { writeMetrics, type RunExtras } from './train-metrics-store.js';

/** The run's hyperparameters from the exported run_config.json, the model size's defaults for what it lacks. */
function hyperparametersOf(runConfig: Record<string, any> | null, config: RunInfo['config'], batch: number | null): TrainHyperparameters {
  const d = defaultHyperparameters(config);
  const h = (runConfig?.hyperparameters ?? {}) as Record<string, unknown>;
  const n = (k: string, fallback: number) => (typeof h[k] === 'number' ? (h[k] as number) : fallback);
  return {
    learningRate: n('learning_rate', d.learningRate),
    batchSize: n('per_device_train_batch_size', batch ?? d.batchSize),
    gradAccumSteps: n('gradient_accumulation_steps', 1),
    warmupRatio: n('warmup_ratio', d.warmupRatio),
    weightDecay: n('weight_decay', d.weightDecay),
    maxGradNorm: n('max_grad_norm', d.maxGradNorm),
    epochs: n('num_train_epochs', d.epochs),
    maxSteps: n('max_steps', 0),
    seed: n('seed', d.seed),
    beta1: n('adam_beta1', d.beta1),
    beta2: n('adam_beta2', d.beta2),
    eps: n('adam_epsilon', d.eps),
    gradientCheckpointing: h.gradient_checkpointing === true,
  };
}

export interface TrainerRunFields {
  runId: string;
  task: TaskName;
  label: string;
  /** The model (QA) or classifier (sentence pairs) the folder was stored as. */
  modelId: string;
  modelLabel: string;
  config: RunInfo['config'];
  vocab: string;
  lowercase: boolean;
  /** Why the run reads as it does ("Trained with Hugging Face Trainer in 12 s; imported as ..."). */
  reason: string;
}

/** Stores the Trainer's curves and evaluations as a completed run with the folder's model as its result. */
export async function storeTrainerRun(f: TrainerRunFields, log: TrainerLog, runConfig: Record<string, any> | null): Promise<RunInfo> {
  const series = new MetricSeries(log.steps.length + 16);
  const perStep = log.samplesPerSecond ?? 0;
  for (const s of log.steps) {
    series.push({ ...s, grad_norm: Number.isFinite(s.grad_norm) ? s.grad_norm : 0, samples_per_s: perStep, step_ms: 0, skipped: !Number.isFinite(s.loss), mem_bytes: 0, mem_tensors: 0, time: 0 });
  }
  const evals: EvalPoint[] = log.evals.map((e) => ({ step: e.step, epoch: e.epoch, exact_match: e.exact_match, ...(e.accuracy !== null ? { accuracy: e.accuracy } : {}), f1: e.f1, eval_loss: e.eval_loss }));
  const f1s = evals.map((e) => e.f1).filter((v): v is number => v !== null);
  const data = (runConfig?.data ?? {}) as Record<string, any>;
  const h = (runConfig?.hyperparameters ?? {}) as Record<string, unknown>;
  const setup: RunSetup = {
    ...(f.task === 'qa' ? {} : { task: f.task }),
    trainDatasetId: '',
    evalDatasetId: null,
    modelId: f.modelId,
    hyperparameters: hyperparametersOf(runConfig, f.config, log.trainBatchSize),
    maxLength: typeof data.tokenization?.max_length === 'number' ? data.tokenization.max_length : f.config.max_position_embeddings,
    stride: typeof data.tokenization?.stride === 'number' ? data.tokenization.stride : 0,
    evalEvery: typeof h.eval_steps === 'number' ? h.eval_steps : 0,
    checkpointEvery: 0,
    backend: 'cpu',
    ...(f.task === 'mrpc' ? { pair: { init: 'weights' as const, groupByLength: h.group_by_length === true } } : {}),
  };
  const now = Date.now();
  const last = log.steps[log.steps.length - 1];
  const info: RunInfo = {
    kind: 'run',
    id: f.runId,
    label: f.label,
    setup,
    modelLabel: f.modelLabel,
    trainDatasetName: typeof data.train?.source === 'string' ? data.train.source : 'data of the Trainer run',
    evalDatasetName: typeof data.eval?.source === 'string' ? data.eval.source : null,
    config: f.config,
    status: 'completed',
    reason: f.reason,
    step: log.globalStep,
    totalSteps: Math.max(log.maxSteps, log.globalStep),
    epoch: last.epoch,
    featureCount: typeof data.train?.rows === 'number' ? data.train.rows : 0,
    checkpointStep: null,
    checkpointBytes: 0,
    finalModelId: f.modelId,
    bestF1: f1s.length ? Math.max(...f1s) : null,
    lastEval: evals[evals.length - 1] ?? null,
    backend: 'cpu',
    importedFrom: 'Hugging Face Trainer',
    createdAt: now,
    updatedAt: now,
  };
  const s = await store();
  const extras: RunExtras = { kind: 'run-extras', id: f.runId, vocab: f.vocab, lowercase: f.lowercase, evals };
  await writeMetrics(s, f.runId, series, 0, extras);
  await s.putRecord(info as unknown as RunExtras);
  return info;
}
