import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../../cli/backend.js';
import { BertForQuestionAnswering } from '../model/index.js';
import { TINY, markedFeatures } from './fixtures.test-util.js';
import { runTrainer } from './run-loop.js';
import { trainerStateFromFiles, trainerStateToFiles } from './state-files.js';
import { Trainer, type TrainerState } from './trainer.js';

beforeAll(async () => {
  await setupBackend('cpu');
});

describe('runTrainer', () => {
  it('evaluates every N steps and at the end, checkpoints every M steps and at the end', async () => {
    const model = BertForQuestionAnswering.init(TINY, 1);
    const trainer = new Trainer(model, markedFeatures(8, 16, 2), { batchSize: 2, maxSteps: 5, learningRate: 1e-3 });
    const evals: number[] = [];
    const checkpoints: number[] = [];
    const summary = await runTrainer(trainer, {
      evalEvery: 2,
      checkpointEvery: 3,
      evaluate: async () => ({ eval_loss: await trainer.evalLoss(markedFeatures(4, 16, 3)) }),
      onEval: (step) => void evals.push(step),
      checkpoint: async (state) => void checkpoints.push(state.step),
    });
    expect(evals).toEqual([2, 4, 5]);
    expect(checkpoints).toEqual([3, 5]);
    expect(summary).toMatchObject({ steps: 5, totalSteps: 5, endedBy: 'done', skipped: 0 });
    expect(summary.finalScores?.eval_loss).toEqual(expect.any(Number));
    trainer.dispose();
    model.dispose();
  });

  it('stops when asked, checkpointing where it stopped, and stops on the non-finite policy', async () => {
    const model = BertForQuestionAnswering.init(TINY, 1);
    const trainer = new Trainer(model, markedFeatures(8, 16, 2), { batchSize: 2, maxSteps: 5 });
    let saved: TrainerState | null = null;
    const stopped = await runTrainer(trainer, { shouldStop: () => trainer.stepsTaken >= 2, checkpoint: async (s) => void (saved = s) });
    expect(stopped.endedBy).toBe('stopped');
    expect(saved!.step).toBe(2);
    // The state survives its files byte for byte where it matters.
    const back = trainerStateFromFiles(trainerStateToFiles(saved!));
    expect(back.cursor.permutation).toEqual(saved!.cursor.permutation);
    expect(back.optimizer.exp_avg.get('qa_outputs.weight')!.data).toEqual(saved!.optimizer.exp_avg.get('qa_outputs.weight')!.data);
    expect(back.params.size).toBe(saved!.params.size);
    expect({ ...back, params: null, optimizer: null, cursor: null }).toEqual({ ...saved!, params: null, optimizer: null, cursor: null });
    trainer.dispose();

    const exploding = new Trainer(model, markedFeatures(8, 16, 2), { batchSize: 2, maxSteps: 10, learningRate: Number.MAX_VALUE, nonFinitePatience: 2 });
    // A NaN in the weights makes every loss NaN: skipped twice, then the loop stops.
    const w = model.params.get('qa_outputs.bias')!;
    w.assign(w.mul(Number.NaN));
    const r = await runTrainer(exploding);
    expect(r).toMatchObject({ endedBy: 'non-finite', skipped: 2, steps: 2, finalScores: null });
    exploding.dispose();
    model.dispose();
  });

  it("evaluates at each epoch's end with 'epoch', checkpoints when asked, and lets atEnd choose the last evaluation and checkpoint", async () => {
    const model = BertForQuestionAnswering.init(TINY, 1);
    // 8 rows in batches of 2: 4 steps an epoch, 10 steps end mid-epoch 3.
    const trainer = new Trainer(model, markedFeatures(8, 16, 2), { batchSize: 2, maxSteps: 10 });
    const evals: number[] = [];
    const checkpoints: number[] = [];
    const ends: string[] = [];
    const summary = await runTrainer(trainer, {
      evalEvery: 0,
      evaluate: async () => ({ marker: 1 }),
      onEval: (step) => void evals.push(step),
      checkpoint: async (state) => void checkpoints.push(state.step),
      checkpointNow: () => trainer.stepsTaken === 3,
      atEnd: async (endedBy) => {
        ends.push(endedBy);
        return { evaluate: false, checkpoint: false };
      },
    });
    expect(evals).toEqual([4, 8]);
    expect(checkpoints).toEqual([3]);
    expect(ends).toEqual(['done']);
    expect(summary.finalScores).toBeNull();
    trainer.dispose();
    model.dispose();
  });

  it('throws when interrupted (a lost device), abandoning the step in flight', async () => {
    const model = BertForQuestionAnswering.init(TINY, 1);
    const trainer = new Trainer(model, markedFeatures(8, 16, 2), { batchSize: 2, maxSteps: 10 });
    let fail: (err: Error) => void = () => undefined;
    const interrupted = new Promise<never>((_, reject) => (fail = reject));
    const steps: number[] = [];
    await expect(
      runTrainer(trainer, {
        interrupted,
        onStep: (m) => {
          steps.push(m.step);
          if (m.step === 2) fail(new Error('device lost'));
        },
      }),
    ).rejects.toThrow('device lost');
    expect(steps).toEqual([1, 2]);
    trainer.dispose();
    model.dispose();
  });
});
