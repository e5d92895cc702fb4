// Training BertForSequenceClassification on real MRPC pairs through the task's rows: the loss falls,
// group_by_length saves padding, a run resumes exactly, and a pretrained encoder keeps its pooler.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../../../cli/backend.js';
import {
  BERT_DEFAULTS,
  BertForSequenceClassification,
  type BertConfig,
  classificationHeadParamSpecs,
  initBertParams,
  loadBertWeights,
  readSafetensors,
  writeSafetensors,
  bertParamSpecs,
} from '../../model/index.js';
import { tokenizerFromVocab } from '../../tokenizer/index.js';
import { Trainer, type TrainOptions } from '../../train/index.js';
import { featurizePairs } from './featurize.js';
import { pairLogits, predictedLabels } from './infer.js';
import { MRPC_LABELS, parsePairs, pairTrainData } from './index.js';

const SHARED = resolve(process.cwd(), '../shared/data');
const tokenizer = tokenizerFromVocab(readFileSync(resolve(SHARED, 'vocab/bert-base-uncased-vocab.txt'), 'utf8'), { lowercase: true });
const dev = parsePairs(readFileSync(resolve(SHARED, 'mrpc/dev.tsv'), 'utf8')).examples;
const features = featurizePairs(tokenizer, dev.slice(0, 16), 128);
// The real ids renumbered densely ([PAD] stays 0), so a tiny embedding table keeps the test fast.
const dense = new Map<number, number>([[tokenizer.padId, 0]]);
features.inputIds = features.inputIds.map((id) => {
  if (!dense.has(id)) dense.set(id, dense.size);
  return dense.get(id)!;
});
const CONFIG: BertConfig = {
  ...BERT_DEFAULTS,
  vocab_size: dense.size,
  hidden_size: 32,
  num_hidden_layers: 2,
  num_attention_heads: 2,
  intermediate_size: 64,
  max_position_embeddings: 128,
};
const options: Partial<TrainOptions> = { learningRate: 3e-3, batchSize: 4, warmupRatio: 0, weightDecay: 0, dropout: false, seed: 7 };

beforeAll(async () => {
  await setupBackend('wasm');
});

describe('MRPC training', () => {
  it('overfits 16 dev pairs: the loss falls to a fraction and every training pair is then predicted right', async () => {
    const model = BertForSequenceClassification.init(CONFIG, 3, MRPC_LABELS);
    const trainer = new Trainer(model, pairTrainData(features, 0), { ...options, learningRate: 1e-2, batchSize: 16, maxSteps: 30 });
    const first = await trainer.evalLoss(pairTrainData(features, 0));
    while (!trainer.done) await trainer.step();
    const last = await trainer.evalLoss(pairTrainData(features, 0));
    expect(last).toBeLessThan(first / 4);
    const labels = predictedLabels(await pairLogits(model, features, 0, 5));
    expect(Array.from(labels)).toEqual(Array.from(features.labels));
    trainer.dispose();
    model.dispose();
  });

  it('resumes exactly with group_by_length on: 3 steps, state(), restore, 3 more equal 6 straight steps', async () => {
    const run = { ...options, batchSize: 3, maxSteps: 6, groupByLength: true, shuffle: true };
    const straightModel = BertForSequenceClassification.init(CONFIG, 5, MRPC_LABELS);
    const straight = new Trainer(straightModel, pairTrainData(features, 0), run);
    const straightLosses: number[] = [];
    for (let i = 0; i < 6; i++) straightLosses.push((await straight.step()).loss);

    const firstModel = BertForSequenceClassification.init(CONFIG, 5, MRPC_LABELS);
    const first = new Trainer(firstModel, pairTrainData(features, 0), run);
    for (let i = 0; i < 3; i++) await first.step();
    const state = await first.state();
    first.dispose();
    firstModel.dispose();
    const secondModel = BertForSequenceClassification.init(CONFIG, 99, MRPC_LABELS);
    const second = new Trainer(secondModel, pairTrainData(features, 0), { ...run, seed: 1 });
    second.restore(structuredClone(state));
    const resumed: number[] = [];
    for (let i = 0; i < 3; i++) resumed.push((await second.step()).loss);
    expect(resumed).toEqual(straightLosses.slice(3));
    for (const m of [straightModel, secondModel]) m.dispose();
    straight.dispose();
    second.dispose();
  });

  it('refuses unlabelled rows with a message that names the row', () => {
    const test = parsePairs(readFileSync(resolve(SHARED, 'mrpc/test.tsv'), 'utf8')).examples.slice(0, 2);
    expect(() => pairTrainData(featurizePairs(tokenizer, test, 128), 0)).toThrow('row 0 has no label');
  });
});

describe('loading a checkpoint for classification', () => {
  const head = classificationHeadParamSpecs(CONFIG, 2);

  it('keeps a pretrained encoder pooler and initialises a fresh classifier (normal(0, 0.02), zero bias), reported', () => {
    const pretrained = initBertParams(CONFIG, 1, [...bertParamSpecs(CONFIG).filter((s) => !s.name.startsWith('qa_outputs')), ...head.slice(0, 2)]);
    const file = readSafetensors(writeSafetensors(pretrained));
    const { params, report } = loadBertWeights(CONFIG, file.tensors, { head, seed: 4 });
    expect(report.initializedHead).toEqual(['classifier.weight', 'classifier.bias']);
    expect(report.missing).toEqual([]);
    expect(report.ignored).toEqual([]);
    expect(params.get('bert.pooler.dense.weight')!.data).toEqual(pretrained.get('bert.pooler.dense.weight')!.data);
    const w = params.get('classifier.weight')!;
    expect(w.shape).toEqual([2, 32]);
    const std = Math.sqrt(w.data.reduce((s, x) => s + x * x, 0) / w.data.length);
    expect(std).toBeGreaterThan(0.01);
    expect(std).toBeLessThan(0.03);
    expect(Array.from(params.get('classifier.bias')!.data)).toEqual([0, 0]);
  });

  it('reports a QA model loaded for classification: qa_outputs unexpected, pooler and classifier new', () => {
    const qa = readSafetensors(writeSafetensors(initBertParams(CONFIG, 1)));
    const { report } = loadBertWeights(CONFIG, qa.tensors, { head });
    expect(report.initializedHead).toEqual(head.map((s) => s.name));
    expect(report.unexpected.sort()).toEqual(['qa_outputs.bias', 'qa_outputs.weight']);
  });
});
