import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTrainerState } from './trainer-state.js';

// A real output folder of `python3 train.py` (transformers 5.18 Trainer, CPU) from a project exported by
// `export-trainer --task mrpc` (a 1-layer hidden-16 classifier, a 255-token vocabulary of the first 64
// train.tsv pairs, trained on the first 400 train.tsv pairs, evaluated on dev.tsv): model.safetensors and
// config.json written by transformers, predictions.json (dev.tsv row -> label) by the project's Python.
const folder = new URL('./fixtures/trainer-output-mrpc/', import.meta.url).pathname;
const dev = '../shared/data/mrpc/dev.tsv';
const dir = mkdtempSync(join(tmpdir(), 'bert-trainer-output-mrpc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (args: string[]) => {
  const r = spawnSync('npx', ['tsx', 'cli/index.ts', ...args], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
};

describe('an MRPC Trainer output folder', () => {
  it('loads back in the CLI, which labels dev.tsv as the Python run did and scores what its last evaluation logged', () => {
    const out = join(dir, 'predictions.json');
    cli(['predict', '--task', 'mrpc', '--model', folder, '--data', dev, '--max-length', '64', '--out', out]);
    const python = JSON.parse(readFileSync(join(folder, 'predictions.json'), 'utf8')) as Record<string, number>;
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(python);
    // Not a degenerate model: both labels are predicted.
    expect(new Set(Object.values(python)).size).toBe(2);
    const scores = cli(['evaluate', '--task', 'mrpc', '--data', dev, '--predictions', out]);
    const log = parseTrainerState(readFileSync(join(folder, 'trainer_state.json'), 'utf8'));
    const last = log.evals[log.evals.length - 1];
    expect(scores.accuracy).toBeCloseTo(last.accuracy!, 12);
    expect(scores.f1).toBeCloseTo(last.f1!, 12);
  });
});
