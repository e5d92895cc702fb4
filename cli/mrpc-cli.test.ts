// Every `--task mrpc` command on the real MRPC files, through the one CLI entry point.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './run.test-util.js';
import { readSafetensors } from '../src/core/model/index.js';

const dir = mkdtempSync(join(tmpdir(), 'bert-mrpc-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SHARED = resolve(process.cwd(), '../shared/data');
const DEV = join(SHARED, 'mrpc/dev.tsv');
const VOCAB = join(SHARED, 'vocab/bert-base-uncased-vocab.txt');

const jsonl = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
const modelDir = join(dir, 'init');
const trained = join(dir, 'trained');
// The vocabulary's file name says "uncased", so no casing flag is needed.
const TRAIN = ['train', '--task', 'mrpc', '--model', modelDir, '--vocab', VOCAB, '--train', DEV, '--max-steps', '4', '--batch-size', '8',
  '--lr', '1e-3', '--seed', '5', '--no-dropout', '--group-by-length', '--backend', 'wasm'];

describe('cli --task mrpc', () => {
  it('features: one unpadded row per dev pair with id, ids, types, mask and label', () => {
    const out = join(dir, 'features.jsonl');
    const r = cli('features', '--task', 'mrpc', '--data', DEV, '--vocab', VOCAB, '--lowercase', '--max-length', '128', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.last).toMatchObject({ task: 'mrpc', examples: 408, features: 408, truncated: 0, longest: 86 });
    const rows = jsonl(out);
    expect(rows).toHaveLength(408);
    expect(Object.keys(rows[0])).toEqual(['id', 'input_ids', 'token_type_ids', 'attention_mask', 'label']);
    expect(rows[407]).toMatchObject({ id: '407', label: 1 });
    expect((rows[0].input_ids as number[]).slice(0, 3)).toEqual([101, 2002, 2056]);
  });

  it('features of test.tsv have label null; a too small --max-length truncates', () => {
    const out = join(dir, 'test.jsonl');
    const r = cli('features', '--task', 'mrpc', '--data', join(SHARED, 'mrpc/test.tsv'), '--vocab', VOCAB, '--max-length', '32', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.last.examples).toBe(1725);
    expect(r.last.truncated as number).toBeGreaterThan(1000);
    const row = jsonl(out)[0];
    expect(row.label).toBeNull();
    expect((row.input_ids as number[]).length).toBe(32);
  });

  it('init, train with checkpoints and a log line per step, and a Hugging Face folder with BertForSequenceClassification config, names and shapes', () => {
    const configPath = join(dir, 'config.in.json');
    writeFileSync(configPath, JSON.stringify({ vocab_size: 30522, hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 32, max_position_embeddings: 128 }));
    const init = cli('init', '--task', 'mrpc', '--config', configPath, '--seed', '3', '--out', modelDir);
    expect(init.status, init.stderr).toBe(0);
    const log = join(dir, 'log.jsonl');
    const r = cli(...TRAIN, '--eval', DEV, '--log', log, '--out', trained);
    expect(r.status, r.stderr).toBe(0);
    expect(r.last).toMatchObject({ task: 'mrpc', steps: 4, total_steps: 4, ended_by: 'done', train_pairs: 408 });
    expect(r.last.eval_accuracy as number).toBeGreaterThan(0);
    const steps = jsonl(log).filter((l) => 'loss' in l);
    expect(steps.map((s) => s.step)).toEqual([1, 2, 3, 4]);
    for (const s of steps) for (const k of ['step', 'loss', 'grad_norm', 'lr']) expect(Number.isFinite(s[k] as number), k).toBe(true);

    const config = JSON.parse(readFileSync(join(trained, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({
      architectures: ['BertForSequenceClassification'],
      model_type: 'bert',
      num_labels: 2,
      id2label: { 0: 'not_equivalent', 1: 'equivalent' },
      label2id: { not_equivalent: 0, equivalent: 1 },
    });
    const { tensors } = readSafetensors(readFileSync(join(trained, 'model.safetensors')));
    const shapes = Object.fromEntries([...tensors].map(([n, t]) => [n, t.shape]));
    // BertForSequenceClassification's state_dict: 5 embedding tensors, 16 per layer, the pooler and the classifier.
    expect(Object.keys(shapes)).toHaveLength(5 + 16 + 4);
    expect(shapes).toMatchObject({
      'bert.embeddings.word_embeddings.weight': [30522, 16],
      'bert.embeddings.position_embeddings.weight': [128, 16],
      'bert.embeddings.token_type_embeddings.weight': [2, 16],
      'bert.encoder.layer.0.attention.self.query.weight': [16, 16],
      'bert.encoder.layer.0.intermediate.dense.weight': [32, 16],
      'bert.encoder.layer.0.output.LayerNorm.bias': [16],
      'bert.pooler.dense.weight': [16, 16],
      'bert.pooler.dense.bias': [16],
      'classifier.weight': [2, 16],
      'classifier.bias': [2],
    });
    expect(readFileSync(join(trained, 'vocab.txt'), 'utf8')).toBe(readFileSync(VOCAB, 'utf8'));
    expect(JSON.parse(readFileSync(join(trained, 'tokenizer_config.json'), 'utf8'))).toMatchObject({ tokenizer_class: 'BertTokenizer', do_lower_case: true });
  });

  it('train --resume continues a stopped run exactly: the resumed steps log the losses of the straight run', () => {
    const straight = jsonl(join(dir, 'log.jsonl')).filter((l) => 'loss' in l);
    const out = join(dir, 'stopped');
    const log = join(dir, 'log-resumed.jsonl');
    const a = cli(...TRAIN, '--stop-at', '2', '--log', log, '--out', out);
    expect(a.status, a.stderr).toBe(0);
    expect(a.last).toMatchObject({ steps: 2, ended_by: 'stopped' });
    const b = cli('train', '--task', 'mrpc', '--resume', out);
    expect(b.status, b.stderr).toBe(0);
    expect(b.last).toMatchObject({ steps: 4, resumed_from: 2, ended_by: 'done' });
    const resumed = jsonl(log).filter((l) => 'loss' in l);
    expect(resumed.map((s) => s.step)).toEqual([1, 2, 3, 4]);
    expect(resumed.map((s) => s.loss)).toEqual(straight.map((s) => s.loss));
  });

  it('logits, predict and evaluate on dev.tsv; a missing prediction counts as wrong', () => {
    const logitsPath = join(dir, 'logits.json');
    const l = cli('logits', '--task', 'mrpc', '--model', trained, '--data', DEV, '--out', logitsPath);
    expect(l.status, l.stderr).toBe(0);
    const logits = (JSON.parse(readFileSync(logitsPath, 'utf8')) as { logits: number[][] }).logits;
    expect(logits).toHaveLength(408);
    expect(logits[0]).toHaveLength(2);

    const predPath = join(dir, 'predictions.json');
    const p = cli('predict', '--task', 'mrpc', '--model', trained, '--data', DEV, '--out', predPath);
    expect(p.status, p.stderr).toBe(0);
    const predictions = JSON.parse(readFileSync(predPath, 'utf8')) as Record<string, number>;
    expect(Object.keys(predictions)).toHaveLength(408);
    logits.forEach((row, i) => expect(predictions[String(i)], `row ${i}`).toBe(row[1] > row[0] ? 1 : 0));

    const e = cli('evaluate', '--task', 'mrpc', '--data', DEV, '--predictions', predPath);
    expect(e.status, e.stderr).toBe(0);
    const gold = readFileSync(DEV, 'utf8').replace(/^\ufeff/, '').trim().split('\n').slice(1).map((line) => Number(line.split('\t')[0]));
    const right = gold.filter((g, i) => predictions[String(i)] === g).length;
    expect(e.last.accuracy).toBeCloseTo(right / 408, 12);

    // Perfect predictions but for row 0 left out: accuracy 407/408, and row 0 (label 1) becomes a false negative.
    const almost = Object.fromEntries(gold.map((g, i) => [String(i), g]).slice(1));
    writeFileSync(predPath, JSON.stringify(almost));
    const m = cli('evaluate', '--task', 'mrpc', '--data', DEV, '--predictions', predPath);
    expect(m.last).toMatchObject({ accuracy: 407 / 408, missing: 1, confusion: { tp: 278, fp: 0, tn: 129, fn: 1 } });
    expect(m.last.f1).toBeCloseTo((2 * 278) / (2 * 278 + 1), 12);
  });

  it('refuses to train on the unlabelled test.tsv, and a command without an mrpc form', () => {
    const r = cli('train', '--task', 'mrpc', '--model', modelDir, '--vocab', VOCAB, '--train', join(SHARED, 'mrpc/test.tsv'), '--max-steps', '1',
      '--log', join(dir, 'x.jsonl'), '--out', join(dir, 'x'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('has no labels');
    const v = cli('validate', '--task', 'mrpc', DEV);
    expect(v.status).toBe(1);
    expect(v.stderr).toContain('validate has no --task mrpc');
  });
});
