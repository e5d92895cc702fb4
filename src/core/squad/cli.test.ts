// End-to-end checks of `cli validate` / `cli evaluate`, run as a user would (a child process).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliAsync as cli } from '../../../cli/run.test-util.js';

const DEV = '../shared/data/squad/dev-v1.1.json';
const PRED = '../shared/data/squad/predictions/dev-v1.1.bert-ensemble-google.json';
const dir = mkdtempSync(join(tmpdir(), 'squad-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

const qa = (id: string, text: string, start: number) => ({ id, question: 'Q?', answers: [{ text, answer_start: start }] });
const squad = (context: string, qas: unknown[]) => JSON.stringify({ version: '1.1', data: [{ title: 't', paragraphs: [{ context, qas }] }] });

describe.concurrent('cli validate', () => {
  it('accepts the dev set with its official counts', async () => {
    const r = await cli('validate', DEV);
    expect(r.code).toBe(0);
    expect(r.last).toMatchObject({ version: '1.1', articles: 48, paragraphs: 2067, questions: 10570, answers: 34726, errors: 0 });
    expect(r.stdout).toContain('questions 10,570');
  });

  it('rejects a truncated copy, naming the position', async () => {
    const text = readFileSync(DEV, 'utf8');
    const file = write('truncated.json', text.slice(0, 2_000_000));
    const r = await cli('validate', file);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/unexpected end of input.*line 1, column 2000001 \(offset 2000000\)/);
    expect(r.last).toMatchObject({ errors: 1, fatal: { offset: 2_000_000, line: 1, column: 2_000_001 } });
  });

  it('rejects a wrong schema, naming the JSON path', async () => {
    const file = write('schema.json', squad('Paris is nice.', [{ id: 'a', question: 'Q?', answers: [{ text: 'Paris', answer_start: '0' }] }]));
    const r = await cli('validate', file);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('data[0].paragraphs[0].qas[0].answers[0].answer_start: expected a non-negative integer, got "0"');
    expect(r.last).toMatchObject({ errors: 1, issueCounts: { schema: 1 } });
  });

  it('rejects a top level that is not SQuAD', async () => {
    const r = await cli('validate', write('array.json', '[]'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/top level is not a SQuAD object.*line 1, column 1/);
  });

  it('rejects an answer that does not match its context', async () => {
    const r = await cli('validate', write('mismatch.json', squad('Paris is nice.', [qa('a', 'nice', 3)])));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('data[0].paragraphs[0].qas[0].answers[0]: answer text "nice" does not match');
    expect(r.last).toMatchObject({ questions: 1, errors: 1, issueCounts: { 'answer-mismatch': 1 }, valid: { questions: 0 } });
  });

  it('accepts characters outside the BMP with code-point answer starts', async () => {
    const context = 'Rocket 🚀 to the 🌕 moon, said Zoë.';
    const cp = (s: string) => [...context.slice(0, context.indexOf(s))].length;
    const r = await cli('validate', write('astral.json', squad(context, [qa('a', 'moon', cp('moon')), qa('b', 'Zoë', cp('Zoë'))])));
    expect(r.code).toBe(0);
    expect(r.last).toMatchObject({ questions: 2, answers: 2, errors: 0 });
  });

  it('rejects empty input', async () => {
    const r = await cli('validate', write('empty.json', ''));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/empty input/);
    expect(r.last).toMatchObject({ errors: 1, articles: 0 });
  });
});

describe.concurrent('cli evaluate', () => {
  it('scores the BERT ensemble predictions on dev v1.1', async () => {
    const r = await cli('evaluate', '--data', DEV, '--predictions', PRED);
    expect(r.code).toBe(0);
    expect((r.last.exact_match as number).toFixed(4)).toBe('86.2062');
    expect((r.last.f1 as number).toFixed(4)).toBe('92.1956');
    expect(r.last).toMatchObject({ total: 10570, answered: 10570, missing: 0 });
  });

  it('fails on a data file it cannot read', async () => {
    const r = await cli('evaluate', '--data', write('bad-data.json', '{"version": "1.1", "data": ['), '--predictions', PRED);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unexpected end of input/);
  });
});
