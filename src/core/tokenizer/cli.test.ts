// `cli train-vocab` and the CLI's text decoding (`--encoding`), run as a user would (a child process),
// on files written byte for byte in each encoding.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliAsync as cli } from '../../../cli/run.test-util.js';
import { DEMO_DATASET } from '../squad/demo.js';
import { squadTexts } from '../squad/texts.js';
import { trainWordPiece } from './train.js';

const dir = mkdtempSync(join(tmpdir(), 'vocab-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const squad = (context: string) =>
  JSON.stringify({ version: '1.1', data: [{ title: 'T', paragraphs: [{ context, qas: [{ id: 'q1', question: 'Where is the café?', answers: [{ text: 'Zürich', answer_start: context.indexOf('Zürich') }] }] }] }] });

function utf16(text: string, le: boolean, bom = true): Buffer {
  const b = Buffer.from(text, 'utf16le');
  if (!le) b.swap16();
  return Buffer.concat([bom ? Buffer.from(le ? [0xff, 0xfe] : [0xfe, 0xff]) : Buffer.alloc(0), b]);
}

describe('cli train-vocab', () => {
  it('writes the vocabulary the core trainer produces and prints coverage against another vocabulary', async () => {
    const data = join(dir, 'demo.json');
    writeFileSync(data, JSON.stringify(DEMO_DATASET));
    const out = join(dir, 'vocab.txt');
    const r = await cli('train-vocab', '--data', data, '--out', out, '--vocab-size', '300', '--compare', '../shared/data/vocab/bert-base-uncased-vocab.txt');
    expect(r.code, r.stderr).toBe(0);
    const expected = trainWordPiece(squadTexts(DEMO_DATASET.data), { vocabSize: 300 }).tokens;
    expect(readFileSync(out, 'utf8')).toBe(expected.join('\n') + '\n');
    const cov = r.last.coverage as { vocab: string; coverage: { unknownRate: number; piecesPerWord: number } }[];
    expect(cov).toHaveLength(2);
    expect(cov[0].coverage.unknownRate).toBe(0);
    // A 300-token vocabulary splits the demo into more pieces than BERT's 30,522 tokens do.
    expect(cov[0].coverage.piecesPerWord).toBeGreaterThan(cov[1].coverage.piecesPerWord);
    expect(r.stdout).toMatch(/pieces per word/);
  });
});

describe('cli text decoding', () => {
  const text = squad('The café in Zürich opened in 1905.');

  it('reads UTF-16 LE and BE files by their byte-order mark, and UTF-8 with a BOM', async () => {
    const files = [
      ['le.json', utf16(text, true)],
      ['be.json', utf16(text, false)],
      ['bom8.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])],
    ] as const;
    const runs = await Promise.all(
      files.map(([name, bytes]) => {
        const f = join(dir, name);
        writeFileSync(f, bytes);
        return cli('validate', f);
      }),
    );
    runs.forEach((r, i) => {
      expect(r.code, `${files[i][0]}: ${r.stdout}${r.stderr}`).toBe(0);
      expect(r.last.questions).toBe(1);
    });
  });

  it('stops at invalid UTF-8 with its byte offset, and reads the file with --encoding windows-1252', async () => {
    const f = join(dir, 'latin1.json');
    const bytes = Buffer.from(text, 'latin1');
    writeFileSync(f, bytes);
    const [bad, good] = await Promise.all([cli('validate', f), cli('validate', f, '--encoding', 'windows-1252')]);
    expect(bad.code).not.toBe(0);
    const at = bytes.indexOf(0xe9);
    expect(bad.stderr).toContain(`not valid UTF-8 at byte ${at} (E9 20)`);
    expect(bad.stderr).toMatch(/--encoding windows-1252/);
    expect(good.code, good.stdout + good.stderr).toBe(0);
    expect(good.last.questions).toBe(1);
  });
});
