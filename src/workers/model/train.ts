import { evaluateModel } from '../../core/eval/index.js';
import { BertForQuestionAnswering, batchFromArrays, disposeBatch } from '../../core/model/index.js';
import { articlesFromShards, type DatasetInfo, type FeatureSetInfo, type KeyedRecord } from '../../core/storage/index.js';
import { ensureFeatureSet } from '../feature-sets.js';
import type { SquadFile } from '../../core/squad/types.js';
import { tokenizerFromVocab, type BertTokenizer } from '../../core/tokenizer/index.js';
import { Trainer, evaluateLoss, type StepMetrics, type TrainFeatures, type TrainerState } from '../../core/train/index.js';
import type { BackendName, ModelInfo } from '../model-api.js';
import { isQuotaError, StudioError, type HandlerContext, type Handlers } from '../protocol.js';
import {
  METRIC_COLUMNS,
  checkBatchAgainstAdapter,
  type EvalPoint,
  type MetricColumns,
  type MetricPoint,
  type RunInfo,
  type RunSetup,
  type StartResult,
  type TrainApi,
  type TrainEvent,
} from '../train-api.js';
import { backendInfo, setBackend, tf } from './backend.js';
import { refuseDuringModelJob } from './jobs.js';
import { getModelInfo, newModelId, readParams, releaseAll, saveModel, store } from './registry.js';
import { checkpointBytes, deleteCheckpoint, loadCheckpoint, saveCheckpoint } from './train-checkpoint.js';
import { METRIC_CHUNK, MetricSeries, metricsToCsv, metricsToJson } from './train-metrics.js';

const PREFERENCE: BackendName[] = ['webgpu', 'wasm', 'cpu'];

interface MetricsChunk extends KeyedRecord {
  kind: 'run-metrics';
  count: number;
  columns: MetricColumns;
}

interface RunExtras extends KeyedRecord {
  kind: 'run-extras';
  /** The tokenizer travels with the run, so it resumes and evaluates even if its model is deleted. */
  vocab: string;
  lowercase: boolean;
  evals: EvalPoint[];
}

export const chunkId = (runId: string, index: number) => `${runId}/${String(index).padStart(6, '0')}`;
const asRecord = <T extends object>(r: T) => r as unknown as KeyedRecord;

// Events for watchers: a bounded log with sequence numbers, so a watcher that falls behind learns it.
const EVENT_LOG_LIMIT = 20_000;
const eventLog: { seq: number; event: TrainEvent }[] = [];
let lastSeq = 0;
const waiters = new Set<() => void>();

function emit(event: TrainEvent): void {
  eventLog.push({ seq: ++lastSeq, event });
  if (eventLog.length > EVENT_LOG_LIMIT) eventLog.splice(0, eventLog.length - EVENT_LOG_LIMIT);
  for (const wake of [...waiters]) wake();
}

function notice(runId: string, level: 'info' | 'warn' | 'error', message: string): void {
  emit({ type: 'notice', runId, level, message });
}

// Between steps the loop yields a macrotask, so pause/stop/watch messages are handled promptly.
const yieldChannel = new MessageChannel();
const yieldQueue: (() => void)[] = [];
yieldChannel.port1.onmessage = () => yieldQueue.shift()?.();
function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => {
    yieldQueue.push(resolve);
    yieldChannel.port2.postMessage(0);
  });
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** How the stored windows name the tokenizer to people: the key above is for lookups only. */
function vocabLabel(vocab: string): string {
  const tokens = vocab.split('\n').filter((line) => line.trim() !== '').length;
  return `the model's vocabulary (${tokens.toLocaleString('en-US')} tokens)`;
}

async function requireDataset(id: string): Promise<DatasetInfo> {
  const info = await (await store()).getDataset(id);
  if (!info) throw new StudioError('not-found', `No dataset with id ${id}: it may have been deleted.`);
  return info;
}

/** Training windows of a dataset for this tokenizer and window setting, made once and reused from IndexedDB. */
async function featureSet(dataset: DatasetInfo, tokenizer: BertTokenizer, vocab: string, lowercase: boolean, setup: RunSetup, maxPositions: number, ctx: HandlerContext | null): Promise<FeatureSetInfo> {
  try {
    const { info } = await ensureFeatureSet(
      await store(),
      dataset,
      tokenizer,
      { tokenizerLabel: vocabLabel(vocab), lowercase, maxLength: setup.maxLength, stride: setup.stride, maxPositionEmbeddings: maxPositions },
      ctx,
    );
    return info;
  } catch (err) {
    if (err instanceof StudioError && err.code === 'invalid-input') throw new StudioError('invalid-input', `Cannot make training windows: ${err.message}`);
    throw err;
  }
}

/** All windows of a feature set as the flat arrays the Trainer reads. */
async function loadFeatures(info: FeatureSetInfo): Promise<TrainFeatures> {
  const s = await store();
  const L = info.maxLength;
  const n = info.features;
  const out = {
    count: n,
    length: L,
    inputIds: new Int32Array(n * L),
    tokenTypeIds: new Uint8Array(n * L),
    attentionMask: new Uint8Array(n * L),
    startPositions: new Int32Array(n),
    endPositions: new Int32Array(n),
  };
  let at = 0;
  for (let i = 0; i < info.shardCount; i++) {
    const { batch } = await s.readFeatureShard(info.key, i);
    out.inputIds.set(batch.inputIds, at * L);
    out.tokenTypeIds.set(batch.tokenTypeIds, at * L);
    out.attentionMask.set(batch.attentionMask, at * L);
    out.startPositions.set(batch.startPositions, at);
    out.endPositions.set(batch.endPositions, at);
    at += batch.count;
  }
  return out;
}

export async function squadFileOf(dataset: DatasetInfo): Promise<SquadFile> {
  const s = await store();
  const shards = [];
  for (let i = 0; i < dataset.shardCount; i++) shards.push(await s.readShard(dataset.id, i));
  return { version: dataset.version, data: articlesFromShards(dataset, shards) };
}

/** One forward and backward pass of the run's batch shape, so a backend that cannot train fails before the run starts. */
async function probeStep(model: BertForQuestionAnswering, features: TrainFeatures, batchSize: number): Promise<string | null> {
  const L = features.length;
  const rows = Math.min(batchSize, features.count);
  const ids = new Int32Array(batchSize * L);
  const types = new Int32Array(batchSize * L);
  const mask = new Int32Array(batchSize * L);
  for (let r = 0; r < batchSize; r++) {
    const src = (r % rows) * L;
    for (let i = 0; i < L; i++) {
      ids[r * L + i] = features.inputIds[src + i];
      types[r * L + i] = features.tokenTypeIds[src + i];
      mask[r * L + i] = features.attentionMask[src + i];
    }
  }
  const batch = batchFromArrays(batchSize, L, ids, types, mask);
  const starts = tf.tensor1d(Int32Array.from({ length: batchSize }, (_, r) => features.startPositions[r % rows]), 'int32');
  const ends = tf.tensor1d(Int32Array.from({ length: batchSize }, (_, r) => features.endPositions[r % rows]), 'int32');
  try {
    const { loss, grads } = model.lossAndGrads(batch, starts, ends, { training: true, seed: 1 });
    const norm = tf.tidy(() => [...grads.values()].reduce<tf.Tensor>((sum, g) => tf.add(sum, tf.sum(tf.square(g))), tf.scalar(0)));
    const [l, g] = [(await loss.data())[0], (await norm.data())[0]];
    tf.dispose([loss, norm, ...grads.values()]);
    if (!Number.isFinite(l) || !Number.isFinite(g)) return `the probe step computed a non-finite ${Number.isFinite(l) ? 'gradient' : 'loss'} (${l})`;
    // Cross-entropy over positions is never exactly 0 with gradients all 0: such a read-back means the GPU work did not run.
    if (l === 0 && g === 0) return 'the probe step read back a zero loss and zero gradients, so this backend is not computing correctly here';
    return null;
  } catch (err) {
    return message(err);
  } finally {
    disposeBatch(batch);
    tf.dispose([starts, ends]);
  }
}

interface ActiveRun {
  info: RunInfo;
  model: BertForQuestionAnswering;
  trainer: Trainer;
  tokenizer: BertTokenizer;
  metrics: MetricSeries;
  /** Metric chunks before this index are stored and final. */
  storedChunks: number;
  /** When the metrics were last written (Date.now()). */
  flushedAt: number;
  evals: EvalPoint[];
  extras: RunExtras;
  evalData: { squad: SquadFile; features: TrainFeatures | null } | null;
  control: 'run' | 'pause' | 'stop' | 'discard';
  deviceLost: string | null;
  loop: Promise<void> | null;
  checkpointWaiters: ((step: number) => void)[];
  lastEvalStep: number;
  /** The step whose checkpoint write failed, so pausing does not try the same write again. */
  failedCheckpointStep: number | null;
}

let active: ActiveRun | null = null;
const METRIC_FLUSH_MS = 5000;

async function putRun(info: RunInfo): Promise<void> {
  info.updatedAt = Date.now();
  await (await store()).putRecord(asRecord(info));
  emit({ type: 'run', run: { ...info } });
}

async function flushMetrics(run: ActiveRun): Promise<void> {
  const s = await store();
  const total = run.metrics.count;
  const lastChunk = Math.ceil(total / METRIC_CHUNK);
  for (let c = run.storedChunks; c < lastChunk; c++) {
    const from = c * METRIC_CHUNK;
    const to = Math.min(total, from + METRIC_CHUNK);
    await s.putRecord(asRecord({ kind: 'run-metrics', id: chunkId(run.info.id, c), count: to - from, columns: run.metrics.slice(from, to) } satisfies MetricsChunk));
  }
  // Only full chunks are final; the last partial one is rewritten on the next flush.
  run.storedChunks = Math.floor(total / METRIC_CHUNK);
  run.flushedAt = Date.now();
  run.extras.evals = run.evals;
  await s.putRecord(run.extras);
}

async function readMetrics(runId: string, steps: number): Promise<{ series: MetricSeries; evals: EvalPoint[] }> {
  const s = await store();
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

async function deleteMetricsAfter(runId: string, keep: number): Promise<void> {
  const s = await store();
  for (let c = Math.ceil(keep / METRIC_CHUNK); ; c++) {
    const id = chunkId(runId, c);
    if (!(await s.getRecord('run-metrics', id))) break;
    await s.deleteRecord('run-metrics', id);
  }
}

/** Drops a backend whose GPU device was lost and registers its factory again, so the next use gets a fresh device. */
async function freshBackend(name: BackendName): Promise<void> {
  if (name !== 'webgpu') return;
  const factory = tf.findBackendFactory('webgpu');
  if (!factory) return;
  try {
    tf.removeBackend('webgpu');
  } catch {
    // the lost backend may fail to dispose; it is unusable either way
  }
  tf.registerBackend('webgpu', factory, 3);
}

async function useBackend(name: BackendName, fresh: boolean): Promise<void> {
  const info = await backendInfo();
  if (fresh) {
    try {
      releaseAll();
    } catch {
      // models on a lost device cannot be disposed cleanly
    }
    await freshBackend(name);
    await tf.setBackend(name);
    await setBackend(name);
    return;
  }
  if (info.current !== name) {
    releaseAll();
    await setBackend(name);
  }
}

function watchDevice(run: ActiveRun): Promise<string> | null {
  if (run.info.backend !== 'webgpu') return null;
  const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
  if (!device) return null;
  return device.lost.then((lost) => {
    run.deviceLost = `the GPU device was lost (${lost.reason}${lost.message ? `: ${lost.message}` : ''})`;
    return run.deviceLost;
  });
}

function nextBackend(current: BackendName, available: BackendName[]): BackendName | null {
  return PREFERENCE.slice(PREFERENCE.indexOf(current) + 1).find((b) => available.includes(b)) ?? null;
}

/** The space a checkpoint needs: the new one is written in full before the old one is dropped. */
async function storageNeed(bytes: number): Promise<string> {
  const est = await navigator.storage?.estimate?.().catch(() => null);
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;
  const free = est && est.quota !== undefined && est.usage !== undefined ? est.quota - est.usage : null;
  return `A checkpoint needs about ${mb(bytes)}, up to ${mb(2 * bytes)} while it replaces the previous one${free !== null ? `; the browser reports ${mb(Math.max(0, free))} free` : ''}.`;
}

/** Writes the run's checkpoint; on a full quota the previous checkpoint stays and the run pauses with the space it needs. */
async function checkpoint(run: ActiveRun): Promise<boolean> {
  const state: TrainerState = await run.trainer.state();
  const bytes = checkpointBytes(state);
  try {
    await saveCheckpoint(await store(), run.info.id, state);
  } catch (err) {
    const quota = isQuotaError(err) || (err instanceof DOMException && /quota/i.test(err.message));
    const kept = run.info.checkpointStep !== null ? `The checkpoint of step ${run.info.checkpointStep} is intact.` : 'No earlier checkpoint exists.';
    const why = quota
      ? `Storage is full: the checkpoint of step ${state.step} was not written. ${await storageNeed(bytes)} ${kept} Free space (delete old runs, datasets or models) and resume.`
      : `The checkpoint of step ${state.step} could not be written (${message(err)}). ${kept}`;
    notice(run.info.id, 'error', why);
    run.failedCheckpointStep = state.step;
    run.control = 'pause';
    run.info.reason = why;
    return false;
  }
  run.info.checkpointStep = state.step;
  run.info.checkpointBytes = bytes;
  await flushMetrics(run);
  await putRun(run.info);
  for (const w of run.checkpointWaiters.splice(0)) w(state.step);
  return true;
}

async function evaluateRun(run: ActiveRun): Promise<void> {
  if (!run.evalData) return;
  const { trainer, model, tokenizer } = run;
  const point: EvalPoint = { step: trainer.stepsTaken, epoch: trainer.epoch, exact_match: null, f1: null, eval_loss: null };
  const B = trainer.options.batchSize;
  try {
    const report = await evaluateModel(model, tokenizer, run.evalData.squad, { maxLength: run.info.setup.maxLength, stride: run.info.setup.stride, batchSize: B });
    point.exact_match = report.exact_match;
    point.f1 = report.f1;
  } catch (err) {
    notice(run.info.id, 'warn', `EM/F1 could not be computed at step ${point.step}: ${message(err)}`);
  }
  if (run.evalData.features) {
    try {
      point.eval_loss = await evaluateLoss(model, run.evalData.features, B);
    } catch (err) {
      notice(run.info.id, 'warn', `Eval loss could not be computed at step ${point.step}: ${message(err)}`);
    }
  }
  run.lastEvalStep = point.step;
  run.evals = [...run.evals.filter((e) => e.step < point.step), point];
  summariseEvals(run.info, run.evals);
  emit({ type: 'eval', runId: run.info.id, point });
}

function summariseEvals(info: RunInfo, evals: EvalPoint[]): void {
  const f1s = evals.map((e) => e.f1).filter((v): v is number => v !== null);
  info.bestF1 = f1s.length ? Math.max(...f1s) : null;
  info.lastEval = evals[evals.length - 1] ?? null;
}

function metricPoint(m: StepMetrics): MetricPoint {
  const mem = tf.memory();
  return {
    step: m.step,
    epoch: m.epoch,
    loss: m.loss,
    lr: m.lr,
    grad_norm: m.grad_norm,
    samples_per_s: m.samples_per_s,
    step_ms: m.step_ms,
    skipped: !!m.skipped,
    mem_bytes: mem.numBytes,
    mem_tensors: mem.numTensors,
    time: Date.now(),
  };
}

function disposeRun(run: ActiveRun): void {
  try {
    run.trainer.dispose();
    run.model.dispose();
  } catch {
    // tensors on a lost device
  }
  if (active === run) active = null;
}

async function finish(run: ActiveRun, status: 'completed' | 'stopped'): Promise<void> {
  const { trainer, info } = run;
  // The last evaluation and the model save can take a while: the logged steps and the step count are
  // stored first, so a page closed meanwhile keeps them (the run then reads as interrupted, not empty).
  info.reason = `${status === 'stopped' ? 'Stopping' : 'Finishing'} at step ${trainer.stepsTaken}: ${run.evalData && run.lastEvalStep !== trainer.stepsTaken ? 'a last evaluation, then ' : ''}saving the model…`;
  await flushMetrics(run);
  await putRun(info);
  if (run.evalData && run.lastEvalStep !== trainer.stepsTaken && trainer.stepsTaken > 0) await evaluateRun(run);
  const modelInfo = await getModelInfo(info.setup.modelId).catch(() => null);
  const saved = await saveModel(
    {
      label: `${info.modelLabel} · ${info.label} (step ${trainer.stepsTaken})`,
      source: { kind: 'run', runId: info.id, step: trainer.stepsTaken, maxLength: info.setup.maxLength, stride: info.setup.stride },
      config: info.config,
      vocab: run.extras.vocab,
      lowercase: run.extras.lowercase,
      report: modelInfo?.report ?? null,
    },
    await run.model.toHostParams(),
  );
  info.finalModelId = saved.id;
  info.status = status;
  info.reason = status === 'stopped' ? `Stopped at step ${trainer.stepsTaken}; the model so far is saved as “${saved.label}”.` : `Saved as the model “${saved.label}”.`;
  await flushMetrics(run);
  await putRun(info);
  // A finished run is not resumed: its checkpoint only takes space.
  await deleteCheckpoint(await store(), info.id);
  info.checkpointStep = null;
  await putRun(info);
  disposeRun(run);
}

async function pauseRun(run: ActiveRun, reason: string | null): Promise<void> {
  if (!run.deviceLost && run.failedCheckpointStep !== run.trainer.stepsTaken) await checkpoint(run);
  run.info.status = 'paused';
  run.info.reason = reason ?? run.info.reason;
  await flushMetrics(run);
  await putRun(run.info);
}

async function loop(run: ActiveRun): Promise<void> {
  const { trainer, info } = run;
  const lost = watchDevice(run);
  const setup = info.setup;
  let lastEpoch = Math.floor(trainer.epoch);
  try {
    while (!trainer.done) {
      if (run.control === 'discard') return disposeRun(run);
      if (run.control === 'stop') return await finish(run, 'stopped');
      if (run.control === 'pause') return await pauseRun(run, null);
      const step = trainer.step();
      const m = lost ? await Promise.race([step, lost.then((why) => Promise.reject(new StudioError('unavailable', why)))]) : await step;
      const point = metricPoint(m);
      run.metrics.push(point);
      info.step = m.step;
      info.epoch = m.epoch;
      emit({ type: 'metrics', runId: info.id, points: [point] });
      if (m.skipped) notice(info.id, 'warn', `Step ${m.step}: the loss or gradients were NaN/Inf; the update was skipped.`);
      if (m.pause_advised) {
        run.control = 'pause';
        info.reason = `Paused at step ${m.step}: ${m.advice ?? 'repeated NaN/Inf steps'}`;
        continue;
      }
      const epoch = Math.floor(trainer.epoch);
      const evalDue = setup.evalEvery > 0 ? m.step % setup.evalEvery === 0 : epoch > lastEpoch;
      lastEpoch = epoch;
      if (evalDue && !trainer.done) await evaluateRun(run);
      if ((setup.checkpointEvery > 0 && m.step % setup.checkpointEvery === 0) || run.checkpointWaiters.length > 0) await checkpoint(run);
      // Logged steps reach storage every few seconds, so a closed page loses little of the curves.
      else if (m.step % 500 === 0 || Date.now() - run.flushedAt > METRIC_FLUSH_MS) await flushMetrics(run);
      await yieldToMessages();
    }
    await finish(run, 'completed');
  } catch (err) {
    if (run.deviceLost || (err instanceof StudioError && err.code === 'unavailable')) {
      const why = run.deviceLost ?? message(err);
      info.status = 'paused';
      info.reason = `Paused: ${why}. Resume continues from the checkpoint of step ${info.checkpointStep ?? 0} on a fresh backend.`;
      notice(info.id, 'error', info.reason);
      await flushMetrics(run).catch(() => undefined);
      await putRun(info);
      disposeRun(run);
      return;
    }
    info.status = 'failed';
    info.reason = `Training failed at step ${info.step}: ${message(err)}.${info.checkpointStep !== null ? ` The checkpoint of step ${info.checkpointStep} can be resumed.` : ''}`;
    notice(info.id, 'error', info.reason);
    await flushMetrics(run).catch(() => undefined);
    await putRun(info);
    disposeRun(run);
  }
}

function startLoop(run: ActiveRun): void {
  run.control = 'run';
  run.loop = loop(run).finally(() => {
    run.loop = null;
    for (const w of run.checkpointWaiters.splice(0)) w(run.info.checkpointStep ?? 0);
  });
}

interface Prepared {
  tokenizer: BertTokenizer;
  features: TrainFeatures;
  evalData: ActiveRun['evalData'];
  trainDataset: DatasetInfo;
  evalDataset: DatasetInfo | null;
}

async function prepareData(setup: RunSetup, vocab: string, lowercase: boolean, maxPositions: number, ctx: HandlerContext): Promise<Prepared> {
  const tokenizer = tokenizerFromVocab(vocab, { lowercase });
  const trainDataset = await requireDataset(setup.trainDatasetId);
  const trainSet = await featureSet(trainDataset, tokenizer, vocab, lowercase, setup, maxPositions, ctx);
  if (trainSet.features === 0) throw new StudioError('invalid-input', `${trainDataset.name} gives no training windows.`);
  const features = await loadFeatures(trainSet);
  let evalData: ActiveRun['evalData'] = null;
  let evalDataset: DatasetInfo | null = null;
  if (setup.evalDatasetId) {
    evalDataset = await requireDataset(setup.evalDatasetId);
    const evalSet = await featureSet(evalDataset, tokenizer, vocab, lowercase, setup, maxPositions, ctx);
    evalData = { squad: await squadFileOf(evalDataset), features: evalSet.features > 0 ? await loadFeatures(evalSet) : null };
  }
  return { tokenizer, features, evalData, trainDataset, evalDataset };
}

async function batchProblem(setup: RunSetup, config: ModelInfo['config']): Promise<StartResult | null> {
  if (setup.backend !== 'webgpu') return null;
  const h = setup.hyperparameters;
  const problem = checkBatchAgainstAdapter(config, h.batchSize, h.gradAccumSteps, setup.maxLength, (await backendInfo()).adapter);
  return problem ? { kind: 'batch-too-large', ...problem } : null;
}

async function probeOrRefuse(model: BertForQuestionAnswering, features: TrainFeatures, setup: RunSetup, ctx: HandlerContext): Promise<StartResult | null> {
  ctx.progress(0, 1, `Probe step (forward + backward) on ${setup.backend}`);
  const why = await probeStep(model, features, setup.hyperparameters.batchSize);
  if (!why) return null;
  return { kind: 'probe-failed', backend: setup.backend, reason: why, next: nextBackend(setup.backend, (await backendInfo()).available) };
}

export function refuseWhileRunning(): void {
  if (active && (active.loop || active.info.status === 'preparing')) {
    throw new StudioError('invalid-input', `“${active.info.label}” is training: pause or stop it first (one run uses the GPU at a time).`);
  }
}

/** Releases a paused run held in memory; its checkpoint lets it resume later. */
function releaseHeld(): void {
  if (active && !active.loop) disposeRun(active);
}

async function startRun(setup: RunSetup, label: string | undefined, ctx: HandlerContext): Promise<StartResult> {
  refuseWhileRunning();
  // Starting may switch the backend, which frees the tensors of the models an evaluation is using.
  refuseDuringModelJob('start a run');
  releaseHeld();
  const modelInfo = await getModelInfo(setup.modelId);
  if (!modelInfo.vocab) throw new StudioError('invalid-input', `The model “${modelInfo.label}” has no vocabulary (vocab.txt); load one with it to train.`);
  const tooLarge = await batchProblem(setup, modelInfo.config);
  if (tooLarge) return tooLarge;
  try {
    await useBackend(setup.backend, false);
  } catch (err) {
    return { kind: 'probe-failed', backend: setup.backend, reason: message(err), next: nextBackend(setup.backend, (await backendInfo()).available) };
  }
  const data = await prepareData(setup, modelInfo.vocab, modelInfo.lowercase, modelInfo.config.max_position_embeddings, ctx);
  const model = new BertForQuestionAnswering(modelInfo.config, await readParams(modelInfo.id));
  let trainer: Trainer;
  try {
    trainer = new Trainer(model, data.features, setup.hyperparameters);
  } catch (err) {
    model.dispose();
    throw new StudioError('invalid-input', message(err));
  }
  const refused = await probeOrRefuse(model, data.features, setup, ctx);
  // A cancel sent during the step (which holds the thread) is delivered once the worker yields.
  await new Promise((resolve) => setTimeout(resolve, 0));
  if (refused || ctx.signal.aborted) {
    trainer.dispose();
    model.dispose();
    ctx.checkCancelled();
    return refused!;
  }
  const runs = await listRunRecords();
  const now = Date.now();
  const info: RunInfo = {
    kind: 'run',
    id: `run-${newModelId()}`,
    label: label?.trim() || `Run ${runs.length + 1}`,
    setup,
    modelLabel: modelInfo.label,
    trainDatasetName: data.trainDataset.name,
    evalDatasetName: data.evalDataset?.name ?? null,
    config: modelInfo.config,
    status: 'running',
    reason: null,
    step: 0,
    totalSteps: trainer.totalSteps,
    epoch: 0,
    featureCount: data.features.count,
    checkpointStep: null,
    checkpointBytes: 0,
    finalModelId: null,
    bestF1: null,
    lastEval: null,
    backend: setup.backend,
    createdAt: now,
    updatedAt: now,
  };
  const extras: RunExtras = { kind: 'run-extras', id: info.id, vocab: modelInfo.vocab, lowercase: modelInfo.lowercase, evals: [] };
  await (await store()).putRecord(extras);
  const run: ActiveRun = {
    info,
    model,
    trainer,
    tokenizer: data.tokenizer,
    metrics: new MetricSeries(),
    storedChunks: 0,
    flushedAt: Date.now(),
    evals: [],
    extras,
    evalData: data.evalData,
    control: 'run',
    deviceLost: null,
    loop: null,
    checkpointWaiters: [],
    lastEvalStep: -1,
    failedCheckpointStep: null,
  };
  active = run;
  await putRun(info);
  startLoop(run);
  return { kind: 'started', run: { ...info } };
}

async function resumeRun(runId: string, backend: BackendName | undefined, ctx: HandlerContext): Promise<StartResult> {
  if (active?.info.id === runId && active.loop) return { kind: 'started', run: { ...active.info } };
  // Still in memory after a pause, on the same healthy backend: continue as is.
  if (active?.info.id === runId && !active.deviceLost && (!backend || backend === active.info.backend)) {
    active.info.status = 'running';
    active.info.reason = null;
    await putRun(active.info);
    startLoop(active);
    return { kind: 'started', run: { ...active.info } };
  }
  refuseWhileRunning();
  refuseDuringModelJob('resume a run');
  const lostDevice = active?.info.id === runId && !!active.deviceLost;
  releaseHeld();
  const s = await store();
  const info = await s.getRecord<RunInfo & KeyedRecord>('run', runId);
  if (!info) throw new StudioError('not-found', `No run with id ${runId}: it may have been deleted.`);
  if (info.status === 'completed' || info.status === 'stopped') throw new StudioError('invalid-input', `“${info.label}” has finished; start a new run instead.`);
  const state = await loadCheckpoint(s, runId);
  if (!state) throw new StudioError('not-found', `“${info.label}” has no checkpoint to resume from; start a new run.`);
  const extras = await s.getRecord<RunExtras>('run-extras', runId);
  if (!extras) throw new StudioError('not-found', `“${info.label}” lost its tokenizer record; start a new run.`);
  const setup: RunSetup = { ...info.setup, backend: backend ?? info.setup.backend };
  const tooLarge = await batchProblem(setup, info.config);
  if (tooLarge) return tooLarge;
  try {
    // After a lost device (or a reload that followed one) the backend is rebuilt on a fresh device.
    await useBackend(setup.backend, lostDevice || (info.reason ?? '').includes('device was lost'));
  } catch (err) {
    return { kind: 'probe-failed', backend: setup.backend, reason: message(err), next: nextBackend(setup.backend, (await backendInfo()).available) };
  }
  const data = await prepareData(setup, extras.vocab, extras.lowercase, info.config.max_position_embeddings, ctx);
  const model = new BertForQuestionAnswering(info.config, state.params);
  let trainer: Trainer;
  try {
    trainer = new Trainer(model, data.features, state.options);
    trainer.restore(state);
  } catch (err) {
    model.dispose();
    throw new StudioError('invalid-input', `The checkpoint does not fit the data any more: ${message(err)}`);
  }
  const refused = await probeOrRefuse(model, data.features, setup, ctx);
  // A cancel sent during the step (which holds the thread) is delivered once the worker yields.
  await new Promise((resolve) => setTimeout(resolve, 0));
  if (refused || ctx.signal.aborted) {
    trainer.dispose();
    model.dispose();
    ctx.checkCancelled();
    return refused!;
  }
  const { series, evals } = await readMetrics(runId, info.step);
  series.truncate(state.step);
  await deleteMetricsAfter(runId, state.step);
  emit({ type: 'truncate', runId, step: state.step });
  const resumed: RunInfo = { ...info, setup, backend: setup.backend, status: 'running', reason: null, step: state.step, epoch: state.cursor.epoch + state.cursor.position / state.featureCount };
  const run: ActiveRun = {
    info: resumed,
    model,
    trainer,
    tokenizer: data.tokenizer,
    metrics: series,
    storedChunks: Math.floor(series.count / METRIC_CHUNK),
    flushedAt: Date.now(),
    evals: evals.filter((e) => e.step <= state.step),
    extras,
    evalData: data.evalData,
    control: 'run',
    deviceLost: null,
    loop: null,
    checkpointWaiters: [],
    lastEvalStep: state.step,
    failedCheckpointStep: null,
  };
  active = run;
  summariseEvals(resumed, run.evals);
  await flushMetrics(run);
  await putRun(resumed);
  notice(runId, 'info', `Resumed “${resumed.label}” from the checkpoint of step ${state.step} on ${setup.backend}.`);
  startLoop(run);
  return { kind: 'started', run: { ...resumed } };
}

async function listRunRecords(): Promise<RunInfo[]> {
  return (await (await store()).listRecords('run')) as unknown as RunInfo[];
}

/** Runs from storage; one that was training when the page went away becomes resumable from its checkpoint. */
async function listRuns(): Promise<RunInfo[]> {
  const runs = await listRunRecords();
  for (const r of runs) {
    if (active?.info.id === r.id) Object.assign(r, active.info);
    else if (r.status === 'running' || r.status === 'preparing') {
      r.status = r.checkpointStep !== null ? 'paused' : 'failed';
      r.reason =
        r.checkpointStep !== null
          ? `The page closed while training at step ${r.step}; resume continues from the checkpoint of step ${r.checkpointStep}.`
          : `The page closed at step ${r.step}, before the first checkpoint: its logged steps are kept, its weights are not; start the run again.`;
      await (await store()).putRecord(asRecord(r));
    }
  }
  return runs.sort((a, b) => a.createdAt - b.createdAt);
}

async function runMetrics(runId: string) {
  if (active?.info.id === runId) return { runId, count: active.metrics.count, columns: active.metrics.slice(0, active.metrics.count), evals: active.evals };
  const info = await (await store()).getRecord<RunInfo & KeyedRecord>('run', runId);
  if (!info) throw new StudioError('not-found', `No run with id ${runId}.`);
  const { series, evals } = await readMetrics(runId, info.step);
  return { runId, count: series.count, columns: series.slice(0, series.count), evals };
}

function waitForEvents(after: number, waitMs: number, signal: AbortSignal): Promise<void> {
  if (lastSeq > after) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      waiters.delete(done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, waitMs);
    waiters.add(done);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Consecutive metric events of one run travel as one. */
function coalesce(events: TrainEvent[]): TrainEvent[] {
  const out: TrainEvent[] = [];
  for (const e of events) {
    const last = out[out.length - 1];
    if (e.type === 'metrics' && last?.type === 'metrics' && last.runId === e.runId) out[out.length - 1] = { ...last, points: [...last.points, ...e.points] };
    else out.push(e);
  }
  return out;
}

export const trainHandlers: Handlers<TrainApi> = {
  async 'train-start'({ setup, label }, ctx) {
    return startRun(setup, label, ctx);
  },

  async 'train-pause'({ runId }) {
    const run = active?.info.id === runId ? active : null;
    if (!run?.loop) {
      const info = (await listRuns()).find((r) => r.id === runId);
      if (!info) throw new StudioError('not-found', `No run with id ${runId}.`);
      return info;
    }
    run.control = 'pause';
    await run.loop;
    return { ...run.info };
  },

  async 'train-resume'({ runId, backend }, ctx) {
    return resumeRun(runId, backend, ctx);
  },

  async 'train-stop'({ runId }) {
    const run = active?.info.id === runId ? active : null;
    if (run) {
      if (run.loop) {
        run.control = 'stop';
        await run.loop;
      } else await finish(run, 'stopped');
      return { ...run.info };
    }
    const s = await store();
    const info = await s.getRecord<RunInfo & KeyedRecord>('run', runId);
    if (!info) throw new StudioError('not-found', `No run with id ${runId}.`);
    const state = await loadCheckpoint(s, runId);
    const extras = await s.getRecord<RunExtras>('run-extras', runId);
    if (state && extras && info.status !== 'completed') {
      const saved = await saveModel(
        {
          label: `${info.modelLabel} · ${info.label} (step ${state.step})`,
          source: { kind: 'run', runId, step: state.step, maxLength: info.setup.maxLength, stride: info.setup.stride },
          config: info.config,
          vocab: extras.vocab,
          lowercase: extras.lowercase,
          report: null,
        },
        state.params,
      );
      info.finalModelId = saved.id;
      info.reason = `Stopped at the checkpoint of step ${state.step}; saved as the model “${saved.label}”.`;
      await deleteCheckpoint(s, runId);
      info.checkpointStep = null;
    }
    info.status = info.status === 'completed' ? info.status : 'stopped';
    await putRun(info);
    return info;
  },

  async 'train-checkpoint'() {
    const run = active;
    if (!run?.loop) return null;
    const step = await new Promise<number>((resolve) => run.checkpointWaiters.push(resolve));
    return { runId: run.info.id, step };
  },

  'train-runs': () => listRuns(),

  'train-metrics': ({ runId }) => runMetrics(runId),

  async 'train-delete'({ runId }) {
    const run = active?.info.id === runId ? active : null;
    if (run?.loop) {
      run.control = 'discard';
      await run.loop;
    } else if (run) disposeRun(run);
    const s = await store();
    const info = await s.getRecord<RunInfo & KeyedRecord>('run', runId);
    await deleteMetricsAfter(runId, 0);
    await deleteCheckpoint(s, runId);
    await s.deleteRecord('run-extras', runId);
    await s.deleteRecord('run', runId);
    if (info) emit({ type: 'notice', runId, level: 'info', message: `Deleted “${info.label}”.` });
    return null;
  },

  async 'train-export'({ runIds, format }) {
    const runs = await listRuns();
    const picked = [];
    for (const id of runIds) {
      const run = runs.find((r) => r.id === id);
      if (!run) throw new StudioError('not-found', `No run with id ${id}.`);
      const m = await runMetrics(id);
      picked.push({ run, columns: m.columns, count: m.count, evals: m.evals });
    }
    const base = picked.length === 1 ? picked[0].run.label.replace(/[^\w.-]+/g, '_') : `runs-${picked.length}`;
    return format === 'csv' ? { fileName: `${base}-metrics.csv`, text: metricsToCsv(picked) } : { fileName: `${base}-metrics.json`, text: metricsToJson(picked) };
  },

  async 'train-watch'({ after, waitMs }, ctx) {
    await waitForEvents(after, Math.min(Math.max(waitMs ?? 1000, 0), 10_000), ctx.signal);
    const first = eventLog[0]?.seq ?? lastSeq + 1;
    if (after < first - 1) return { seq: lastSeq, events: [], reset: true };
    return { seq: lastSeq, events: coalesce(eventLog.filter((e) => e.seq > after).map((e) => e.event)), reset: false };
  },
};
