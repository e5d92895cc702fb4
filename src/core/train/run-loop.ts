import type { StepMetrics, Trainer, TrainerState } from './trainer.js';

export type RunEnd = 'done' | 'non-finite' | 'stopped';

export interface RunLoopHooks {
  /**
   * Evaluate every N optimizer steps (N > 0), or each time an epoch ends (0), and always once the run is
   * done. The CLI's --eval-every, the studio's "Eval every" and an exported Trainer's eval_strategy all
   * mean this.
   */
  evalEvery?: number;
  /** Checkpoint every N optimizer steps (N > 0), and always once the run ends or stops; 0: only then. */
  checkpointEvery?: number;
  /** Scores the model (eval loss, metrics); absent: no evaluation. */
  evaluate?: () => Promise<Record<string, number>>;
  onStep?: (m: StepMetrics) => void | Promise<void>;
  onEval?: (step: number, epoch: number, scores: Record<string, number>) => void | Promise<void>;
  /** Stores a checkpoint (the trainer's full state); absent: no checkpoints. */
  checkpoint?: (state: TrainerState) => Promise<void>;
  /** Asked after each step: true checkpoints now as well (e.g. the page is closing and asks for one). */
  checkpointNow?: () => boolean;
  /** Asked between steps: true stops the run (then checkpointed) as a pause would. */
  shouldStop?: () => boolean;
  /** Rejects when the run cannot go on (e.g. its GPU device was lost): the step in flight is abandoned and the loop throws. */
  interrupted?: Promise<never>;
  /**
   * Once the steps end, before the last evaluation and checkpoint: whether to run each (default: evaluate
   * when done, checkpoint always). A caller stores here what must survive a slow last evaluation.
   */
  atEnd?: (endedBy: RunEnd) => Promise<{ evaluate: boolean; checkpoint: boolean }>;
}

export interface RunSummary {
  steps: number;
  totalSteps: number;
  last: StepMetrics | null;
  /** Mean loss over the finite steps this loop ran. */
  meanLoss: number | null;
  skipped: number;
  /** 'done': all planned steps; 'non-finite': NaN/Inf steps in a row (the policy's pause); 'stopped': shouldStop. */
  endedBy: RunEnd;
  finalScores: Record<string, number> | null;
}

function checkCadence(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0) throw new Error(`${name} must be an integer >= 0, got ${v}`);
}

async function nextStep(trainer: Trainer, interrupted: Promise<never> | undefined): Promise<StepMetrics> {
  const step = trainer.step();
  if (!interrupted) return step;
  // The abandoned step may still settle later; nobody waits for it.
  step.catch(() => undefined);
  return Promise.race([step, interrupted]);
}

/**
 * The one loop around Trainer.step() (CLI, workers, tests): evaluation cadence, checkpoint cadence and
 * the non-finite policy (the trainer skips NaN/Inf updates and advises a pause after a run of them;
 * the loop then stops and checkpoints the last good parameters, which skipped steps left untouched).
 */
export async function runTrainer(trainer: Trainer, hooks: RunLoopHooks = {}): Promise<RunSummary> {
  const evalEvery = hooks.evalEvery ?? 0;
  const checkpointEvery = hooks.checkpointEvery ?? 0;
  checkCadence('evalEvery', evalEvery);
  checkCadence('checkpointEvery', checkpointEvery);
  let last: StepMetrics | null = null;
  let lossSum = 0;
  let lossCount = 0;
  let skipped = 0;
  let endedBy: RunEnd = 'done';
  let lastEpoch = Math.floor(trainer.epoch);
  const evaluate = async () => {
    if (!hooks.evaluate) return null;
    const scores = await hooks.evaluate();
    await hooks.onEval?.(trainer.stepsTaken, trainer.epoch, scores);
    return scores;
  };
  while (!trainer.done) {
    if (hooks.shouldStop?.()) {
      endedBy = 'stopped';
      break;
    }
    const m = await nextStep(trainer, hooks.interrupted);
    last = m;
    if (m.skipped) skipped++;
    else {
      lossSum += m.loss;
      lossCount++;
    }
    await hooks.onStep?.(m);
    if (m.pause_advised) {
      endedBy = 'non-finite';
      break;
    }
    if (trainer.done) break;
    const epoch = Math.floor(trainer.epoch);
    const evalDue = evalEvery === 0 ? epoch > lastEpoch : m.step % evalEvery === 0;
    lastEpoch = epoch;
    if (evalDue) await evaluate();
    const checkpointDue = (checkpointEvery > 0 && m.step % checkpointEvery === 0) || !!hooks.checkpointNow?.();
    if (checkpointDue && hooks.checkpoint) await hooks.checkpoint(await trainer.state());
  }
  const policy = hooks.atEnd ? await hooks.atEnd(endedBy) : { evaluate: endedBy === 'done', checkpoint: true };
  const finalScores = policy.evaluate ? await evaluate() : null;
  if (policy.checkpoint && hooks.checkpoint) await hooks.checkpoint(await trainer.state());
  return {
    steps: trainer.stepsTaken,
    totalSteps: trainer.totalSteps,
    last,
    meanLoss: lossCount ? lossSum / lossCount : null,
    skipped,
    endedBy,
    finalScores,
  };
}
