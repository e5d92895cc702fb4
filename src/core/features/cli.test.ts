// Runs `cli features` on a small SQuAD file and checks every line against the core featurizer.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { SquadFile } from '../squad/types';
import { tokenizerFromVocab } from '../tokenizer';
import { indexMap } from '../util/codepoints';
import { featurizeSquad } from './featurize';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../../..');
const VOCAB = '../shared/data/vocab/bert-base-cased-vocab.txt';

const squad: SquadFile = {
  version: '1.1',
  data: [
    {
      title: 'T',
      paragraphs: [
        {
          context: 'Emoji 😀 first, then Ångström measured the spectrum of the Sun in 1862 with a prism.',
          qas: [
            { id: 'a', question: '  Who measured the Sun?', answers: [{ text: 'Ångström', answer_start: 20 }] },
            { id: 'b', question: 'When?', answers: [{ text: '1862', answer_start: 66 }] },
          ],
        },
        { context: '北京 is 𝔘 here.', qas: [{ id: 'c', question: 'What?', answers: [{ text: '𝔘', answer_start: 6 }] }] },
      ],
    },
  ],
};

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run('npx', ['tsx', 'cli/index.ts', 'features', ...args], { cwd: ROOT });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('cli features', () => {
  const dir = mkdtempSync(join(tmpdir(), 'features-'));
  const data = join(dir, 'small.json');
  writeFileSync(data, JSON.stringify(squad));
  const tok = tokenizerFromVocab(readFileSync(resolve(ROOT, VOCAB), 'utf8'), { lowercase: false });

  it.each(['train', 'eval'] as const)('writes the core featurizer output, offsets in code points (%s)', async (mode) => {
    const out = join(dir, `${mode}.jsonl`);
    const r = await cli(['--data', data, '--vocab', VOCAB, '--cased', '--max-length', '24', '--stride', '6', '--mode', mode, '--out', out]);
    expect(r.code).toBe(0);
    const batch = featurizeSquad(tok, squad, { maxLength: 24, stride: 6 }, mode);
    const last = r.stdout.trim().split('\n').pop()!;
    expect(JSON.parse(last)).toEqual({ examples: 3, features: batch.count });
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.length).toBe(batch.count);
    lines.forEach((line, w) => {
      const ex = batch.examples[batch.exampleIndex[w]];
      expect(line.example_id).toBe(ex.id);
      expect(line.input_ids).toEqual(Array.from(batch.inputIds.subarray(w * 24, (w + 1) * 24)));
      expect(line.token_type_ids).toEqual(Array.from(batch.tokenTypeIds.subarray(w * 24, (w + 1) * 24)));
      expect(line.attention_mask).toEqual(Array.from(batch.attentionMask.subarray(w * 24, (w + 1) * 24)));
      const cMap = indexMap(batch.contexts[ex.contextIndex]);
      const qMap = indexMap(ex.question);
      const want = Array.from({ length: 24 }, (_, i) => {
        const k = w * 24 + i;
        const s = batch.offsets[2 * k];
        if (s < 0) return mode === 'train' ? [0, 0] : null;
        const m = batch.sequenceIds[k] === 1 ? cMap : qMap;
        return [m.toCodePoint(s), m.toCodePoint(batch.offsets[2 * k + 1])];
      });
      expect(line.offset_mapping).toEqual(want);
      if (mode === 'train') expect([line.start_position, line.end_position]).toEqual([batch.startPositions[w], batch.endPositions[w]]);
      else expect(line.start_position).toBeUndefined();
    });
    if (mode === 'train') {
      // The labelled span, read back through code-point offsets, is the gold answer.
      const c = lines.find((l) => l.example_id === 'c' && l.start_position > 0)!;
      const ctx = [...squad.data[0].paragraphs[1].context];
      const [s] = c.offset_mapping[c.start_position];
      const [, e] = c.offset_mapping[c.end_position];
      expect(ctx.slice(s, e).join('')).toBe('𝔘');
    }
  });

  it('fails clearly on a missing file, bad settings and a missing casing flag', async () => {
    const out = join(dir, 'x.jsonl');
    const missing = await cli(['--data', join(dir, 'nope.json'), '--vocab', VOCAB, '--cased', '--out', out]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read data file .*nope\.json: no such file/);
    const stride = await cli(['--data', data, '--vocab', VOCAB, '--cased', '--max-length', '24', '--stride', '30', '--out', out]);
    expect(stride.code).toBe(1);
    expect(stride.stderr).toMatch(/stride 30 must be smaller/);
    const casing = await cli(['--data', data, '--vocab', VOCAB, '--out', out]);
    expect(casing.stderr).toMatch(/add --lowercase .* or --cased/);
  });
});
