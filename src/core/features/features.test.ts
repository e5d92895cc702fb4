import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tokenizerFromJson, tokenizerFromVocab } from '../tokenizer';
import {
  auditFeatures,
  auditToCsv,
  featurizeParagraphs,
  getWindow,
  labelWindow,
  stripQuestion,
  validateSettings,
  type ParagraphInput,
} from './index';

const vocabText = readFileSync(resolve(process.cwd(), '../shared/data/vocab/bert-base-uncased-vocab.txt'), 'utf8');
const tok = tokenizerFromVocab(vocabText, { lowercase: true });

const context = 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen';

function para(answer: string, question = 'which?'): ParagraphInput {
  return { context, questions: [{ id: 'q1', question, answer: { text: answer, start: context.indexOf(answer) } }] };
}

describe('settings', () => {
  it('refuses a stride that reaches the context budget, saying what would work', () => {
    expect(() => validateSettings({ maxLength: 16, stride: 13 })).toThrow(/stride 13 must be smaller.*try stride/);
    // "which ?" is 2 tokens: budget 16 - 2 - 3 = 11.
    expect(() => featurizeParagraphs(tok, [para('two')], { maxLength: 16, stride: 11 }, 'train')).toThrow(
      /stride 11 must be smaller than the context budget of question "q1" \(max_length 16 - 2 question tokens - 3 = 11\); use stride <= 10 or max_length >= 17/,
    );
  });

  it('refuses a question longer than the budget', () => {
    const long = 'why '.repeat(20);
    expect(() => featurizeParagraphs(tok, [para('two', long)], { maxLength: 16, stride: 2 }, 'train')).toThrow(
      /question "q1" has 20 tokens, which leaves no room for the context at max_length 16; use max_length >= 26/,
    );
  });

  it('refuses max_length beyond max_position_embeddings', () => {
    expect(() => validateSettings({ maxLength: 1024, stride: 128, maxPositionEmbeddings: 512 })).toThrow(
      /max_length 1024 exceeds the model's max_position_embeddings 512; use max_length <= 512/,
    );
  });

  it('refuses non-integers and negatives', () => {
    expect(() => validateSettings({ maxLength: 3.5, stride: 1 })).toThrow(/max_length must be an integer/);
    expect(() => validateSettings({ maxLength: 64, stride: -1 })).toThrow(/stride must be a non-negative integer/);
  });
});

describe('questions', () => {
  it('strips whitespace as Python str.strip does, not as JS trim does', () => {
    expect(stripQuestion('\u0085\x1c What?\u3000 ')).toBe('What?');
    expect(stripQuestion('\ufeffWhat?')).toBe('\ufeffWhat?');
    expect('\ufeffWhat?'.trim()).toBe('What?');
  });
});

describe('windows and labels', () => {
  // "which ?" = 2 tokens; at L 12 the budget is 7 context tokens; stride 3 -> step 4.
  const settings = { maxLength: 12, stride: 3 };

  it('shares `stride` context tokens between consecutive windows and pads to L', () => {
    const b = featurizeParagraphs(tok, [para('six')], settings, 'train');
    // 14 context tokens: windows start at 0, 4, 8 (8 + 7 > 14 reaches the end).
    expect(b.count).toBe(3);
    const w0 = getWindow(b, 0);
    const w1 = getWindow(b, 1);
    expect(w0.inputIds.length).toBe(12);
    expect(tok.idToToken(w0.inputIds[0])).toBe('[CLS]');
    expect(w0.sequenceIds).toEqual([null, 0, 0, null, 1, 1, 1, 1, 1, 1, 1, null]);
    expect(w0.tokenTypeIds).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
    // Last 3 context tokens of window 0 are the first 3 of window 1.
    expect(w0.inputIds.slice(8, 11)).toEqual(w1.inputIds.slice(4, 7));
    const w2 = getWindow(b, 2);
    expect(w2.attentionMask).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
    expect(w2.offsets[11]).toBeNull();
    expect(w2.windowInExample).toBe(2);
  });

  it('labels only windows that hold the whole answer; partial-overlap also labels the others', () => {
    // "seven eight" = context tokens 6-7: window 0 holds 0-6 (part), window 1 holds 4-10 (all).
    const b = featurizeParagraphs(tok, [para('seven eight')], settings, 'train');
    const [w0, w1, w2] = [0, 1, 2].map((w) => getWindow(b, w));
    expect([w0.startPosition, w0.endPosition]).toEqual([0, 0]);
    expect([w0.partialOverlap.start, w0.partialOverlap.end]).toEqual([10, 10]);
    expect([w1.startPosition, w1.endPosition]).toEqual([6, 7]);
    expect(w1.partialOverlap).toEqual({ start: 6, end: 7 });
    expect([w2.startPosition, w2.endPosition]).toEqual([0, 0]);
    expect(w2.partialOverlap).toEqual({ start: 0, end: 0 });
    const a = context.indexOf('seven eight');
    expect(labelWindow(w0.offsets, w0.sequenceIds, a, a + 11, 'fully-inside')).toEqual({ start: 0, end: 0 });
    expect(labelWindow(w0.offsets, w0.sequenceIds, a, a + 11, 'partial-overlap')).toEqual({ start: 10, end: 10 });
    expect(labelWindow(w1.offsets, w1.sequenceIds, a, a + 11)).toEqual({ start: 6, end: 7 });
  });

  it('keeps only context offsets in eval mode', () => {
    const b = featurizeParagraphs(tok, [para('six')], settings, 'eval');
    const w = getWindow(b, 0);
    expect(w.offsets.slice(0, 4)).toEqual([null, null, null, null]);
    expect(w.offsets[4]).toEqual([0, 3]);
    expect(b.examples[0].id).toBe('q1');
  });

  it('featurizes an empty context as one window with no context tokens', () => {
    const b = featurizeParagraphs(tok, [{ context: '', questions: [{ id: 'e', question: 'why?' }] }], settings, 'train');
    expect(b.count).toBe(1);
    expect(getWindow(b, 0).sequenceIds.filter((s) => s === 1)).toEqual([]);
  });
});

describe('audit', () => {
  it('reports placement per window, examples with no window, and sub-word mismatches', () => {
    const ctx = 'The price rose to 1,000,000dollars in 2020 and fell in 2021 to nothing at all today.';
    const paragraphs: ParagraphInput[] = [
      {
        context: ctx,
        questions: [
          // The gold span ends inside the token "price": the labelled tokens cover more than the answer.
          { id: 'sub', question: 'what?', answer: { text: 'pric', start: ctx.indexOf('price') } },
          { id: 'ok', question: 'when?', answer: { text: '2020', start: ctx.indexOf('2020') } },
          // Gold text differs from the context only by whitespace.
          { id: 'ws', question: 'what?', answer: { text: 'fellin', start: ctx.indexOf('fell in') } },
          // Too long for any window at this size: answer in no window.
          { id: 'none', question: 'span?', answer: { text: ctx.slice(4), start: 4 } },
        ],
      },
    ];
    const b = featurizeParagraphs(tok, paragraphs, { maxLength: 16, stride: 4 }, 'train');
    const audit = auditFeatures(b);
    const rowsOf = (id: string) => audit.rows.filter((r) => r.exampleId === id);
    const ok = rowsOf('ok').find((r) => r.placement === 'inside')!;
    expect(ok.decoded).toBe('2020');
    expect(ok.match).toBe(true);
    expect(audit.examplesWithoutWindow).toEqual(['none']);
    expect(rowsOf('none').every((r) => r.answerInNoWindow && r.placement !== 'inside')).toBe(true);
    expect(rowsOf('none').some((r) => r.placement === 'partial')).toBe(true);
    const sub = rowsOf('sub').find((r) => r.decoded !== null)!;
    expect(sub.reason).toBe('sub-word boundary');
    expect(sub.decoded).toBe('price');
    const ws = rowsOf('ws').find((r) => r.decoded !== null)!;
    expect(ws.reason).toBe('whitespace');
    expect(audit.examplesWithMismatch.sort()).toEqual(['sub', 'ws']);
    expect(audit.counts.partialRuleDiffers).toBeGreaterThan(0);
    const csv = auditToCsv(audit).split('\n');
    expect(csv[0]).toBe(
      'window,exampleId,windowInExample,placement,startPosition,endPosition,partialStart,partialEnd,gold,decoded,match,reason,answerInNoWindow',
    );
    expect(csv.length).toBe(audit.rows.length + 2);
    expect(csv.find((l) => l.startsWith(`${sub.window},sub,`))).toContain('pric,price,false,sub-word boundary');
  });
});

describe('tokenizer.json', () => {
  const vocab: Record<string, number> = {};
  ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'cafe', 'café', '##s', 'hello', '!'].forEach((t, i) => (vocab[t] = i));
  const json = (normalizer: object) => ({
    normalizer,
    pre_tokenizer: { type: 'BertPreTokenizer' },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  });

  it('reads the normalizer flags; strip_accents null follows lowercase', () => {
    const base = { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true };
    const uncased = tokenizerFromJson(json({ ...base, lowercase: true, strip_accents: null }));
    expect(uncased.tokenize('Cafés Hello!')).toEqual(['cafe', '##s', 'hello', '!']);
    const keepAccents = tokenizerFromJson(json({ ...base, lowercase: true, strip_accents: false }));
    expect(keepAccents.tokenize('Cafés')).toEqual(['café', '##s']);
    const cased = tokenizerFromJson(JSON.stringify(json({ ...base, lowercase: false, strip_accents: null })));
    expect(cased.tokenize('Cafés hello')).toEqual(['[UNK]', 'hello']);
    expect(cased.encode('Cafés hello').ends[0]).toBe(5);
  });

  it('refuses models it cannot run', () => {
    expect(() => tokenizerFromJson({ model: { type: 'BPE', vocab: {} } })).toThrow(/expected a WordPiece model/);
  });
});

describe('tokenizerFromFileText', () => {
  const json = JSON.stringify({
    normalizer: { type: 'BertNormalizer', lowercase: false, strip_accents: null },
    model: { type: 'WordPiece', unk_token: '[UNK]', vocab: { '[PAD]': 0, '[UNK]': 1, '[CLS]': 2, '[SEP]': 3, Hello: 4, hello: 5 } },
  });

  it("keeps a tokenizer.json's own casing unless told otherwise", async () => {
    const { tokenizerFromFileText } = await import('../tokenizer');
    expect(tokenizerFromFileText(json, {}).tokenize('Hello')).toEqual(['Hello']);
    expect(tokenizerFromFileText(json, { lowercase: true }).tokenize('Hello')).toEqual(['hello']);
    expect(() => tokenizerFromFileText('[PAD]\n[UNK]\n', {})).toThrow(/does not say whether it is cased/);
  });
});
