// Starting and resuming runs, and the runs kept in storage: what a page reload or a closed tab finds.
import type { KeyedRecord } from '../../core/storage/index.js';
import { Trainer, type TrainerState } from '../../core/train/index.js';
import type { BackendName } from '../model-api.js';
import { StudioError, type HandlerContext } from '../protocol.js';
import type { RunInfo, RunSetup, StartResult } from '../train-api.js';
import { refuseDuringModelJob } from './jobs.js';
import { getModelInfo, newModelId, store } from './registry.js';
import { batchProblem, message, probeOrRefuse, switchBackend } from './train-backend.js';
import { deleteCheckpoint, loadCheckpoint } from './train-checkpoint.js';
import { emit, notice } from './train-events.js';
import { MetricSeries } from './train-metrics.js';
import { deleteMetricsAfter, readMetrics, type RunExtras } from './train-metrics-store.js';
import { activeRun, adopt, control, disposeRun, flushMetrics, newActive, putRun, refuseWhileRunning, releaseHeld, runTask, startLoop, summariseEvals } from './train-run.js';
import type { PreparedRun } from './train-task.js';

const asRecord = <T extends object>(r: T) => r as unknown as KeyedRecord;

/** The Trainer over prepared data, after a probe step on the backend; a refusal (failed probe, cancel) disposes all. */
async function trainerFor(prepared: PreparedRun, setup: RunSetup, state: TrainerState | null, ctx: HandlerContext): Promise<Trainer | StartResult> {
  let trainer: Trainer | null = null;
  try {
    trainer = new Trainer(prepared.model, prepared.data, state ? state.options : { ...setup.hyperparameters, ...prepared.trainOptions });
    if (state) trainer.restore(state);
  } catch (err) {
    trainer?.dispose();
    prepared.model.dispose();
    throw new StudioError('invalid-input', state ? `The checkpoint does not fit the data any more: ${message(err)}` : message(err));
  }
  const refused = await probeOrRefuse(prepared.model, prepared.data, setup, ctx);
  // A cancel sent during the step (which holds the thread) is delivered once the worker yields.
  await new Promise((resolve) => setTimeout(resolve, 0));
  if (refused || ctx.signal.aborted) {
    trainer.dispose();
    prepared.model.dispose();
    ctx.checkCancelled();
    return refused!;
  }
  return trainer;
}

export async function startRun(setup: RunSetup, label: string | undefined, ctx: HandlerContext): Promise<StartResult> {
  refuseWhileRunning();
  // Starting may switch the backend, which frees the tensors of the models an evaluation is using.
  refuseDuringModelJob('start a run');
  releaseHeld();
  const modelInfo = await getModelInfo(setup.modelId);
  if (!modelInfo.vocab) throw new StudioError('invalid-input', `The model “${modelInfo.label}” has no vocabulary (vocab.txt); load one with it to train.`);
  const refusal = (await batchProblem(setup, modelInfo.config)) ?? (await switchBackend(setup.backend, false));
  if (refusal) return refusal;
  const id = `run-${newModelId()}`;
  const tok = { vocab: modelInfo.vocab, lowercase: modelInfo.lowercase };
  const prepared = await runTask(setup).prepare(id, setup, tok, modelInfo.config, null, ctx);
  const trainer = await trainerFor(prepared, setup, null, ctx);
  if (!(trainer instanceof Trainer)) return trainer;
  const runs = await listRunRecords();
  const now = Date.now();
  const info: RunInfo = {
    kind: 'run',
    id,
    label: label?.trim() || `Run ${runs.length + 1}`,
    setup,
    modelLabel: modelInfo.label,
    trainDatasetName: prepared.trainDatasetName,
    evalDatasetName: prepared.evalDatasetName,
    config: modelInfo.config,
    status: 'running',
    reason: null,
    step: 0,
    totalSteps: trainer.totalSteps,
    epoch: 0,
    featureCount: prepared.data.count,
    ...(prepared.pair ? { pair: prepared.pair } : {}),
    checkpointStep: null,
    checkpointBytes: 0,
    finalModelId: null,
    bestF1: null,
    lastEval: null,
    backend: setup.backend,
    createdAt: now,
    updatedAt: now,
  };
  const extras: RunExtras = { kind: 'run-extras', id: info.id, ...tok, evals: [] };
  await (await store()).putRecord(extras);
  const run = newActive(info, prepared, trainer, extras, new MetricSeries(), [], -1);
  adopt(run);
  await putRun(info);
  startLoop(run);
  return { kind: 'started', run: { ...info } };
}

export async function resumeRun(runId: string, backend: BackendName | undefined, ctx: HandlerContext): Promise<StartResult> {
  const held = activeRun(runId);
  if (held?.loop) return { kind: 'started', run: { ...held.info } };
  // Still in memory after a pause, on the same healthy backend: continue as is.
  if (held && !held.deviceLost && (!backend || backend === held.info.backend)) {
    held.info.status = 'running';
    held.info.reason = null;
    await putRun(held.info);
    startLoop(held);
    return { kind: 'started', run: { ...held.info } };
  }
  refuseWhileRunning();
  refuseDuringModelJob('resume a run');
  const lostDevice = !!held?.deviceLost;
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
  // After a lost device (or a reload that followed one) the backend is rebuilt on a fresh device.
  const refusal = (await batchProblem(setup, info.config)) ?? (await switchBackend(setup.backend, lostDevice || (info.reason ?? '').includes('device was lost')));
  if (refusal) return refusal;
  const prepared = await runTask(setup).prepare(runId, setup, extras, info.config, state.params, ctx);
  const trainer = await trainerFor(prepared, setup, state, ctx);
  if (!(trainer instanceof Trainer)) return trainer;
  const { series, evals } = await readMetrics(s, runId, info.step);
  series.truncate(state.step);
  await deleteMetricsAfter(s, runId, state.step);
  emit({ type: 'truncate', runId, step: state.step });
  const resumed: RunInfo = { ...info, setup, backend: setup.backend, status: 'running', reason: null, step: state.step, epoch: state.cursor.epoch + state.cursor.position / state.featureCount };
  const run = newActive(resumed, prepared, trainer, extras, series, evals.filter((e) => e.step <= state.step), state.step);
  adopt(run);
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
export async function listRuns(): Promise<RunInfo[]> {
  const runs = await listRunRecords();
  for (const r of runs) {
    const held = activeRun(r.id);
    if (held) Object.assign(r, held.info);
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

export async function runMetrics(runId: string) {
  const held = activeRun(runId);
  if (held) return { runId, count: held.metrics.count, columns: held.metrics.slice(0, held.metrics.count), evals: held.evals };
  const s = await store();
  const info = await s.getRecord<RunInfo & KeyedRecord>('run', runId);
  if (!info) throw new StudioError('not-found', `No run with id ${runId}.`);
  const { series, evals } = await readMetrics(s, runId, info.step);
  return { runId, count: series.count, columns: series.slice(0, series.count), evals };
}

/** Stops a run that is not in memory: its checkpoint (if any) becomes a saved model. */
export async function stopStored(runId: string): Promise<RunInfo> {
  const s = await store();
  const info = await s.getRecord<RunInfo & KeyedRecord>('run', runId);
  if (!info) throw new StudioError('not-found', `No run with id ${runId}.`);
  const state = await loadCheckpoint(s, runId);
  const extras = await s.getRecord<RunExtras>('run-extras', runId);
  if (state && extras && info.status !== 'completed') {
    const saved = await runTask(info.setup).saveTrained(info, extras, state.step, state.params, false, extras.evals);
    info.finalModelId = saved.id;
    info.reason = `Stopped at the checkpoint of step ${state.step}; saved as the model “${saved.label}”.`;
    await deleteCheckpoint(s, runId);
    info.checkpointStep = null;
  }
  info.status = info.status === 'completed' ? info.status : 'stopped';
  await putRun(info);
  return info;
}

export async function deleteRun(runId: string): Promise<void> {
  const run = activeRun(runId);
  if (run?.loop) await control(run, 'discard');
  else if (run) disposeRun(run);
  const s = await store();
  const info = await s.getRecord<RunInfo & KeyedRecord>('run', runId);
  await deleteMetricsAfter(s, runId, 0);
  await deleteCheckpoint(s, runId);
  await s.deleteRecord('run-extras', runId);
  await s.deleteRecord('run', runId);
  if (info) emit({ type: 'notice', runId, level: 'info', message: `Deleted “${info.label}”.` });
}

