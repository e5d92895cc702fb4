import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModelFiles, readSafetensors } from '../model/index.js';

const dir = mkdtempSync(join(tmpdir(), 'bert-train-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  // Dawn finds SwiftShader only through these variables, read at process start.
  const env = existsSync(SWIFTSHADER_ICD) ? { ...process.env, LD_LIBRARY_PATH: '/usr/lib/chromium', VK_ICD_FILENAMES: SWIFTSHADER_ICD } : process.env;
  const r = spawnSync('npx', ['tsx', 'cli/index.ts', ...args], { encoding: 'utf8', env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const WORDS = ['the', 'river', 'flows', 'north', 'past', 'old', 'mill', 'built', 'in', '1820', 'by', 'a', 'miller', 'named', 'ada',
  'what', 'where', 'does', 'who', 'when', 'was', 'is', 'it', 'stone', 'bridge', 'crosses', 'near', 'town', 'of', 'elm', '.', '?', ','];
const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...WORDS];

function squad(): object {
  const c1 = 'The river flows north past the old mill. The mill was built in 1820 by a miller named Ada.';
  const c2 = 'A stone bridge crosses the river near the town of Elm.';
  const q = (id: string, question: string, context: string, text: string) => ({ id, question, answers: [{ text, answer_start: context.indexOf(text) }] });
  return {
    version: '1.1',
    data: [
      {
        title: 'Mill',
        paragraphs: [
          { context: c1, qas: [q('q1', 'Where does the river flow?', c1, 'north'), q('q2', 'When was the mill built?', c1, '1820'), q('q3', 'Who built the mill?', c1, 'a miller named Ada')] },
          { context: c2, qas: [q('q4', 'What crosses the river?', c2, 'A stone bridge'), q('q5', 'Where is the bridge?', c2, 'near the town of Elm')] },
        ],
      },
    ],
  };
}

describe('cli train', () => {
  it('trains a freshly initialised model for a few steps, logs every step and writes a Hugging Face folder', () => {
    const configPath = join(dir, 'config.in.json');
    writeFileSync(configPath, JSON.stringify({ vocab_size: VOCAB.length, hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 32, max_position_embeddings: 64 }));
    const modelDir = join(dir, 'init');
    const init = cli('init', '--config', configPath, '--seed', '3', '--out', modelDir);
    expect(init.status, init.stderr).toBe(0);
    // The vocabulary's name says "uncased": no flag needed.
    const vocabPath = join(dir, 'tiny-uncased-vocab.txt');
    writeFileSync(vocabPath, `${VOCAB.join('\n')}\n`);
    const dataPath = join(dir, 'train.json');
    writeFileSync(dataPath, JSON.stringify(squad()));
    const logPath = join(dir, 'log.jsonl');
    const outDir = join(dir, 'out');
    const r = cli('train', '--model', modelDir, '--train', dataPath, '--eval', dataPath, '--vocab', vocabPath, '--max-steps', '4', '--batch-size', '2',
      '--grad-accum', '2', '--lr', '1e-3', '--warmup-ratio', '0.25', '--weight-decay', '0.01', '--max-length', '24', '--stride', '4', '--seed', '5',
      '--backend', 'cpu', '--log', logPath, '--out', outDir);
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(summary).toMatchObject({ steps: 4, total_steps: 4, skipped_steps: 0, backend: 'cpu' });
    expect(summary.eval_loss).toEqual(expect.any(Number));
    expect(r.stdout).toContain('lowercase true: "uncased" in tiny-uncased-vocab.txt');

    const lines = readFileSync(logPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    const steps = lines.filter((l) => 'loss' in l);
    expect(steps.map((l) => l.step)).toEqual([1, 2, 3, 4]);
    for (const l of steps) {
      for (const key of ['loss', 'lr', 'grad_norm', 'samples_per_s', 'step_ms', 'epoch']) expect(Number.isFinite(l[key]), key).toBe(true);
    }
    // Warmup of ceil(0.25 * 4) = 1 step, then linear decay: 0, 1e-3, 2/3e-3, 1/3e-3.
    steps.map((l) => l.lr).forEach((lr, i) => expect(lr).toBeCloseTo([0, 1e-3, 2e-3 / 3, 1e-3 / 3][i], 12));
    expect(lines.at(-1)).toMatchObject({ step: 4, eval_loss: expect.any(Number) });

    for (const f of ['config.json', 'model.safetensors', 'vocab.txt', 'tokenizer_config.json', 'special_tokens_map.json']) expect(existsSync(join(outDir, f)), f).toBe(true);
    expect(JSON.parse(readFileSync(join(outDir, 'tokenizer_config.json'), 'utf8')).do_lower_case).toBe(true);
    expect(readFileSync(join(outDir, 'vocab.txt'), 'utf8')).toBe(`${VOCAB.join('\n')}\n`);
    const files = new Map(['config.json', 'model.safetensors'].map((f) => [f, new Uint8Array(readFileSync(join(outDir, f)))]));
    const trained = loadModelFiles(files, { strict: true });
    expect(trained.report.initializedHead).toEqual([]);
    const before = readSafetensors(readFileSync(join(modelDir, 'model.safetensors'))).tensors;
    const after = readSafetensors(readFileSync(join(outDir, 'model.safetensors'))).tensors;
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    expect(Buffer.compare(Buffer.from(readFileSync(join(modelDir, 'model.safetensors'))), Buffer.from(readFileSync(join(outDir, 'model.safetensors'))))).not.toBe(0);

    // The output folder is itself a valid --model (its own vocab.txt and tokenizer_config.json).
    const again = cli('train', '--model', outDir, '--train', dataPath, '--epochs', '1', '--batch-size', '4', '--max-length', '24', '--stride', '4',
      '--log', join(dir, 'log2.jsonl'), '--out', join(dir, 'out2'));
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain('tokenizer_config.json do_lower_case');
  });

  it('resumes a stopped run from its checkpoint: --stop-at 2, then --resume logs the straight run\'s losses', () => {
    const straight = readFileSync(join(dir, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>).filter((l) => 'loss' in l);
    const log = join(dir, 'log-resumed.jsonl');
    const out = join(dir, 'out-resumed');
    const a = cli('train', '--model', join(dir, 'init'), '--train', join(dir, 'train.json'), '--eval', join(dir, 'train.json'), '--vocab', join(dir, 'tiny-uncased-vocab.txt'),
      '--max-steps', '4', '--batch-size', '2', '--grad-accum', '2', '--lr', '1e-3', '--warmup-ratio', '0.25', '--weight-decay', '0.01', '--max-length', '24',
      '--stride', '4', '--seed', '5', '--backend', 'cpu', '--log', log, '--out', out, '--stop-at', '2');
    expect(a.status, a.stderr).toBe(0);
    expect(JSON.parse(a.stdout.trim().split('\n').at(-1)!)).toMatchObject({ steps: 2, ended_by: 'stopped' });
    const b = cli('train', '--resume', out);
    expect(b.status, b.stderr).toBe(0);
    expect(JSON.parse(b.stdout.trim().split('\n').at(-1)!)).toMatchObject({ steps: 4, resumed_from: 2, ended_by: 'done' });
    const resumed = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>).filter((l) => 'loss' in l);
    expect(resumed.map((l) => [l.step, l.loss, l.grad_norm])).toEqual(straight.map((l) => [l.step, l.loss, l.grad_norm]));
  });

  it('explains bad input', () => {
    const modelDir = join(dir, 'init');
    const dataPath = join(dir, 'train.json');
    const noSteps = cli('train', '--model', modelDir, '--train', dataPath, '--vocab', join(dir, 'tiny-uncased-vocab.txt'), '--log', join(dir, 'x.jsonl'), '--out', join(dir, 'x'));
    expect(noSteps.status).toBe(1);
    expect(noSteps.stderr).toMatch(/--max-steps N or --epochs E/);
    const badJson = join(dir, 'bad.json');
    writeFileSync(badJson, '{"data": [');
    const bad = cli('train', '--model', modelDir, '--train', badJson, '--vocab', join(dir, 'tiny-uncased-vocab.txt'), '--max-steps', '1', '--log', join(dir, 'x.jsonl'), '--out', join(dir, 'x'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/not a readable SQuAD file/);
    const noVocab = cli('train', '--model', modelDir, '--train', dataPath, '--max-steps', '1', '--log', join(dir, 'x.jsonl'), '--out', join(dir, 'x'));
    expect(noVocab.status).toBe(1);
    expect(noVocab.stderr).toMatch(/neither tokenizer.json nor vocab.txt; pass --vocab/);
  });

  it('trains identically on cpu, wasm and webgpu (losses and gradient norms step for step)', (ctx) => {
    const modelDir = join(dir, 'init');
    const dataPath = join(dir, 'train.json');
    const runOn = (backend: string) => {
      const log = join(dir, `log-${backend}.jsonl`);
      const r = cli('train', '--model', modelDir, '--train', dataPath, '--vocab', join(dir, 'tiny-uncased-vocab.txt'), '--max-steps', '3', '--batch-size', '2',
        '--lr', '1e-3', '--max-length', '24', '--stride', '4', '--seed', '9', '--backend', backend, '--log', log, '--out', join(dir, `out-${backend}`));
      return { r, steps: r.status === 0 ? readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>).filter((l) => 'loss' in l) : [] };
    };
    const cpu = runOn('cpu');
    expect(cpu.r.status, cpu.r.stderr).toBe(0);
    for (const backend of ['wasm', 'webgpu']) {
      const other = runOn(backend);
      if (backend === 'webgpu' && /backend "webgpu" is unavailable/.test(other.r.stderr)) {
        ctx.skip('no WebGPU adapter (SwiftShader not found)');
      }
      expect(other.r.status, other.r.stderr).toBe(0);
      expect(other.r.stderr).not.toMatch(/validation|Invalid/);
      other.steps.forEach((l, i) => {
        expect(Math.abs(l.loss - cpu.steps[i].loss), `${backend} loss ${i}`).toBeLessThan(1e-4);
        expect(Math.abs(l.grad_norm - cpu.steps[i].grad_norm), `${backend} grad_norm ${i}`).toBeLessThan(1e-4);
      });
      expect(other.steps.length).toBe(3);
    }
  });
});
