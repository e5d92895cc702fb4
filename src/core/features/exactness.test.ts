// Featurizer vs Hugging Face's Rust tokenizer on every SQuAD dev question, both vocabularies,
// plus hand-written cases the dev set lacks.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SquadFile } from '../squad/types';
import { tokenizerFromJson, tokenizerFromVocab, type BertTokenizer } from '../tokenizer';
import { indexMap } from '../util/codepoints';
import { featurizeParagraphs, featurizeSquad } from './featurize';
import { loadOracle, oracleLabel, oracleWindows, type Oracle, type OracleWindow } from './oracle.test-util';
import type { FeatureBatch, ParagraphInput } from './types';

const SHARED = resolve(process.cwd(), '../shared/data');
const dev = JSON.parse(readFileSync(resolve(SHARED, 'squad/dev-v1.1.json'), 'utf8')) as SquadFile;

/** Python's str.strip() on questions, written out separately from the featurizer's version. */
function pyStrip(s: string): string {
  return s.replace(/^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/, '').replace(
    /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/,
    '',
  );
}

/** Our window w in the oracle's format: offsets in code points, [0, 0] on specials and padding. */
function ours(batch: FeatureBatch, w: number): OracleWindow {
  const L = batch.length;
  const base = w * L;
  const ex = batch.examples[batch.exampleIndex[w]];
  const qMap = indexMap(ex.question);
  const cMap = indexMap(batch.contexts[ex.contextIndex]);
  const offsets: number[][] = [];
  const sequenceIds: (number | null)[] = [];
  for (let i = 0; i < L; i++) {
    const s = batch.sequenceIds[base + i];
    const a = batch.offsets[2 * (base + i)];
    const b = batch.offsets[2 * (base + i) + 1];
    const m = s === 0 ? qMap : cMap;
    offsets.push(a < 0 ? [0, 0] : [m.toCodePoint(a), m.toCodePoint(b)]);
    sequenceIds.push(s < 0 ? null : s);
  }
  return {
    ids: Array.from(batch.inputIds.subarray(base, base + L)),
    typeIds: Array.from(batch.tokenTypeIds.subarray(base, base + L)),
    mask: Array.from(batch.attentionMask.subarray(base, base + L)),
    offsets,
    sequenceIds,
  };
}

interface Case {
  id: string;
  question: string;
  context: string;
  /** Answer in code points, as SQuAD gives it. */
  answer?: { text: string; start: number };
}

/** Compares every window of every case; returns readable differences (empty when identical). */
async function compare(
  tok: BertTokenizer,
  oracle: Oracle,
  cases: Case[],
  L: number,
  S: number,
  mode: 'train' | 'eval' = 'train',
): Promise<string[]> {
  const paragraphs: ParagraphInput[] = cases.map((c) => ({
    context: c.context,
    questions: [
      {
        id: c.id,
        question: c.question,
        answer: c.answer ? { text: c.answer.text, start: indexMap(c.context).toUtf16(c.answer.start) } : undefined,
      },
    ],
  }));
  const batch = featurizeParagraphs(tok, paragraphs, { maxLength: L, stride: S }, mode);
  const expected = await oracleWindows(
    oracle,
    cases.map((c) => ({ question: pyStrip(c.question), context: c.context })),
    L,
    S,
  );
  return diff(batch, cases, expected, mode);
}

function diff(batch: FeatureBatch, cases: Case[], expected: OracleWindow[][], mode: 'train' | 'eval'): string[] {
  const problems: string[] = [];
  let w = 0;
  cases.forEach((c, i) => {
    const want = expected[i];
    let got = 0;
    while (w + got < batch.count && batch.exampleIndex[w + got] === i) got++;
    if (got !== want.length) problems.push(`${c.id}: ${got} windows, oracle ${want.length}`);
    for (let k = 0; k < Math.min(got, want.length); k++) {
      const o = ours(batch, w + k);
      const e = want[k];
      for (const field of ['ids', 'typeIds', 'mask', 'sequenceIds'] as const)
        if (o[field].join() !== e[field].map((x) => x ?? null).join())
          problems.push(`${c.id} window ${k} ${field}:\n ours   ${o[field].join()}\n oracle ${e[field].join()}`);
      // Eval mode keeps question offsets out of the batch; compare context offsets there.
      const eo = mode === 'eval' ? e.offsets.map((x, t) => (e.sequenceIds[t] === 1 ? x : [0, 0])) : e.offsets;
      if (JSON.stringify(o.offsets) !== JSON.stringify(eo))
        problems.push(`${c.id} window ${k} offsets:\n ours   ${JSON.stringify(o.offsets)}\n oracle ${JSON.stringify(eo)}`);
      if (c.answer) {
        const a = c.answer.start;
        const label = oracleLabel(e, a, a + [...c.answer.text].length);
        const mine = [batch.startPositions[w + k], batch.endPositions[w + k]];
        if (label.join() !== mine.join()) problems.push(`${c.id} window ${k} label ${mine} vs ${label}`);
      }
    }
    w += got;
  });
  if (w !== batch.count) problems.push(`${batch.count - w} extra windows`);
  return problems;
}

const VOCABS = [
  { name: 'uncased', lowercase: true },
  { name: 'cased', lowercase: false },
];

function devCases(): Case[] {
  const out: Case[] = [];
  for (const a of dev.data)
    for (const p of a.paragraphs)
      for (const q of p.qas)
        out.push({
          id: q.id,
          question: q.question,
          context: p.context,
          answer: { text: q.answers[0].text, start: q.answers[0].answer_start },
        });
  return out;
}

const LONG = 'x'.repeat(150);

interface HandCase {
  question: string;
  context: string;
  /** Gold text; its start is its first occurrence in the context. */
  answer?: string;
}

function withAnswer(c: HandCase, id: string): Case {
  if (c.answer === undefined) return { id, question: c.question, context: c.context };
  const at = c.context.indexOf(c.answer);
  if (at < 0) throw new Error(`${id}: answer not in context`);
  return { id, question: c.question, context: c.context, answer: { text: c.answer, start: [...c.context.slice(0, at)].length } };
}

const HAND: HandCase[] = [
  { question: 'Who?', context: 'Café résumé naïve Ångström \u212Bngström ﬁne ﬀ ﬃ ß ẞ İstanbul ǅungla ŉ ǰ ΐ ᾼ \u212A \u2126 ΣΑΣ ΌΣΟΣ.', answer: 'İstanbul' },
  { question: '  \u00a0\u3000 What is this?\u2003\n ', context: 'This is a test of questions with surrounding whitespace.', answer: 'a test' },
  { question: '\u0085\x1c What?\ufeff', context: 'Odd whitespace: Python strips U+0085 and U+001C, not U+FEFF.' },
  { question: '北京在哪里？', context: '北京是中国的首都。日本語のテキスト。한국어 텍스트 𠀀𠀁 compat 豈 ext', answer: '中国' },
  { question: 'Emoji 😀?', context: 'I ❤️ 😀 pizza 👩‍👩‍👧 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 text 🥰 done 😀x😀 end', answer: 'pizza' },
  { question: 'Controls', context: 'a\u0000b\uFFFDc\u0007d\u200Be\u00ADf\tg\u000Bh\u0085i\u001Cj\r\nk\u2028l\u00A0m\u3000n\u202Fo', answer: 'h' },
  { question: 'Long words', context: `${LONG} short ${'y'.repeat(100)} ${'é'.repeat(101)} ${'e\u0301'.repeat(60)} end`, answer: 'short' },
  { question: 'Empty context', context: '' },
  { question: 'Only spaces', context: '   \u3000 ' },
  { question: 'Marks', context: 'Zalgo: Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇ and a\u0316\u0301b \u0301start mark, Hangul 한, Arabic مَرْحَبًا, Hebrew שָׁלוֹם', answer: 'Hangul' },
  { question: 'Punctuation', context: '$100+<tag>=5^2|x~y`z — “quoted” «guillemets» ¿qué? ¡sí! a.b,c;d:e 1,000.5 U.S.A. don\'t', answer: '“quoted”' },
  { question: 'Newer Unicode', context: 'Arabic end mark \u061D, Tamil \u0BFA sign, \u2E52 dot, mark a\u0897b, \u0890 pound, Vithkuqi \u{105C9}.' },
];

/** A long context so that the hand-written characters fall across window boundaries too. */
const WINDOWED: HandCase = {
  question: 'Where does 😀 fall?',
  context: HAND.map((c) => c.context).join(' ¶ '),
  answer: 'Hangul',
};

describe.each(VOCABS)('featurizer vs the Rust oracle ($name)', ({ name, lowercase }) => {
  const vocabPath = resolve(SHARED, `vocab/bert-base-${name}-vocab.txt`);
  let tok: BertTokenizer;
  let oracle: Oracle;
  beforeAll(async () => {
    tok = tokenizerFromVocab(readFileSync(vocabPath, 'utf8'), { lowercase });
    oracle = await loadOracle(vocabPath, lowercase);
  });

  it('matches on every SQuAD dev v1.1 question at 384/128 (ids, types, mask, offsets, windows, labels)', async () => {
    const cases = devCases();
    expect(cases.length).toBe(10570);
    const batch = featurizeSquad(tok, dev, { maxLength: 384, stride: 128 }, 'train');
    const expected = await oracleWindows(
      oracle,
      cases.map((c) => ({ question: pyStrip(c.question), context: c.context })),
      384,
      128,
    );
    const problems = diff(batch, cases, expected, 'train');
    expect(problems.slice(0, 5)).toEqual([]);
    expect(batch.count).toBe(expected.reduce((n, w) => n + w.length, 0));
  });

  it('matches on hand-written cases (accents, CJK, emoji, controls, long words, empty, marks)', async () => {
    const cases = HAND.map((c, i) => withAnswer(c, `hand-${i}`));
    expect(await compare(tok, oracle, cases, 384, 128)).toEqual([]);
    expect(await compare(tok, oracle, cases, 384, 128, 'eval')).toEqual([]);
  });

  it('reads the same tokenizer from the tokenizer.json the Rust library saves', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tokjson-')), 'tokenizer.json');
    oracle.tokenizer.save(file);
    const fromJson = tokenizerFromJson(readFileSync(file, 'utf8'));
    const cases = HAND.map((c, i) => withAnswer(c, `json-${i}`));
    expect(await compare(fromJson, oracle, cases, 384, 128)).toEqual([]);
  });

  it('matches on small windows across those characters', async () => {
    const c = withAnswer(WINDOWED, 'windowed');
    for (const [L, S] of [
      [32, 8],
      [24, 0],
      [40, 20],
    ])
      expect(await compare(tok, oracle, [c], L, S)).toEqual([]);
  });
});

describe('every code point against the oracle', () => {
  it.each(VOCABS)('tokenizes each character like the Rust tokenizer ($name)', async ({ name, lowercase }) => {
    const vocabPath = resolve(SHARED, `vocab/bert-base-${name}-vocab.txt`);
    const tok = tokenizerFromVocab(readFileSync(vocabPath, 'utf8'), { lowercase });
    const oracle = await loadOracle(vocabPath, lowercase);
    // Each character sits inside a word so that removal, splitting and isolation all show.
    const texts: string[] = [];
    let words: string[] = [];
    // Every code point of planes 0-3 (all scripts and CJK) and of the tag/variation block; a sample
    // of the rest, which is unassigned or private use.
    for (let cp = 0; cp < 0x110000; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      if (cp >= 0x40000 && !(cp >= 0xe0000 && cp < 0xe0200) && cp % 101 !== 0) continue;
      words.push('a' + String.fromCodePoint(cp) + 'b');
      if (words.length === 4000) {
        texts.push(words.join(' '));
        words = [];
      }
    }
    texts.push(words.join(' '));
    const encs = await oracle.tokenizer.encodeBatch(texts, { addSpecialTokens: false });
    const bad: string[] = [];
    texts.forEach((t, i) => {
      const m = indexMap(t);
      const mine = tok.encode(t);
      const ids = encs[i].getIds();
      const offs = encs[i].getOffsets();
      let same = mine.length === ids.length;
      for (let k = 0; same && k < ids.length; k++)
        same =
          mine.ids[k] === ids[k] && m.toCodePoint(mine.starts[k]) === offs[k][0] && m.toCodePoint(mine.ends[k]) === offs[k][1];
      if (!same) bad.push(`chunk ${i} starting U+${t.codePointAt(1)!.toString(16)}`);
    });
    expect(bad).toEqual([]);
  });
});
