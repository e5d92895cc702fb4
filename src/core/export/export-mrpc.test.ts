// The MRPC Trainer project: files, settings, the studio's unpadded pairs and labels read back from
// its safetensors files, and the studio Trainer's own (shuffled, length-grouped) order.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../../cli/backend.js';
import { BertForSequenceClassification, classificationParamSpecs, hfFolderFiles, initBertParams, loadModelFiles, parseBertConfig, readSafetensors } from '../model/index.js';
import { MRPC_LABELS, featurizePairs, mrpcTask, pairFeatureRow, pairTrainData, parsePairs } from '../tasks/mrpc/index.js';
import { tokenizerFromFileText } from '../tokenizer/index.js';
import { Trainer, resolveTrainOptions, totalTrainingSteps } from '../train/index.js';
import { buildTrainerProject, mrpcExportTask, trainOrder } from './index.js';

const vocab = readFileSync('../shared/data/vocab/bert-base-uncased-vocab.txt', 'utf8');
const tokenizer = tokenizerFromFileText(vocab, { lowercase: true });
const dev = parsePairs(readFileSync('../shared/data/mrpc/dev.tsv', 'utf8')).examples;
const trainExamples = dev.slice(0, 40);
const evalExamples = dev.slice(100, 124);
// A short max_length, so that truncation (longest_first) shapes some rows.
const MAX_LENGTH = 40;
const trainFeatures = featurizePairs(tokenizer, trainExamples, MAX_LENGTH);
const evalFeatures = featurizePairs(tokenizer, evalExamples, MAX_LENGTH);
const config = parseBertConfig({ vocab_size: tokenizer.vocabSize, hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 32, max_position_embeddings: 64 });
const params = initBertParams(config, 5, classificationParamSpecs(config, 2));
const options = resolveTrainOptions({ config }, { batchSize: 4, gradAccumSteps: 2, learningRate: 5e-4, warmupRatio: 0.1, weightDecay: 0.01, epochs: 2, seed: 9, dropout: false, shuffle: false });
const decoder = new TextDecoder();

function project(opts = options) {
  return buildTrainerProject({
    task: mrpcExportTask({ features: trainFeatures, source: 'train.tsv' }, { features: evalFeatures, source: 'dev.tsv' }, tokenizer.padId),
    options: opts,
    evalEvery: 0,
    config,
    modelFiles: hfFolderFiles(config, params, { vocab, doLowerCase: true }, mrpcTask.configJson()),
    hubId: null,
    modelSource: 'tiny test classifier',
  });
}

function tensor(file: Uint8Array, name: string) {
  const t = readSafetensors(file).tensors.get(name);
  if (!t) throw new Error(`no tensor ${name}`);
  return t;
}

/** Every row of a data file cut back out of its flat columns, as the features command writes rows. */
function rowsOf(file: Uint8Array) {
  const starts = Array.from(tensor(file, 'row_start').toFloat32());
  const cols = ['input_ids', 'token_type_ids', 'attention_mask'].map((c) => Array.from(tensor(file, c).toFloat32()));
  const labels = Array.from(tensor(file, 'labels').toFloat32());
  return labels.map((label, r) => {
    const [a, b] = [starts[r], starts[r + 1]];
    return { input_ids: cols[0].slice(a, b), token_type_ids: cols[1].slice(a, b), attention_mask: cols[2].slice(a, b), label };
  });
}

describe('export-trainer --task mrpc project', () => {
  const files = project();

  it('holds the Trainer script, the sequence-classification task module, settings, data and the starting classifier', () => {
    expect([...files.keys()].sort()).toEqual([
      'README.md', 'data/eval.safetensors', 'data/eval_ids.json', 'data/train.safetensors', 'launch.sh',
      'model/config.json', 'model/model.safetensors', 'model/special_tokens_map.json', 'model/tokenizer_config.json', 'model/vocab.txt',
      'requirements.txt', 'run_config.json', 'task.py', 'train.py',
    ]);
    const taskPy = decoder.decode(files.get('task.py'));
    for (const needle of ['AutoModelForSequenceClassification', 'DataCollatorWithPadding(tokenizer)', 'COLUMNS = ("input_ids", "token_type_ids", "attention_mask", "labels")',
      'np.argmax(logits, axis=-1)', '2 * tp / (2 * tp + fp + fn)']) {
      expect(taskPy).toContain(needle);
    }
    const trainPy = decoder.decode(files.get('train.py'));
    for (const needle of ['class RaggedDataset', '"row_start" in tensors', 'data_collator=task.data_collator(source, cfg)', '"group_by_length"', 'logging_steps=1']) {
      expect(trainPy).toContain(needle);
    }
    const readme = decoder.decode(files.get('README.md'));
    for (const needle of ['AutoModelForSequenceClassification', '`row_start`', 'DataCollatorWithPadding', '`eval_accuracy`, `eval_f1`', 'labels `{id: label}`']) {
      expect(readme).toContain(needle);
    }
    const model = new Map([...files].filter(([k]) => k.startsWith('model/')).map(([k, v]) => [k.slice('model/'.length), v]));
    const cfgJson = JSON.parse(decoder.decode(model.get('config.json')));
    expect(cfgJson).toMatchObject({ architectures: ['BertForSequenceClassification'], num_labels: 2, id2label: { 0: MRPC_LABELS[0], 1: MRPC_LABELS[1] } });
    const loaded = loadModelFiles(model, { headFor: (c) => mrpcTask.headSpecs(c) });
    expect(loaded.report.initializedHead).toEqual([]);
    for (const [name, t] of params) expect(Array.from(loaded.params.get(name)!.data), name).toEqual(Array.from(t.data));
  });

  it('writes the hyperparameters as the QA export does, with the pair tokenization', () => {
    const cfg = JSON.parse(decoder.decode(files.get('run_config.json'))) as Record<string, any>;
    expect(cfg.task).toBe('mrpc');
    expect(cfg.model).toMatchObject({ path: 'model', auto_class: 'AutoModelForSequenceClassification' });
    expect(cfg.hyperparameters).toMatchObject({
      learning_rate: 5e-4, warmup_ratio: 0.1, weight_decay: 0.01, per_device_train_batch_size: 4, gradient_accumulation_steps: 2,
      num_train_epochs: 2, max_steps: 0, seed: 9, dropout: false, shuffle: false, group_by_length: false, eval_strategy: 'epoch',
    });
    expect(cfg.studio.total_steps).toBe(totalTrainingSteps(trainFeatures.count, options));
    expect(cfg.studio.metrics).toEqual(['accuracy', 'f1']);
    expect(cfg.data).toMatchObject({ train_file: 'data/train.safetensors', eval_file: 'data/eval.safetensors', eval_ids: 'data/eval_ids.json', train_order: null });
    expect(cfg.data.tokenization).toMatchObject({ max_length: MAX_LENGTH, truncation: 'longest_first', pad_token_id: tokenizer.padId });
    expect(cfg.data.train).toEqual({ source: 'train.tsv', examples: 40, rows: 40 });
  });

  it('stores exactly the studio pairs, unpadded, and the gold labels of the file', () => {
    expect(trainFeatures.truncated).toBeGreaterThan(0);
    for (const [name, f, examples] of [['data/train.safetensors', trainFeatures, trainExamples], ['data/eval.safetensors', evalFeatures, evalExamples]] as const) {
      const file = files.get(name)!;
      expect(tensor(file, 'input_ids').dtype).toBe('I32');
      const rows = rowsOf(file);
      expect(rows.length).toBe(examples.length);
      rows.forEach((row, r) => {
        const { id: _id, ...studio } = pairFeatureRow(f, r);
        expect(row, `${name} row ${r}`).toEqual(studio);
        expect(row.label).toBe(examples[r].label);
        expect(row.input_ids.length).toBeLessThanOrEqual(MAX_LENGTH);
      });
      expect(new Set(rows.map((r) => r.input_ids.length)).size).toBeGreaterThan(1);
    }
    expect(JSON.parse(decoder.decode(files.get('data/eval_ids.json')))).toEqual(evalExamples.map((e) => e.id));
  });

  it('refuses unlabelled pairs and eval pairs of another max_length', () => {
    const test = parsePairs(readFileSync('../shared/data/mrpc/test.tsv', 'utf8')).examples.slice(0, 5);
    expect(() => mrpcExportTask({ features: featurizePairs(tokenizer, test, MAX_LENGTH), source: 'test.tsv' }, null, 0)).toThrow(/training row 0 has no label/);
    const longer = featurizePairs(tokenizer, evalExamples, 64);
    expect(() => mrpcExportTask({ features: trainFeatures, source: 't' }, { features: longer, source: 'e' }, 0)).toThrow(/max_length 64/);
  });
});

describe('the data order of a shuffled, length-grouped MRPC run', () => {
  beforeAll(() => setupBackend('cpu'));

  it('is the order the studio Trainer draws, epoch after epoch', async () => {
    const grouped = { ...options, shuffle: true, groupByLength: true, gradAccumSteps: 1, epochs: 2 };
    const files = project(grouped);
    const cfg = JSON.parse(decoder.decode(files.get('run_config.json')));
    expect(cfg.hyperparameters).toMatchObject({ shuffle: true, group_by_length: true });
    expect(cfg.data.train_order).toBe('data/train_order.safetensors');
    const order = tensor(files.get('data/train_order.safetensors')!, 'order');
    const n = trainFeatures.count;
    expect(order.shape).toEqual([2, n]);
    const exported = order.toFloat32();

    const model = new BertForSequenceClassification(config, params, MRPC_LABELS);
    const trainer = new Trainer(model, pairTrainData(trainFeatures, tokenizer.padId), grouped);
    const drawn: number[][] = [Array.from((await trainer.state()).cursor.permutation)];
    // 40 pairs in batches of 4: epoch 1's order is drawn at step 11.
    for (let s = 0; s < 11; s++) await trainer.step();
    drawn.push(Array.from((await trainer.state()).cursor.permutation));
    trainer.dispose();
    model.dispose();
    for (let e = 0; e < 2; e++) expect(Array.from(exported.subarray(e * n, (e + 1) * n)), `epoch ${e}`).toEqual(drawn[e]);
    expect(drawn[1]).not.toEqual(drawn[0]);
    // Grouping sorted the first megabatch longest first.
    const first = drawn[0].slice(0, 8).map((r) => trainFeatures.lengths[r]);
    expect(first[0]).toBe(Math.max(...trainFeatures.lengths));
    // Grouped without shuffling: the same grouped dataset order every epoch.
    const still = trainOrder(n, { ...grouped, shuffle: false }, trainFeatures.lengths);
    expect(Array.from(still.subarray(0, n))).toEqual(Array.from(still.subarray(n)));
    expect(Array.from(still.subarray(0, n))).not.toEqual(Array.from({ length: n }, (_, i) => i));
  });
});
