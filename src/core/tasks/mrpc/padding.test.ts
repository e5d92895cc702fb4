import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tokenizerFromVocab } from '../../tokenizer/index.js';
import { featurizePairs } from './featurize.js';
import { parsePairs } from './parse.js';
import { paddingReport } from './padding.js';

const SHARED = resolve(process.cwd(), '../shared/data');

describe('padding report', () => {
  it('counts padding by hand on a small case', () => {
    // Order under seed is a permutation; with batch 4 all rows share one batch padded to 5.
    const r = paddingReport([1, 5, 2, 4], 8, 4, 3);
    expect(r).toEqual({ realTokens: 12, fixed: 32 - 12, dynamic: 20 - 12, grouped: 20 - 12 });
  });

  it('on MRPC dev at max_length 128: dynamic padding saves most of the fixed padding, grouping saves more', () => {
    const tok = tokenizerFromVocab(readFileSync(resolve(SHARED, 'vocab/bert-base-uncased-vocab.txt'), 'utf8'), { lowercase: true });
    const f = featurizePairs(tok, parsePairs(readFileSync(resolve(SHARED, 'mrpc/dev.tsv'), 'utf8')).examples, 128);
    const r = paddingReport(f.lengths, 128, 8, 42);
    expect(r.realTokens).toBe(f.lengths.reduce((a, b) => a + b, 0));
    expect(r.fixed).toBe(408 * 128 - r.realTokens);
    expect(r.dynamic).toBeLessThan(r.fixed / 2);
    expect(r.grouped).toBeLessThan(r.dynamic / 2);
  });
});
