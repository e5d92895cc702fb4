// `export-trainer --task mrpc` through the CLI entry point: the project's data file holds the rows
// `features --task mrpc` writes for the same file and options, and its model/ the classifier train starts from.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './run.test-util.js';
import { readSafetensors } from '../src/core/model/index.js';

const dir = mkdtempSync(join(tmpdir(), 'bert-export-mrpc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SHARED = resolve(process.cwd(), '../shared/data');
const DEV = join(SHARED, 'mrpc/dev.tsv');
const VOCAB = join(SHARED, 'vocab/bert-base-uncased-vocab.txt');

describe('cli export-trainer --task mrpc', () => {
  it('writes the project with the featurized pairs, a new classifier on a QA encoder, and refuses a test file', () => {
    const configPath = join(dir, 'config.json');
    writeFileSync(configPath, JSON.stringify({ vocab_size: 30522, hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 32, max_position_embeddings: 64 }));
    const modelDir = join(dir, 'qa');
    expect(cli('init', '--config', configPath, '--seed', '3', '--out', modelDir).status).toBe(0);
    const out = join(dir, 'project');
    const opts = ['--task', 'mrpc', '--model', modelDir, '--vocab', VOCAB, '--train', DEV, '--max-length', '48', '--max-steps', '6', '--batch-size', '8', '--seed', '4', '--group-by-length'];
    const r = cli('export-trainer', ...opts, '--out', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('classification head');
    expect(r.last).toMatchObject({ task: 'mrpc', train_pairs: 408, eval_pairs: 0 });
    expect(statSync(join(out, 'launch.sh')).mode & 0o111).not.toBe(0);
    const cfg = JSON.parse(readFileSync(join(out, 'run_config.json'), 'utf8'));
    expect(cfg.hyperparameters).toMatchObject({ max_steps: 6, per_device_train_batch_size: 8, seed: 4, group_by_length: true, shuffle: true });
    expect(cfg.data.train_order).toBe('data/train_order.safetensors');

    const featuresPath = join(dir, 'features.jsonl');
    expect(cli('features', '--task', 'mrpc', '--data', DEV, '--vocab', VOCAB, '--max-length', '48', '--out', featuresPath).status).toBe(0);
    const rows = readFileSync(featuresPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { input_ids: number[]; token_type_ids: number[]; attention_mask: number[]; label: number });
    const file = readSafetensors(readFileSync(join(out, 'data/train.safetensors'))).tensors;
    const col = (name: string) => Array.from(file.get(name)!.toFloat32());
    const starts = col('row_start');
    const [ids, types, mask, labels] = [col('input_ids'), col('token_type_ids'), col('attention_mask'), col('labels')];
    expect(starts.length).toBe(rows.length + 1);
    rows.forEach((row, r) => {
      const [a, b] = [starts[r], starts[r + 1]];
      expect({ input_ids: ids.slice(a, b), token_type_ids: types.slice(a, b), attention_mask: mask.slice(a, b), label: labels[r] }).toEqual(
        { input_ids: row.input_ids, token_type_ids: row.token_type_ids, attention_mask: row.attention_mask, label: row.label },
      );
    });

    const model = JSON.parse(readFileSync(join(out, 'model/config.json'), 'utf8'));
    expect(model).toMatchObject({ architectures: ['BertForSequenceClassification'], num_labels: 2 });
    const weights = readSafetensors(readFileSync(join(out, 'model/model.safetensors'))).tensors;
    expect(weights.get('classifier.weight')?.shape).toEqual([2, 16]);
    expect(weights.has('qa_outputs.weight')).toBe(false);

    const bad = cli('export-trainer', ...opts.map((o) => (o === DEV ? join(SHARED, 'mrpc/test.tsv') : o)), '--out', join(dir, 'bad'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('has no labels');
  });
});
