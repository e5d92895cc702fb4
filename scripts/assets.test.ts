import { describe, expect, it } from 'vitest';
import { classifyAsset } from './assets.mjs';

describe('classifyAsset', () => {
  it('lists SQuAD JSON and sentence-pair files as datasets, and keeps vocabularies and models apart', () => {
    for (const p of ['squad/dev-v1.1.json', 'mrpc/dev.tsv', 'mrpc/msr_paraphrase_train.txt', 'pairs/mine.csv', 'pairs/mine.jsonl']) expect(classifyAsset(p), p).toBe('dataset');
    expect(classifyAsset('vocab/bert-base-uncased-vocab.txt')).toBe('vocabulary');
    expect(classifyAsset('m/config.json')).toBe('model');
    expect(classifyAsset('squad/predictions/p.json')).toBe('predictions');
    for (const p of ['mrpc/dev_ids.tsv', 'mrpc/LICENSE-Microsoft-Shared-Source.htm', 'SOURCES.md', 'notes.txt']) expect(classifyAsset(p), p).toBe('other');
  });
});
