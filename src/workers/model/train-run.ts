// The run in memory: its steps through the core run loop, its metrics, evaluations and checkpoints as it
// goes, and what each ending (done, pause, stop, discard, a lost device, a failure) means for the stored run.
import type { KeyedRecord } from '../../core/storage/index.js';
import { Trainer, runTrainer, type RunEnd, type StepMetrics, type TrainerState } from '../../core/train/index.js';
import { isQuotaError, StudioError } from '../protocol.js';
import type { TaskName } from '../../core/tasks/types.js';
import { taskOfSetup, type EvalPoint, type MetricPoint, type RunInfo, type RunSetup } from '../train-api.js';
import { tf } from './backend.js';
import { store } from './registry.js';
import { deviceLoss, message } from './train-backend.js';
import { checkpointBytes, deleteCheckpoint, saveCheckpoint, storageNeed } from './train-checkpoint.js';
import { emit, notice, yieldToMessages } from './train-events.js';
import { METRIC_CHUNK, MetricSeries } from './train-metrics.js';
import { writeMetrics, type RunExtras } from './train-metrics-store.js';
import { mrpcRunTask } from './train-mrpc.js';
import { qaRunTask } from './train-qa.js';
import type { PreparedRun, RunTask } from './train-task.js';

const asRecord = <T extends object>(r: T) => r as unknown as KeyedRecord;
const METRIC_FLUSH_MS = 5000;

const RUN_TASKS: Record<TaskName, RunTask> = { qa: qaRunTask, mrpc: mrpcRunTask };

export function runTask(setup: RunSetup): RunTask {
  return RUN_TASKS[taskOfSetup(setup)];
}

export interface ActiveRun {
  info: RunInfo;
  prepared: PreparedRun;
  trainer: Trainer;
  metrics: MetricSeries;
  /** Metric chunks before this index are stored and final. */
  storedChunks: number;
  /** When the metrics were last written (Date.now()). */
  flushedAt: number;
  evals: EvalPoint[];
  extras: RunExtras;
  control: 'run' | 'pause' | 'stop' | 'discard';
  deviceLost: string | null;
  loop: Promise<void> | null;
  checkpointWaiters: ((step: number) => void)[];
  lastEvalStep: number;
  /** The step whose checkpoint write failed, so pausing does not try the same write again. */
  failedCheckpointStep: number | null;
}

let active: ActiveRun | null = null;

export function activeRun(runId: string): ActiveRun | null {
  return active?.info.id === runId ? active : null;
}

export async function putRun(info: RunInfo): Promise<void> {
  info.updatedAt = Date.now();
  await (await store()).putRecord(asRecord(info));
  emit({ type: 'run', run: { ...info } });
}

export async function flushMetrics(run: ActiveRun): Promise<void> {
  run.extras.evals = run.evals;
  run.storedChunks = await writeMetrics(await store(), run.info.id, run.metrics, run.storedChunks, run.extras);
  run.flushedAt = Date.now();
}

/** Writes the run's checkpoint; on a full quota the previous checkpoint stays and the run pauses with the space it needs. */
async function checkpoint(run: ActiveRun, state: TrainerState): Promise<void> {
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
    return;
  }
  run.info.checkpointStep = state.step;
  run.info.checkpointBytes = bytes;
  await flushMetrics(run);
  await putRun(run.info);
  for (const w of run.checkpointWaiters.splice(0)) w(state.step);
}

export function summariseEvals(info: RunInfo, evals: EvalPoint[]): void {
  const f1s = evals.map((e) => e.f1).filter((v): v is number => v !== null);
  info.bestF1 = f1s.length ? Math.max(...f1s) : null;
  info.lastEval = evals[evals.length - 1] ?? null;
}

async function evaluateRun(run: ActiveRun): Promise<Record<string, number>> {
  const evaluate = run.prepared.evaluate;
  if (!evaluate) return {};
  const { trainer } = run;
  const point: EvalPoint = { step: trainer.stepsTaken, epoch: trainer.epoch, ...(await evaluate(trainer.stepsTaken, trainer.options.batchSize)) };
  run.lastEvalStep = point.step;
  run.evals = [...run.evals.filter((e) => e.step < point.step), point];
  summariseEvals(run.info, run.evals);
  emit({ type: 'eval', runId: run.info.id, point });
  return Object.fromEntries(Object.entries(point).filter((e): e is [string, number] => typeof e[1] === 'number'));
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

async function recordStep(run: ActiveRun, m: StepMetrics): Promise<void> {
  const { info } = run;
  const point = metricPoint(m);
  run.metrics.push(point);
  info.step = m.step;
  info.epoch = m.epoch;
  emit({ type: 'metrics', runId: info.id, points: [point] });
  if (m.skipped) notice(info.id, 'warn', `Step ${m.step}: the loss or gradients were NaN/Inf; the update was skipped.`);
  if (m.pause_advised) {
    // The loop stops here; the pause checkpoints the last good parameters.
    run.control = 'pause';
    info.reason = `Paused at step ${m.step}: ${m.advice ?? 'repeated NaN/Inf steps'}`;
    return;
  }
  // Logged steps reach storage every few seconds, so a closed page loses little of the curves.
  if (m.step % 500 === 0 || Date.now() - run.flushedAt > METRIC_FLUSH_MS) await flushMetrics(run);
  await yieldToMessages();
}

export function disposeRun(run: ActiveRun): void {
  try {
    run.trainer.dispose();
    run.prepared.model.dispose();
  } catch {
    // tensors on a lost device
  }
  if (active === run) active = null;
}

const needsLastEval = (run: ActiveRun) => !!run.prepared.evaluate && run.lastEvalStep !== run.trainer.stepsTaken && run.trainer.stepsTaken > 0;

/**
 * The last evaluation and the model save can take a while: the logged steps and the step count are
 * stored first, so a page closed meanwhile keeps them (the run then reads as interrupted, not empty).
 */
async function beginFinish(run: ActiveRun, status: 'completed' | 'stopped'): Promise<void> {
  run.info.reason = `${status === 'stopped' ? 'Stopping' : 'Finishing'} at step ${run.trainer.stepsTaken}: ${needsLastEval(run) ? 'a last evaluation, then ' : ''}saving the model…`;
  await flushMetrics(run);
  await putRun(run.info);
}

async function saveFinal(run: ActiveRun, status: 'completed' | 'stopped'): Promise<void> {
  const { trainer, info } = run;
  const saved = await runTask(info.setup).saveTrained(info, run.extras, trainer.stepsTaken, await run.prepared.model.toHostParams(), true, run.evals);
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

/** Stops a run held in memory between loops (paused): a last evaluation, then its model is saved. */
export async function stopHeld(run: ActiveRun): Promise<void> {
  await beginFinish(run, 'stopped');
  if (needsLastEval(run)) await evaluateRun(run);
  await saveFinal(run, 'stopped');
}

/** What each ending of the steps needs before the loop returns: a last evaluation, a checkpoint. */
async function atEnd(run: ActiveRun, endedBy: RunEnd): Promise<{ evaluate: boolean; checkpoint: boolean }> {
  if (endedBy === 'done' || run.control === 'stop') {
    await beginFinish(run, endedBy === 'done' ? 'completed' : 'stopped');
    return { evaluate: needsLastEval(run), checkpoint: false };
  }
  const pausing = run.control === 'pause';
  return { evaluate: false, checkpoint: pausing && !run.deviceLost && run.failedCheckpointStep !== run.trainer.stepsTaken };
}

async function loop(run: ActiveRun): Promise<void> {
  const { trainer, info } = run;
  const lost = deviceLoss(info.backend)?.then((why) => {
    run.deviceLost = why;
    throw new StudioError('unavailable', why);
  });
  lost?.catch(() => undefined);
  try {
    const summary = await runTrainer(trainer, {
      evalEvery: info.setup.evalEvery,
      checkpointEvery: info.setup.checkpointEvery,
      evaluate: run.prepared.evaluate ? () => evaluateRun(run) : undefined,
      onStep: (m) => recordStep(run, m),
      checkpoint: (state) => checkpoint(run, state),
      checkpointNow: () => run.checkpointWaiters.length > 0,
      shouldStop: () => run.control !== 'run',
      interrupted: lost,
      atEnd: (endedBy) => atEnd(run, endedBy),
    });
    if (summary.endedBy === 'done') return await saveFinal(run, 'completed');
    if (run.control === 'discard') return disposeRun(run);
    if (run.control === 'stop') return await saveFinal(run, 'stopped');
    info.status = 'paused';
    await flushMetrics(run);
    await putRun(info);
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

export function startLoop(run: ActiveRun): void {
  run.control = 'run';
  run.loop = loop(run).finally(() => {
    run.loop = null;
    for (const w of run.checkpointWaiters.splice(0)) w(run.info.checkpointStep ?? 0);
  });
}

export function refuseWhileRunning(): void {
  if (active && (active.loop || active.info.status === 'preparing')) {
    throw new StudioError('busy', `“${active.info.label}” is training: pause or stop it first (one run uses the GPU at a time).`);
  }
}

/** Releases a paused run held in memory; its checkpoint lets it resume later. */
export function releaseHeld(): void {
  if (active && !active.loop) disposeRun(active);
}

export function newActive(info: RunInfo, prepared: PreparedRun, trainer: Trainer, extras: RunExtras, metrics: MetricSeries, evals: EvalPoint[], lastEvalStep: number): ActiveRun {
  return {
    info,
    prepared,
    trainer,
    metrics,
    storedChunks: Math.floor(metrics.count / METRIC_CHUNK),
    flushedAt: Date.now(),
    evals,
    extras,
    control: 'run',
    deviceLost: null,
    loop: null,
    checkpointWaiters: [],
    lastEvalStep,
    failedCheckpointStep: null,
  };
}

/** The run now held in memory (training, or paused on its backend). */
export function adopt(run: ActiveRun): void {
  active = run;
}

/** Asks the running loop to pause, stop or discard, and waits for it to get there. */
export async function control(run: ActiveRun, to: 'pause' | 'stop' | 'discard'): Promise<void> {
  run.control = to;
  await run.loop;
}

/** Resolves with the step of the next checkpoint of the running run (the page asks one before it hides). */
export async function checkpointSoon(): Promise<{ runId: string; step: number } | null> {
  const run = active;
  if (!run?.loop) return null;
  const step = await new Promise<number>((resolve) => run.checkpointWaiters.push(resolve));
  return { runId: run.info.id, step };
}
