import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { BertForQuestionAnswering } from '../../core/model/index.js';
import { IdbDatasetStore } from '../../core/storage/index.js';
import { Trainer, type TrainOptions } from '../../core/train/index.js';
import { TINY, markedFeatures, setCpu } from '../../core/train/fixtures.test-util.js';
import { checkpointOwner, loadCheckpoint, readCheckpointRecord, saveCheckpoint } from './train-checkpoint.js';

beforeAll(setCpu);

let dbCounter = 0;
const freshStore = () => IdbDatasetStore.open(indexedDB, `train-checkpoint-${dbCounter++}`);

// 10 features, batch 4, accumulation 2: steps span micro-batches and step 3 crosses an epoch, with dropout on.
const features = markedFeatures(10, 16, 4);
const options: Partial<TrainOptions> = { learningRate: 2e-3, batchSize: 4, gradAccumSteps: 2, warmupRatio: 0.2, maxSteps: 6, seed: 77 };

async function straightLosses(): Promise<number[]> {
  const model = BertForQuestionAnswering.init(TINY, 5);
  const trainer = new Trainer(model, features, options);
  const losses: number[] = [];
  while (!trainer.done) losses.push((await trainer.step()).loss);
  trainer.dispose();
  model.dispose();
  return losses;
}

describe('checkpoints through IndexedDB records', () => {
  it('save after 3 steps, restore into a new trainer and model: the next 3 losses equal an uninterrupted run', async () => {
    const expected = await straightLosses();
    const store = await freshStore();

    const firstModel = BertForQuestionAnswering.init(TINY, 5);
    const first = new Trainer(firstModel, features, options);
    const losses: number[] = [];
    for (let i = 0; i < 3; i++) losses.push((await first.step()).loss);
    await saveCheckpoint(store, 'run-a', await first.state());
    // Training on after the checkpoint must not leak into it (the restore starts from step 3).
    await first.step();
    first.dispose();
    firstModel.dispose();

    const tensors = await store.readTensors(checkpointOwner('run-a'));
    // One record per weight and per Adam moment of each weight.
    expect(tensors.length).toBe(3 * firstModel.params.size);
    const state = await loadCheckpoint(store, 'run-a');
    expect(state).not.toBeNull();
    expect(state!.step).toBe(3);
    expect(state!.optimizer.step).toBe(3);

    // Built from another init seed and other options: everything must come from the checkpoint.
    const secondModel = BertForQuestionAnswering.init(TINY, 99);
    const second = new Trainer(secondModel, features, { ...options, seed: 1 });
    second.restore(state!);
    while (!second.done) losses.push((await second.step()).loss);
    expect(losses.length).toBe(6);
    losses.forEach((l, i) => expect(Math.abs(l - expected[i]), `step ${i + 1}`).toBeLessThan(1e-6));
    second.dispose();
    secondModel.dispose();
  });

  it('a failed write keeps the previous checkpoint whole', async () => {
    const store = await freshStore();
    const model = BertForQuestionAnswering.init(TINY, 5);
    const trainer = new Trainer(model, features, options);
    await trainer.step();
    await saveCheckpoint(store, 'run-b', await trainer.state());
    await trainer.step();
    const later = await trainer.state();
    // A tensor IndexedDB cannot clone aborts the transaction midway, as a quota error does.
    const broken = { ...later, params: new Map([...later.params].map(([k, t], i) => [k, i === 3 ? { shape: t.shape, data: (() => 0) as unknown as Float32Array } : t])) };
    await expect(saveCheckpoint(store, 'run-b', broken)).rejects.toThrow();
    expect((await readCheckpointRecord(store, 'run-b'))!.step).toBe(1);
    const kept = await loadCheckpoint(store, 'run-b');
    expect(kept!.step).toBe(1);
    expect(kept!.params.size).toBe(model.params.size);
    trainer.dispose();
    model.dispose();
  });
});
