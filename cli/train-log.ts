import { createWriteStream } from 'node:fs';
import { type RunSummary, type StepMetrics, type Trainer, runTrainer } from '../src/core/train/index.js';
import { writeCheckpoint } from './checkpoint-dir.js';

export interface LoggedRunOptions {
  logPath: string;
  outDir: string;
  /** The command's own arguments, stored with each checkpoint so `--resume` can rebuild the run. */
  runArgs: string[];
  /** A resumed run appends to its log. */
  resumed: boolean;
  evalEvery: number;
  checkpointEvery: number;
  /** Stop (checkpointed) once this many steps are taken; 0: run to the end. */
  stopAt: number;
  evaluate?: () => Promise<Record<string, number>>;
  /** The progress line printed about twenty times a run. */
  stepLine(m: StepMetrics, totalSteps: number): string;
  /** The line printed after an evaluation. */
  evalLine(step: number, scores: Record<string, number>): string;
}

/**
 * `train`'s run for either task: the core run loop with LOG.jsonl (one line per step, one per
 * evaluation), progress on stdout, the non-finite advice on stderr, and checkpoints in OUT/checkpoint.
 */
export async function runLogged(trainer: Trainer, o: LoggedRunOptions): Promise<RunSummary> {
  const log = createWriteStream(o.logPath, { flags: o.resumed ? 'a' : 'w' });
  const writeLine = (obj: object) => log.write(`${JSON.stringify(obj)}\n`);
  const every = Math.max(1, Math.round(trainer.totalSteps / 20));
  const summary = await runTrainer(trainer, {
    evalEvery: o.evalEvery,
    checkpointEvery: o.checkpointEvery,
    evaluate: o.evaluate,
    onStep: (m) => {
      writeLine(m);
      if (m.pause_advised) console.error(`step ${m.step}: ${m.advice}`);
      if (m.step % every === 0 || m.step === trainer.totalSteps) console.log(o.stepLine(m, trainer.totalSteps));
    },
    onEval: (step, epoch, scores) => {
      writeLine({ step, epoch, ...scores });
      console.log(o.evalLine(step, scores));
    },
    checkpoint: (state) => writeCheckpoint(o.outDir, state, o.runArgs),
    shouldStop: () => o.stopAt > 0 && trainer.stepsTaken >= o.stopAt,
  });
  await new Promise<void>((resolve, reject) => log.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return summary;
}
