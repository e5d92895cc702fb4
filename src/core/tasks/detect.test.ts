import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DETECT_HEAD_BYTES, detectDataTask, detectDataTaskFromBytes } from './detect.js';

const DATA = new URL('../../../../shared/data/', import.meta.url);
const head = (rel: string) => {
  const fd = fs.openSync(new URL(rel, DATA), 'r');
  const buf = Buffer.alloc(DETECT_HEAD_BYTES);
  const n = fs.readSync(fd, buf, 0, buf.length, 0);
  fs.closeSync(fd);
  return new Uint8Array(buf.subarray(0, n));
};

describe('detectDataTask', () => {
  it('recognises the real SQuAD and MRPC files by their content', () => {
    expect(detectDataTaskFromBytes('dev-v1.1.json', head('squad/dev-v1.1.json')).task).toBe('qa');
    for (const f of ['mrpc/dev.tsv', 'mrpc/train.tsv', 'mrpc/test.tsv', 'mrpc/msr_paraphrase_train.txt', 'mrpc/msr_paraphrase_test.txt']) {
      expect(detectDataTaskFromBytes(f, head(f)), f).toMatchObject({ task: 'mrpc', why: expect.stringContaining('MRPC header') });
    }
  });

  it('goes by content before the name', () => {
    // A SQuAD file saved as .txt, and pairs as JSON lines saved as .json.
    expect(detectDataTask('squad.txt', '{"version": "1.1", "data": [{"title": "A"').task).toBe('qa');
    expect(detectDataTask('pairs.json', '{"sentence1": "A.", "sentence2": "B.", "label": 1}\n{"sentence1"').task).toBe('mrpc');
    expect(detectDataTask('pretty.json', '{\n  "data": [\n    {\n      "paragraphs": [').task).toBe('qa');
    expect(detectDataTask('x.txt', 'sentence1,sentence2,label\nA,B,1\n').task).toBe('mrpc');
    expect(detectDataTask('x.dat', '"id"\t"Sentence1"\t"sentence2"\n').task).toBe('mrpc');
  });

  it('falls back to the extension, so the parser can name what is wrong', () => {
    expect(detectDataTask('broken.json', 'not json at all').task).toBe('qa');
    expect(detectDataTask('bad.csv', 'a,b,c\n1,2,3\n').task).toBe('mrpc');
    expect(detectDataTask('bad.jsonl', '{"text": "x"}\n').task).toBe('mrpc');
  });

  it('asks when neither content nor name tells', () => {
    expect(detectDataTask('notes.txt', 'Dear diary,\nToday').task).toBeNull();
    expect(detectDataTask('empty.txt', '').task).toBeNull();
    expect(detectDataTask('records.json5', '{"text": "x"}\n').task).toBeNull();
  });

  it('reads UTF-16 heads by their byte-order mark', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"data": [{"paragraphs": []}]}', 'utf16le')]);
    expect(detectDataTaskFromBytes('utf16.json', new Uint8Array(le)).task).toBe('qa');
    const pairs = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('sentence1\tsentence2\n', 'utf16le')]);
    expect(detectDataTaskFromBytes('p.txt', new Uint8Array(pairs)).task).toBe('mrpc');
  });
});
