import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './run.test-util.js';
import { setupBackend } from './backend.js';
import { BertForQuestionAnswering, batchFromArrays, loadModelFiles, readSafetensors } from '../src/core/model/index.js';
import { readModelDir } from './model-io.js';

const dir = mkdtempSync(join(tmpdir(), 'bert-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const L = 12;
const FEATURES = [0, 1, 2].map((i) => ({
  input_ids: [2, ...Array.from({ length: 8 }, (_, j) => 3 + ((i * 5 + j) % 40)), 0, 0, 0],
  token_type_ids: [0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0],
  attention_mask: [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0],
  start_position: 4 + i,
  end_position: 5 + i,
}));

describe('cli init + logits', () => {
  it('initialises a model folder and computes logits and loss that match the core in-process', async () => {
    const configPath = join(dir, 'config.in.json');
    writeFileSync(configPath, JSON.stringify({ vocab_size: 48, hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 32, max_position_embeddings: 16 }));
    const model = join(dir, 'model');
    const init = cli('init', '--config', configPath, '--seed', '7', '--out', model);
    expect(init.status, init.stderr).toBe(0);
    expect(JSON.parse(init.stdout.trim().split('\n').at(-1)!)).toMatchObject({ seed: 7, parameters: expect.any(Number) });
    const names = [...readSafetensors(readFileSync(join(model, 'model.safetensors'))).tensors.keys()];
    expect(names).toContain('qa_outputs.weight');
    expect(names).toContain('bert.encoder.layer.0.attention.self.query.weight');
    expect(JSON.parse(readFileSync(join(model, 'config.json'), 'utf8')).architectures).toEqual(['BertForQuestionAnswering']);

    const featuresPath = join(dir, 'features.jsonl');
    writeFileSync(featuresPath, FEATURES.map((f) => JSON.stringify(f)).join('\n') + '\n');
    const outPath = join(dir, 'logits.json');
    // Batch size 2 over 3 windows: the padded last batch must not change the results.
    const logits = cli('logits', '--model', model, '--features', featuresPath, '--out', outPath, '--batch-size', '2');
    expect(logits.status, logits.stderr).toBe(0);
    const out = JSON.parse(readFileSync(outPath, 'utf8')) as { start_logits: number[][]; end_logits: number[][]; loss: number };
    expect(out.start_logits.length).toBe(3);
    expect(out.start_logits[0].length).toBe(L);

    await setupBackend('cpu');
    const loaded = loadModelFiles(await readModelDir(model), { strict: true });
    const m = new BertForQuestionAnswering(loaded.config, loaded.params);
    const batch = batchFromArrays(3, L, FEATURES.flatMap((f) => f.input_ids), FEATURES.flatMap((f) => f.token_type_ids), FEATURES.flatMap((f) => f.attention_mask));
    const ref = m.forward(batch);
    const start = (await ref.startLogits.array()) as number[][];
    const loss = m.loss(batch, tf.tensor1d(FEATURES.map((f) => f.start_position), 'int32'), tf.tensor1d(FEATURES.map((f) => f.end_position), 'int32'));
    for (let r = 0; r < 3; r++) for (let c = 0; c < L; c++) expect(Math.abs(out.start_logits[r][c] - start[r][c])).toBeLessThan(1e-5);
    expect(Math.abs(out.loss - (await loss.data())[0])).toBeLessThan(1e-5);
    tf.dispose([ref.startLogits, ref.endLogits, loss, batch.inputIds, batch.tokenTypeIds, batch.attentionMask]);
    m.dispose();

    const unlabelled = join(dir, 'unlabelled.jsonl');
    writeFileSync(unlabelled, JSON.stringify({ ...FEATURES[0], start_position: undefined, end_position: undefined }) + '\n');
    const noLoss = cli('logits', '--model', model, '--features', unlabelled, '--out', outPath, '--backend', 'wasm');
    expect(noLoss.status, noLoss.stderr).toBe(0);
    expect(JSON.parse(readFileSync(outPath, 'utf8')).loss).toBeNull();
  });

  it('rejects an unknown backend and out-of-vocabulary ids with a clear message', () => {
    const bad = cli('init', '--config', 'tiny', '--seed', '1', '--out', join(dir, 'x'), '--backend', 'cuda');
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/--backend must be one of cpu, wasm, webgpu/);
    // The name is checked before the model folder is read: the error names the flag, not the missing folder.
    const missing = join(dir, 'no-such-model');
    for (const input of [['logits', '--features', 'f.jsonl'], ['predict', '--data', 'dev.json']]) {
      const r = cli(input[0], '--model', missing, ...input.slice(1), '--out', join(dir, 'o.json'), '--backend', 'cuda');
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/--backend must be one of cpu, wasm, webgpu, got "cuda"/);
    }
    const featuresPath = join(dir, 'oov.jsonl');
    writeFileSync(featuresPath, JSON.stringify({ ...FEATURES[0], input_ids: FEATURES[0].input_ids.map(() => 999) }) + '\n');
    const oov = cli('logits', '--model', join(dir, 'model'), '--features', featuresPath, '--out', join(dir, 'o.json'));
    expect(oov.status).not.toBe(0);
    expect(oov.stderr).toMatch(/line 1: input id 999 is outside the vocabulary/);
  });

  it('refuses a config whose weights cannot fit, with its estimated size, before allocating anything', () => {
    const huge = join(dir, 'huge.json');
    writeFileSync(huge, JSON.stringify({ vocab_size: 30522, hidden_size: 768, num_hidden_layers: 100000, num_attention_heads: 12, intermediate_size: 3072, max_position_embeddings: 512 }));
    const t0 = Date.now();
    const r = cli('init', '--config', huge, '--seed', '1', '--out', join(dir, 'huge'));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/this config needs an estimated 2\.6 TiB of float32 weights \(708,\d{3},\d{3},\d{3} parameters, 100,000 layers of hidden size 768\), more than the 4 GiB a model can hold/);
    expect(Date.now() - t0).toBeLessThan(60_000);
  });
});
