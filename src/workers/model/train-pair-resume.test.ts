// A sentence-pair run paused through the run loop and resumed from its IndexedDB checkpoint takes the
// same steps as a run that never paused: weights, Adam moments, schedule and the grouped data order.
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { setCpu } from '../../core/train/fixtures.test-util.js';
import { BERT_DEFAULTS, BertForSequenceClassification, type BertConfig } from '../../core/model/index.js';
import { IdbDatasetStore } from '../../core/storage/index.js';
import { MRPC_LABELS, featurizePairs, pairTrainData, parsePairs } from '../../core/tasks/mrpc/index.js';
import { tokenizerFromVocab } from '../../core/tokenizer/index.js';
import { Trainer, runTrainer, type TrainOptions } from '../../core/train/index.js';
import { loadCheckpoint, saveCheckpoint } from './train-checkpoint.js';

const SHARED = resolve(process.cwd(), '../shared/data');
const tokenizer = tokenizerFromVocab(readFileSync(resolve(SHARED, 'vocab/bert-base-uncased-vocab.txt'), 'utf8'), { lowercase: true });
const dev = parsePairs(readFileSync(resolve(SHARED, 'mrpc/dev.tsv'), 'utf8')).examples;
const features = featurizePairs(tokenizer, dev.slice(0, 12), 64);
// Real ids renumbered densely ([PAD] stays 0), so a tiny embedding table keeps the test fast.
const dense = new Map<number, number>([[tokenizer.padId, 0]]);
features.inputIds = features.inputIds.map((id) => {
  if (!dense.has(id)) dense.set(id, dense.size);
  return dense.get(id)!;
});
const CONFIG: BertConfig = { ...BERT_DEFAULTS, vocab_size: dense.size, hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 64, max_position_embeddings: 64 };
// 12 pairs in batches of 4 with group_by_length and dropout on: the pause at step 4 falls mid-epoch 2.
const options: Partial<TrainOptions> = { learningRate: 3e-3, batchSize: 4, maxSteps: 8, warmupRatio: 0.25, seed: 11, groupByLength: true };

beforeAll(setCpu);

describe('a sentence-pair run paused and resumed', () => {
  it('continues from its IndexedDB checkpoint with the losses of an uninterrupted run', async () => {
    const straightModel = BertForSequenceClassification.init(CONFIG, 5, MRPC_LABELS);
    const straight = new Trainer(straightModel, pairTrainData(features, 0), options);
    const expected: number[] = [];
    await runTrainer(straight, { onStep: (m) => void expected.push(m.loss) });
    straight.dispose();
    straightModel.dispose();

    const store = await IdbDatasetStore.open(indexedDB, 'pair-resume');
    const firstModel = BertForSequenceClassification.init(CONFIG, 5, MRPC_LABELS);
    const first = new Trainer(firstModel, pairTrainData(features, 0), options);
    const losses: number[] = [];
    const saved: number[] = [];
    const paused = await runTrainer(first, {
      checkpointEvery: 3,
      onStep: (m) => void losses.push(m.loss),
      shouldStop: () => first.stepsTaken === 4,
      checkpoint: async (state) => {
        await saveCheckpoint(store, 'run-pair', state);
        saved.push(state.step);
      },
    });
    expect(paused.endedBy).toBe('stopped');
    // The periodic checkpoint at 3, then the pause's at 4 replaces it.
    expect(saved).toEqual([3, 4]);
    first.dispose();
    firstModel.dispose();

    const state = (await loadCheckpoint(store, 'run-pair'))!;
    expect(state.step).toBe(4);
    expect(state.options.groupByLength).toBe(true);
    const model = new BertForSequenceClassification(CONFIG, state.params, MRPC_LABELS);
    const resumed = new Trainer(model, pairTrainData(features, 0), state.options);
    resumed.restore(state);
    const done = await runTrainer(resumed, { onStep: (m) => void losses.push(m.loss) });
    expect(done).toMatchObject({ endedBy: 'done', steps: 8 });
    expect(losses).toHaveLength(8);
    for (let i = 0; i < 8; i++) expect(losses[i]).toBeCloseTo(expected[i], 5);
    resumed.dispose();
    model.dispose();
  });
});
