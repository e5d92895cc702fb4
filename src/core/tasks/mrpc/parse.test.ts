import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parsePairs } from './parse';

const DATA = new URL('../../../../../shared/data/mrpc/', import.meta.url);
const read = (name: string) => readFile(new URL(name, DATA), 'utf8');
const HEADER = '\ufeffQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\n';

describe('parsePairs on the real MRPC files', () => {
  it.each([
    ['train.tsv', 3668, 2474, 1194],
    ['dev.tsv', 408, 279, 129],
    ['msr_paraphrase_train.txt', 4076, 2753, 1323],
    ['msr_paraphrase_test.txt', 1725, 1147, 578],
  ])('%s: %i rows, %i positive, %i negative, no problems', async (name, rows, pos, neg) => {
    const { examples, report } = parsePairs(await read(name));
    expect(report).toMatchObject({ format: 'glue-tsv', rows, valid: rows, positives: pos, negatives: neg, errors: 0, unlabelled: false });
    expect(examples).toHaveLength(rows);
    expect(examples.map((e) => e.id).slice(0, 3)).toEqual(['0', '1', '2']);
  });

  it('dev.tsv keeps quotes as plain characters and the pair ids', async () => {
    const { examples } = parsePairs(await read('dev.tsv'));
    expect(examples[0]).toEqual({
      id: '0',
      sentence1: "He said the foodservice pie business doesn't fit the company's long-term growth strategy.",
      sentence2: '"The foodservice pie business does not fit our long-term growth strategy.',
      label: 1,
      pairId: '1355540/1355592',
    });
  });

  it('test.tsv is unlabelled, with no BOM and an index column', async () => {
    const { examples, report } = parsePairs(await read('test.tsv'));
    expect(report).toMatchObject({ rows: 1725, valid: 1725, unlabelled: true, errors: 0, positives: 0, negatives: 0 });
    expect(examples[1724].id).toBe('1724');
    expect(examples.every((e) => e.label === null)).toBe(true);
  });
});

describe('parsePairs: located errors', () => {
  it('reports a missing column, a bad label, an empty sentence and a duplicate pair id by line, row and column', () => {
    const text =
      HEADER +
      '1\t1\t2\tA first sentence.\tIts paraphrase.\n' +
      '2\t3\t4\tLabel two.\tNot allowed.\n' +
      '0\t5\t6\tOnly four fields.\n' +
      '1\t7\t8\t   \tEmpty first.\n' +
      '0\t1\t2\tSame ids.\tAs row 0.\n' +
      '0\t9\t10\tGood "quoted" one.\tFine\n';
    const { examples, report } = parsePairs(text);
    expect(examples.map((e) => e.id)).toEqual(['0', '5']);
    expect(examples[1].sentence1).toBe('Good "quoted" one.');
    expect(report.rows).toBe(6);
    expect(report.valid).toBe(2);
    expect(report.issues.map((i) => [i.kind, i.line, i.row, i.column])).toEqual([
      ['bad-label', 3, 1, 'Quality'],
      ['missing-column', 4, 2, '#2 String'],
      ['empty-sentence', 5, 3, '#1 String'],
      ['duplicate-id', 6, 4, '#1 ID, #2 ID'],
    ]);
    expect(report.issues[0].message).toBe('line 3 (row 1), column "Quality": label "2" is not 0 or 1');
    expect(report.issues[3].message).toContain('pair id 1/2 already appears on line 2');
  });

  it('reports a tab inside a sentence as extra fields', () => {
    const { report } = parsePairs(`${HEADER}1\t1\t2\tA\tB\tC\n`);
    expect(report.issues[0]).toMatchObject({ kind: 'extra-column', line: 2, row: 0 });
  });

  it('rejects a file without sentence columns, naming what it found', () => {
    const { report } = parsePairs('a,b,label\n1,2,0\n');
    expect(report.fatal?.message).toBe('the header has no sentence1 and sentence2 column (found: "a", "b", "label")');
  });
});

describe('parsePairs: CSV and JSONL', () => {
  it('reads quoted CSV fields with commas, doubled quotes and line breaks', () => {
    const csv = 'idx,sentence1,sentence2,label\r\n0,"One, two","He said ""yes""",1\n1,"Multi\nline",Plain,0\n';
    const { examples, report } = parsePairs(csv);
    expect(report).toMatchObject({ format: 'csv', rows: 2, valid: 2, errors: 0 });
    expect(examples[0]).toMatchObject({ sentence1: 'One, two', sentence2: 'He said "yes"', label: 1 });
    expect(examples[1]).toMatchObject({ id: '1', sentence1: 'Multi\nline', label: 0 });
  });

  it('locates CSV problems on the line where the record starts', () => {
    const csv = 'sentence1,sentence2,label\n"a\nb",c,0\nd,e,yes\nf,,1\n';
    const { report } = parsePairs(csv);
    expect(report.issues.map((i) => [i.kind, i.line, i.row, i.column])).toEqual([
      ['bad-label', 4, 1, 'label'],
      ['empty-sentence', 5, 2, 'sentence2'],
    ]);
  });

  it('reads JSONL; a duplicate idx and a missing label are errors', () => {
    const jsonl = [
      { idx: 0, sentence1: 'a', sentence2: 'b', label: 1 },
      { idx: 1, sentence1: 'c', sentence2: 'd', label: 0 },
      { idx: 1, sentence1: 'e', sentence2: 'f', label: 0 },
      { idx: 3, sentence1: 'g', sentence2: 'h' },
      { idx: 4, sentence1: 'i' },
    ]
      .map((o) => JSON.stringify(o))
      .join('\n');
    const { examples, report } = parsePairs(jsonl);
    expect(report.format).toBe('jsonl');
    expect(examples.map((e) => e.id)).toEqual(['0', '1']);
    expect(report.issues.map((i) => [i.kind, i.line, i.column])).toEqual([
      ['duplicate-id', 3, 'idx'],
      ['bad-label', 4, 'label'],
      ['missing-column', 5, 'sentence2'],
      ['bad-label', 5, 'label'],
    ]);
    expect(report.issues[1].message).toBe('line 4 (row 3), column "label": the label is missing');
  });

  it('treats a file whose labels are all -1 (the Hub test split) as unlabelled', () => {
    const { examples, report } = parsePairs('{"sentence1":"a","sentence2":"b","label":-1,"idx":0}\n');
    expect(report.unlabelled).toBe(true);
    expect(examples[0].label).toBeNull();
  });

  it('reports a line that is not JSON as fatal, with its line', () => {
    const { report } = parsePairs('{"sentence1":"a","sentence2":"b"}\n{oops\n');
    expect(report.fatal?.line).toBe(2);
  });
});
