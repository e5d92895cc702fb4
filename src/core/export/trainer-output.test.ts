import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// A real output folder of `python3 train.py` (transformers 5.18 Trainer, CPU) from a project exported by
// `export-trainer`: its model.safetensors and config.json were written by transformers, predictions.json by
// the project's Python post-processing.
const folder = new URL('./fixtures/trainer-output/', import.meta.url).pathname;
const squad = new URL('./fixtures/tiny-squad.json', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'bert-trainer-output-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a Trainer output folder', () => {
  it('loads back in the CLI, which answers as the exported project\'s Python post-processing did', () => {
    const out = join(dir, 'predictions.json');
    const r = spawnSync('npx', ['tsx', 'cli/index.ts', 'predict', '--model', folder, '--data', squad, '--max-length', '24', '--stride', '4', '--out', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const python = JSON.parse(readFileSync(join(folder, 'predictions.json'), 'utf8')) as Record<string, string>;
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(python);
    // Not a degenerate model: the answers differ between questions and some are right.
    expect(new Set(Object.values(python)).size).toBeGreaterThan(2);
  });
});
