import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { type FeatureBatch, featurizeSquad } from '../features/index.js';
import { hfFolderFiles, initBertParams, loadModelFiles, parseBertConfig, readSafetensors } from '../model/index.js';
import type { SquadFile } from '../squad/types.js';
import { tokenizerFromFileText } from '../tokenizer/index.js';
import { SeededRng, resolveTrainOptions, stepsPerEpoch, totalTrainingSteps, warmupSteps } from '../train/index.js';
import { buildTrainerProject, qaExportTask, zipProject } from './index.js';

const vocab = readFileSync('../shared/data/vocab/bert-base-uncased-vocab.txt', 'utf8');
const tokenizer = tokenizerFromFileText(vocab, { lowercase: true });
const dev = JSON.parse(readFileSync('../shared/data/squad/dev-v1.1.json', 'utf8')) as SquadFile;
const decoder = new TextDecoder();

// Real SQuAD paragraphs, and one whose context has characters outside the BMP before the answer.
const emoji = 'The \u{1F30D} globe and the \u{1F680} rocket flew north over \u{1F3D4}\u{FE0F} peaks to Oslo in 1999.';
const train: SquadFile = { version: '1.1', data: [{ title: dev.data[0].title, paragraphs: dev.data[0].paragraphs.slice(0, 3) }] };
const evalSet: SquadFile = {
  version: '1.1',
  data: [
    { title: dev.data[1].title, paragraphs: dev.data[1].paragraphs.slice(0, 2) },
    {
      title: 'Emoji',
      paragraphs: [{ context: emoji, qas: [{ id: 'e1', question: 'Where did the rocket fly to?', answers: [{ text: 'Oslo', answer_start: [...emoji].indexOf('O') }, { text: 'to Oslo', answer_start: [...emoji].indexOf('O') - 3 }] }] }],
    },
  ],
};
const settings = { maxLength: 96, stride: 32 };
const trainFeatures = featurizeSquad(tokenizer, train, settings, 'train');
const evalFeatures = featurizeSquad(tokenizer, evalSet, settings, 'eval');
const config = parseBertConfig({ vocab_size: tokenizer.vocabSize, hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 32, max_position_embeddings: 128 });
const params = initBertParams(config, 5);
const options = resolveTrainOptions({ config }, { batchSize: 4, gradAccumSteps: 3, learningRate: 2e-4, warmupRatio: 0.15, weightDecay: 0.02, maxGradNorm: 0.5, epochs: 2, seed: 11, dropout: false, shuffle: false });
const answers = new Map<string, string[]>();
for (const a of evalSet.data) for (const p of a.paragraphs) for (const q of p.qas) answers.set(q.id, q.answers.map((x) => x.text));

function project() {
  return buildTrainerProject({
    task: qaExportTask({ features: trainFeatures, source: 'train.json' }, { features: evalFeatures, source: 'eval.json', answers }),
    options,
    evalEvery: 5,
    config,
    modelFiles: hfFolderFiles(config, params, { vocab, doLowerCase: true }),
    hubId: null,
    modelSource: 'tiny test model',
  });
}

function tensor(file: Uint8Array, name: string) {
  const t = readSafetensors(file).tensors.get(name);
  if (!t) throw new Error(`no tensor ${name}`);
  return t;
}

function expectColumns(file: Uint8Array, f: FeatureBatch): void {
  const { count: n, length: L } = f;
  for (const [name, dtype, shape, values] of [
    ['input_ids', 'I32', [n, L], f.inputIds],
    ['token_type_ids', 'U8', [n, L], f.tokenTypeIds],
    ['attention_mask', 'U8', [n, L], f.attentionMask],
    ['start_positions', 'I32', [n], f.startPositions],
    ['end_positions', 'I32', [n], f.endPositions],
  ] as const) {
    const t = tensor(file, name);
    expect([name, t.dtype, t.shape]).toEqual([name, dtype, shape]);
    expect(Array.from(t.toFloat32()), name).toEqual(Array.from(values));
  }
}

describe('export-trainer project', () => {
  const files = project();

  it('holds the Trainer script, the task module, settings, launchers, README, data and the starting weights', () => {
    expect([...files.keys()].sort()).toEqual([
      'README.md', 'data/eval.safetensors', 'data/eval_examples.json', 'data/train.safetensors', 'launch.sh',
      'model/config.json', 'model/model.safetensors', 'model/special_tokens_map.json', 'model/tokenizer_config.json', 'model/vocab.txt',
      'requirements.txt', 'run_config.json', 'task.py', 'train.py',
    ]);
    const trainPy = decoder.decode(files.get('train.py'));
    for (const needle of ['from transformers import Trainer, TrainingArguments', 'logging_steps=1', 'SequentialSampler(self.train_dataset)',
      'self.model_accepts_loss_kwargs = False', 'def get_decay_parameter_names', 'trainer.save_state()', 'trainer.save_model(args.output_dir)']) {
      expect(trainPy).toContain(needle);
    }
    const taskPy = decoder.decode(files.get('task.py'));
    expect(taskPy).toContain('AutoModelForQuestionAnswering');
    expect(taskPy).toContain('N_BEST = 20');
    expect(taskPy).toContain('MAX_ANSWER_LENGTH = 30');
    expect(decoder.decode(files.get('requirements.txt')).split('\n').filter(Boolean)).toEqual(expect.arrayContaining(['transformers>=5,<6', 'torch>=2.1,<3', 'accelerate>=1,<2', 'safetensors>=0.4,<1']));
    const readme = decoder.decode(files.get('README.md'));
    for (const needle of ['accelerate launch --num_processes', 'torchrun --nproc_per_node', 'train.py --output_dir out --cpu', 'trainer_state.json', 'log_history', 'dataset order (sequential sampler)']) {
      expect(readme).toContain(needle);
    }
    expect(decoder.decode(files.get('launch.sh'))).toMatch(/^#!\/usr\/bin\/env bash/);
  });

  it('writes the run hyperparameters in TrainingArguments names', () => {
    const cfg = JSON.parse(decoder.decode(files.get('run_config.json'))) as Record<string, any>;
    expect(cfg.task).toBe('extractive-qa');
    expect(cfg.hyperparameters).toMatchObject({
      learning_rate: 2e-4, warmup_ratio: 0.15, weight_decay: 0.02, max_grad_norm: 0.5, per_device_train_batch_size: 4,
      gradient_accumulation_steps: 3, num_train_epochs: 2, max_steps: 0, seed: 11, dropout: false, shuffle: false, eval_steps: 5,
      adam_beta1: 0.9, adam_beta2: 0.999, adam_epsilon: 1e-8, lr_scheduler_type: 'linear',
    });
    const total = totalTrainingSteps(trainFeatures.count, options);
    expect(cfg.studio).toMatchObject({ total_steps: total, warmup_steps: warmupSteps(0.15, total) });
    expect(cfg.model).toMatchObject({ path: 'model', hub_id: null, dropout: { hidden_dropout_prob: 0.1, attention_probs_dropout_prob: 0.1 } });
    expect(cfg.data).toMatchObject({ train_file: 'data/train.safetensors', eval_file: 'data/eval.safetensors', eval_examples: 'data/eval_examples.json' });
    expect(cfg.data.train).toEqual({ source: 'train.json', examples: trainFeatures.examples.length, rows: trainFeatures.count });
  });

  it('stores exactly the studio windows and labels, read back from the safetensors files', () => {
    expect(trainFeatures.count).toBeGreaterThan(trainFeatures.examples.length);
    expectColumns(files.get('data/train.safetensors')!, trainFeatures);
    const evalFile = files.get('data/eval.safetensors')!;
    expectColumns(evalFile, evalFeatures);
    expect(Array.from(tensor(evalFile, 'example_index').toFloat32())).toEqual(Array.from(evalFeatures.exampleIndex));
  });

  it('gives eval offsets in code points that slice the same text Python will slice', () => {
    const evalFile = files.get('data/eval.safetensors')!;
    const offsets = tensor(evalFile, 'offsets');
    expect(offsets.shape).toEqual([evalFeatures.count, evalFeatures.length, 2]);
    const cp = offsets.toFloat32();
    const examples = JSON.parse(decoder.decode(files.get('data/eval_examples.json'))) as { id: string; context: string; answers: string[] }[];
    expect(examples.map((e) => e.id)).toEqual(evalFeatures.examples.map((e) => e.id));
    expect(examples.find((e) => e.id === 'e1')!.answers).toEqual(['Oslo', 'to Oslo']);
    let checked = 0;
    let shifted = 0;
    for (let w = 0; w < evalFeatures.count; w++) {
      const context = examples[evalFeatures.exampleIndex[w]].context;
      const points = [...context];
      for (let t = 0; t < evalFeatures.length; t++) {
        const p = 2 * (w * evalFeatures.length + t);
        const s16 = evalFeatures.offsets[p];
        if (evalFeatures.sequenceIds[w * evalFeatures.length + t] !== 1) {
          expect(cp[p]).toBe(-1);
          continue;
        }
        expect(points.slice(cp[p], cp[p + 1]).join('')).toBe(context.slice(s16, evalFeatures.offsets[p + 1]));
        if (cp[p] !== s16) shifted++;
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(shifted).toBeGreaterThan(0);
  });

  it('ships the starting weights as a folder the studio and transformers load', () => {
    const model = new Map([...files].filter(([k]) => k.startsWith('model/')).map(([k, v]) => [k.slice('model/'.length), v]));
    const loaded = loadModelFiles(model);
    for (const [name, t] of params) {
      const got = loaded.params.get(name)!.data;
      expect(got.length === t.data.length && got.every((v, i) => v === t.data[i]), name).toBe(true);
    }
  });

  it('zips under one folder with launch.sh executable', () => {
    const zip = zipProject(files, 'bert-run');
    const entries = unzipSync(zip);
    expect(Object.keys(entries).sort()).toEqual([...files.keys()].map((k) => `bert-run/${k}`).sort());
    expect(Buffer.compare(entries['bert-run/data/train.safetensors'], files.get('data/train.safetensors')!)).toBe(0);
    // External attributes of launch.sh's central-directory entry carry mode 0755 (directory offset from the end record).
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    const end = zip.length - 22;
    expect(view.getUint32(end, true)).toBe(0x06054b50);
    let found = false;
    for (let i = view.getUint32(end + 16, true); i < end; ) {
      expect(view.getUint32(i, true)).toBe(0x02014b50);
      const nameLength = view.getUint16(i + 28, true);
      const name = decoder.decode(zip.subarray(i + 46, i + 46 + nameLength));
      const mode = (view.getUint32(i + 38, true) >>> 16) & 0o777;
      if (name === 'bert-run/launch.sh') {
        expect(mode).toBe(0o755);
        found = true;
      }
      i += 46 + nameLength + view.getUint16(i + 30, true) + view.getUint16(i + 32, true);
    }
    expect(found).toBe(true);
  });

  it('carries the studio\'s shuffled order when the run shuffles: one permutation per epoch from the run\'s seed', () => {
    const shuffled = { ...options, shuffle: true, maxSteps: 0, epochs: 2.5 };
    const task = qaExportTask({ features: trainFeatures, source: 't' }, null);
    const files = buildTrainerProject({ task, options: shuffled, evalEvery: 0, config, modelFiles: null, hubId: 'x/y', modelSource: 'hub' });
    const cfg = JSON.parse(decoder.decode(files.get('run_config.json')));
    expect(cfg.data.train_order).toBe('data/train_order.safetensors');
    const order = tensor(files.get('data/train_order.safetensors')!, 'order');
    const n = trainFeatures.count;
    const epochs = Math.ceil(totalTrainingSteps(n, shuffled) / stepsPerEpoch(n, shuffled.batchSize, shuffled.gradAccumSteps));
    expect(epochs).toBe(3);
    expect(order.shape).toEqual([3, n]);
    const rng = new SeededRng(11);
    const values = order.toFloat32();
    for (let e = 0; e < 3; e++) {
      const perm = Array.from(values.subarray(e * n, (e + 1) * n));
      expect(perm).toEqual(Array.from(rng.permutation(n)));
      expect([...perm].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
    expect(files.has('data/train_order.safetensors') && !project().has('data/train_order.safetensors')).toBe(true);
  });

  it('refuses a project with no starting weights or mismatched windows', () => {
    const task = qaExportTask({ features: trainFeatures, source: 't' }, null);
    expect(() => buildTrainerProject({ task, options, evalEvery: 0, config, modelFiles: null, hubId: null, modelSource: 'x' })).toThrow(/starting weights/);
    const noWeights = buildTrainerProject({ task, options, evalEvery: 0, config, modelFiles: null, hubId: 'google/bert_uncased_L-2_H-128_A-2', modelSource: 'hub' });
    expect([...noWeights.keys()].some((k) => k.startsWith('model/') || k.startsWith('data/eval'))).toBe(false);
    expect(JSON.parse(decoder.decode(noWeights.get('run_config.json'))).model).toMatchObject({ path: null, hub_id: 'google/bert_uncased_L-2_H-128_A-2' });
    const short = featurizeSquad(tokenizer, evalSet, { maxLength: 64, stride: 16 }, 'eval');
    expect(() => qaExportTask({ features: trainFeatures, source: 't' }, { features: short, source: 'e' })).toThrow(/64 tokens/);
    expect(() => qaExportTask({ features: evalFeatures, source: 't' }, null)).toThrow(/train mode/);
  });
});
