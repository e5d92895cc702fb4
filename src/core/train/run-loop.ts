import type { StepMetrics, Trainer, TrainerState } from './trainer.js';

export interface RunLoopHooks {
  /** Evaluate every N optimizer steps (N > 0), and always once the run ends; 0: only at the end. */
  evalEvery?: number;
  /** Checkpoint every N optimizer steps (N > 0), and always once the run ends or stops; 0: only then. */
  checkpointEvery?: number;
  /** Scores the model (eval loss, metrics); absent: no evaluation. */
  evaluate?: () => Promise<Record<string, number>>;
  onStep?: (m: StepMetrics) => void | Promise<void>;
  onEval?: (step: number, epoch: number, scores: Record<string, number>) => void | Promise<void>;
  /** Stores a checkpoint (the trainer's full state); absent: no checkpoints. */
  checkpoint?: (state: TrainerState) => Promise<void>;
  /** Asked between steps: true stops the run (then checkpointed) as a pause would. */
  shouldStop?: () => boolean;
}

export interface RunSummary {
  steps: number;
  totalSteps: number;
  last: StepMetrics | null;
  /** Mean loss over the finite steps this loop ran. */
  meanLoss: number | null;
  skipped: number;
  /** 'done': all planned steps; 'non-finite': NaN/Inf steps in a row (the policy's pause); 'stopped': shouldStop. */
  endedBy: 'done' | 'non-finite' | 'stopped';
  finalScores: Record<string, number> | null;
}

/**
 * The one loop around Trainer.step() (CLI, workers, tests): evaluation cadence, checkpoint cadence and
 * the non-finite policy (the trainer skips NaN/Inf updates and advises a pause after a run of them;
 * the loop then stops and checkpoints the last good parameters, which skipped steps left untouched).
 */
export async function runTrainer(trainer: Trainer, hooks: RunLoopHooks = {}): Promise<RunSummary> {
  const evalEvery = hooks.evalEvery ?? 0;
  const checkpointEvery = hooks.checkpointEvery ?? 0;
  for (const [name, v] of [['evalEvery', evalEvery], ['checkpointEvery', checkpointEvery]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`${name} must be an integer >= 0, got ${v}`);
  }
  let last: StepMetrics | null = null;
  let lossSum = 0;
  let lossCount = 0;
  let skipped = 0;
  let endedBy: RunSummary['endedBy'] = 'done';
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
    const m = await trainer.step();
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
    if (evalEvery > 0 && m.step % evalEvery === 0) await evaluate();
    if (checkpointEvery > 0 && m.step % checkpointEvery === 0 && hooks.checkpoint) await hooks.checkpoint(await trainer.state());
  }
  const finalScores = endedBy === 'done' ? await evaluate() : null;
  if (hooks.checkpoint) await hooks.checkpoint(await trainer.state());
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
