import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../../../cli/run.test-util.js';
import { readModelDir } from '../../../cli/model-io.js';
import { BertForQuestionAnswering, loadModelFiles } from '../model/index.js';
import { DEMO_DATASET } from '../squad/demo.js';
import { tokenizerFromVocab } from '../tokenizer/index.js';
import { TINY_SQUAD, TINY_VOCAB_TEXT, tinyConfig } from './fixtures.test-util.js';
import { predictDataset } from './predict.js';

const dir = mkdtempSync(join(tmpdir(), 'bert-predict-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;

// A real vocabulary keeps the demo contexts at about one token per word, so few windows to run.
const VOCAB = '../shared/data/vocab/bert-base-uncased-vocab.txt';

describe('cli predict', () => {
  it('predicts the demo set with a model folder from init; evaluate reads the output', async () => {
    const configPath = join(dir, 'config.in.json');
    writeFileSync(configPath, JSON.stringify({ ...tinyConfig(128), vocab_size: 30522 }));
    const model = join(dir, 'model');
    const init = cli('init', '--config', configPath, '--seed', '11', '--out', model);
    expect(init.status, init.stderr).toBe(0);
    const data = join(dir, 'demo.json');
    writeFileSync(data, JSON.stringify(DEMO_DATASET));

    const out = join(dir, 'predictions.json');
    const settings = { maxLength: 128, stride: 32, batchSize: 8 };
    const r = cli('predict', '--model', model, '--data', data, '--vocab', VOCAB, '--out', out, '--max-length', '128', '--stride', '32', '--batch-size', '8');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/assuming an uncased vocabulary \("uncased" in bert-base-uncased-vocab\.txt\)/);
    const questions = DEMO_DATASET.data.flatMap((a) => a.paragraphs.flatMap((p) => p.qas.map((q) => ({ id: q.id, context: p.context }))));
    const summary = lastJson(r.stdout);
    expect(summary).toEqual({ examples: questions.length, features: expect.any(Number), predictions: questions.length });
    expect(summary.features as number).toBeGreaterThanOrEqual(questions.length);

    const predictions = JSON.parse(readFileSync(out, 'utf8')) as Record<string, string>;
    expect(Object.keys(predictions).sort()).toEqual(questions.map((q) => q.id).sort());
    for (const q of questions) expect(q.context.includes(predictions[q.id])).toBe(true);

    // The same model and settings in-process give the same answers.
    await tf.setBackend('cpu');
    const loaded = loadModelFiles(await readModelDir(model), { strict: true });
    const m = new BertForQuestionAnswering(loaded.config, loaded.params);
    const tokenizer = tokenizerFromVocab(readFileSync(VOCAB, 'utf8'), { lowercase: true });
    const local = await predictDataset(m, tokenizer, DEMO_DATASET, settings);
    m.dispose();
    expect({ ...local.predictions }).toEqual(predictions);
    expect(local.featureCount).toBe(summary.features);

    const ev = cli('evaluate', '--data', data, '--predictions', out);
    expect(ev.status, ev.stderr).toBe(0);
    expect(lastJson(ev.stdout)).toMatchObject({ total: questions.length, answered: questions.length, missing: 0, extra: 0 });
  });

  it('reads the tokenizer and its casing from the model folder', () => {
    const configPath = join(dir, 'tiny.json');
    writeFileSync(configPath, JSON.stringify(tinyConfig(64)));
    const model = join(dir, 'tiny');
    expect(cli('init', '--config', configPath, '--seed', '2', '--out', model).status).toBe(0);
    const data = join(dir, 'short.json');
    writeFileSync(data, JSON.stringify({ version: '1.1', data: [{ title: 't', paragraphs: [TINY_SQUAD.data[0].paragraphs[1]] }] }));

    const none = cli('predict', '--model', model, '--data', data, '--out', join(dir, 'x.json'));
    expect(none.status).not.toBe(0);
    expect(none.stderr).toMatch(/neither tokenizer\.json nor vocab\.txt; pass --vocab FILE/);

    writeFileSync(join(model, 'vocab.txt'), TINY_VOCAB_TEXT);
    const stride = cli('predict', '--model', model, '--data', data, '--max-length', '64', '--stride', '64', '--out', join(dir, 'x.json'));
    expect(stride.status).not.toBe(0);
    expect(stride.stderr).toMatch(/stride 64 must be smaller/);
    expect(stride.stderr).toMatch(/assuming an uncased vocabulary \(the vocabulary has no uppercase tokens\)/);

    writeFileSync(join(model, 'tokenizer_config.json'), JSON.stringify({ do_lower_case: true }));
    const out = join(dir, 'short-predictions.json');
    const r = cli('predict', '--model', model, '--data', data, '--max-length', '64', '--stride', '16', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/assuming/);
    expect(lastJson(r.stdout)).toEqual({ examples: 2, features: 2, predictions: 2 });
    expect(Object.keys(JSON.parse(readFileSync(out, 'utf8')))).toEqual(['short-1', 'short-2']);
  });
});
