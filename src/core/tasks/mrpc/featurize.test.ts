// Pair tokenization against Hugging Face's Rust tokenizer (npm `tokenizers`, truncation longest_first):
// every pair of lengths on synthetic text, and every real MRPC row at several max_length.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOracle, type Oracle } from '../../features/oracle.test-util';
import { tokenizerFromVocab, type BertTokenizer } from '../../tokenizer';
import { indexMap } from '../../util/codepoints';
import { encodePair, featurizePairs, pairFeatureRow, pairTruncation } from './featurize';
import { parsePairs } from './parse';
import type { PairExample } from './types';

const SHARED = resolve(process.cwd(), '../shared/data');
const vocabPath = (cased: boolean) => resolve(SHARED, `vocab/bert-base-${cased ? 'cased' : 'uncased'}-vocab.txt`);
const pairsOf = (name: string): PairExample[] => parsePairs(readFileSync(resolve(SHARED, 'mrpc', name), 'utf8')).examples;

interface OracleRow {
  ids: number[];
  typeIds: number[];
  offsets: number[][];
}

async function oracleRows(oracle: Oracle, pairs: [string, string][], maxLength: number): Promise<OracleRow[]> {
  oracle.tokenizer.setTruncation(maxLength, { strategy: 'LongestFirst' as never });
  const out = await Promise.all(pairs.map(([a, b]) => oracle.tokenizer.encode(a, b)));
  return out.map((e) => ({ ids: e.getIds(), typeIds: e.getTypeIds(), offsets: e.getOffsets() }));
}

/** Our encoding in the oracle's terms: offsets in code points of the token's own sentence. */
function oursAsOracle(t: BertTokenizer, s1: string, s2: string, maxLength: number): OracleRow {
  const e = encodePair(t, s1, s2, maxLength);
  const maps = [indexMap(s1), indexMap(s2)];
  const offsets = e.offsets.map(([a, b], i) => {
    const s = e.sequenceIds[i];
    return s === null ? [0, 0] : [maps[s].toCodePoint(a), maps[s].toCodePoint(b)];
  });
  return { ids: Array.from(e.inputIds), typeIds: Array.from(e.tokenTypeIds), offsets };
}

describe('pairTruncation', () => {
  it('gives the corner cases PIPELINE section 9 measured', () => {
    expect(pairTruncation(21, 20, 20)).toEqual([8, 9]);
    expect(pairTruncation(37, 21, 30)).toEqual([14, 13]);
    expect(pairTruncation(40, 2, 20)).toEqual([15, 2]);
    expect(pairTruncation(5, 5, 20)).toEqual([5, 5]);
  });

  it('compares word-capped lengths: a sentence whose word crosses max_length counts as longer', () => {
    // 36 and 40 tokens at max_length 10, capped at 11 and 10 (a word spans tokens 9-11): the first is "longer".
    expect(pairTruncation(36, 40, 10, [11, 10])).toEqual([4, 3]);
    expect(pairTruncation(36, 40, 10)).toEqual([3, 4]);
  });

  it('matches the Rust tokenizer on every pair of lengths 0..24 at max_length 3..20, and on random lengths', async () => {
    const oracle = await loadOracle(vocabPath(false), true);
    // "a" is one token in the vocabulary, so n words are n tokens.
    const words = (n: number) => Array(n).fill('a').join(' ');
    const cases: [number, number, number][] = [];
    for (let L = 3; L <= 20; L++) for (let a = 0; a <= 24; a++) for (let b = 0; b <= 24; b++) cases.push([a, b, L]);
    let s = 7;
    const rand = (n: number) => ((s = (s * 1103515245 + 12345) % 2147483648), s % n);
    for (let i = 0; i < 400; i++) cases.push([rand(300), rand(300), 3 + rand(250)]);
    const bad: string[] = [];
    for (const L of new Set(cases.map((c) => c[2]))) {
      const some = cases.filter((c) => c[2] === L);
      const rows = await oracleRows(oracle, some.map(([a, b]) => [words(a), words(b)]), L);
      some.forEach(([a, b], i) => {
        const types = rows[i].typeIds;
        const sep = rows[i].ids.indexOf(oracle.sepId);
        const got = [sep - 1, types.length - sep - 2];
        const mine = pairTruncation(a, b, L);
        if (got[0] !== mine[0] || got[1] !== mine[1]) bad.push(`${a}+${b} at ${L}: oracle ${got}, ours ${mine}`);
      });
    }
    expect(bad.slice(0, 10)).toEqual([]);
    expect(cases.length).toBeGreaterThan(11000);
  });
});

describe('encodePair vs the Rust tokenizer on every real MRPC row', () => {
  const rows = [...pairsOf('train.tsv'), ...pairsOf('dev.tsv'), ...pairsOf('test.tsv')];
  const cases: [boolean, number, PairExample[]][] = [
    [false, 128, rows],
    [false, 24, rows],
    [false, 10, rows],
    [true, 128, pairsOf('dev.tsv')],
    [true, 31, pairsOf('dev.tsv')],
    [true, 13, pairsOf('train.tsv')],
  ];
  let tokenizers: Record<string, BertTokenizer>;
  beforeAll(() => {
    tokenizers = {
      uncased: tokenizerFromVocab(readFileSync(vocabPath(false), 'utf8'), { lowercase: true }),
      cased: tokenizerFromVocab(readFileSync(vocabPath(true), 'utf8'), { lowercase: false }),
    };
  });

  it.each(cases)('cased %s, max_length %i: ids, token types and offsets identical', async (cased, maxLength, examples) => {
    const oracle = await loadOracle(vocabPath(cased), !cased);
    const expected = await oracleRows(oracle, examples.map((e) => [e.sentence1, e.sentence2]), maxLength);
    const t = tokenizers[cased ? 'cased' : 'uncased'];
    let differ = 0;
    let first = '';
    examples.forEach((e, i) => {
      const got = oursAsOracle(t, e.sentence1, e.sentence2, maxLength);
      if (JSON.stringify(got) !== JSON.stringify(expected[i])) {
        if (!differ) first = `row ${e.id}: ${JSON.stringify(got.ids)} vs ${JSON.stringify(expected[i].ids)}`;
        differ++;
      }
    });
    expect(first).toBe('');
    expect(differ).toBe(0);
  });

  it('at max_length 128 no dev pair is truncated and the longest has 86 tokens (uncased)', () => {
    const f = featurizePairs(tokenizers.uncased, pairsOf('dev.tsv'), 128);
    expect(f.count).toBe(408);
    expect(f.truncated).toBe(0);
    expect(Math.max(...f.lengths)).toBe(86);
    const row = pairFeatureRow(f, 0);
    expect(row.id).toBe('0');
    expect(row.label).toBe(1);
    expect(row.input_ids[0]).toBe(tokenizers.uncased.clsId);
    expect(row.attention_mask.every((m) => m === 1)).toBe(true);
    expect(row.input_ids).toHaveLength(row.token_type_ids.length);
  });

  it('rejects a max_length without room for the special tokens', () => {
    expect(() => encodePair(tokenizers.uncased, 'a', 'b', 2)).toThrow('max_length must be an integer >= 3');
  });
});
