import type { SquadFile } from '../squad/types';
import type { BertTokenizer, TokenizedText } from '../tokenizer';
import { indexMap } from '../util/codepoints';
import { labelSpan } from './labels';
import type { FeatureBatch, FeatureExample, FeatureMode, FeatureSettings, ParagraphInput } from './types';

/** Python's str.isspace() characters: HF run_qa strips questions with str.lstrip(). */
const PY_SPACE = '\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';

/**
 * Strips surrounding whitespace as Python's str.strip() does (JS trim() differs: it strips U+FEFF
 * and keeps U+001C..U+001F and U+0085).
 */
export function stripQuestion(q: string): string {
  let a = 0;
  let b = q.length;
  while (a < b && PY_SPACE.includes(q[a])) a++;
  while (b > a && PY_SPACE.includes(q[b - 1])) b--;
  return a === 0 && b === q.length ? q : q.slice(a, b);
}

/** Checks the settings that do not depend on the data; throws an Error saying what would work. */
export function validateSettings(s: FeatureSettings): void {
  if (!Number.isInteger(s.maxLength) || s.maxLength < 4)
    throw new Error(`max_length must be an integer >= 4 (room for [CLS] [SEP] [SEP] and a token), got ${s.maxLength}`);
  if (!Number.isInteger(s.stride) || s.stride < 0)
    throw new Error(`stride must be a non-negative integer, got ${s.stride}`);
  if (s.maxPositionEmbeddings !== undefined && s.maxLength > s.maxPositionEmbeddings)
    throw new Error(
      `max_length ${s.maxLength} exceeds the model's max_position_embeddings ${s.maxPositionEmbeddings}; ` +
        `use max_length <= ${s.maxPositionEmbeddings}`,
    );
  if (s.stride >= s.maxLength - 3)
    throw new Error(
      `stride ${s.stride} must be smaller than the context budget (max_length - question tokens - 3 < ${s.maxLength - 3}); ` +
        `try stride ${Math.floor(s.maxLength / 3)} with max_length ${s.maxLength}`,
    );
}

/** Checks one question against the settings; the budget C = L - q - 3 must exceed the stride. */
function checkBudget(s: FeatureSettings, questionTokens: number, id: string): number {
  const budget = s.maxLength - questionTokens - 3;
  if (budget <= 0)
    throw new Error(
      `question ${JSON.stringify(id)} has ${questionTokens} tokens, which leaves no room for the context ` +
        `at max_length ${s.maxLength}; use max_length >= ${questionTokens + 4 + s.stride} or shorten the question`,
    );
  if (s.stride >= budget)
    throw new Error(
      `stride ${s.stride} must be smaller than the context budget of question ${JSON.stringify(id)} ` +
        `(max_length ${s.maxLength} - ${questionTokens} question tokens - 3 = ${budget}); ` +
        `use stride <= ${budget - 1} or max_length >= ${questionTokens + 4 + s.stride}`,
    );
  return budget;
}

/**
 * Accumulates windows into growable typed arrays. Paragraph contexts are tokenized once and reused
 * for every question asked about them.
 */
export class FeatureBuilder {
  readonly length: number;
  private cap = 0;
  private n = 0;
  private inputIds = new Int32Array(0);
  private tokenTypeIds = new Uint8Array(0);
  private attentionMask = new Uint8Array(0);
  private sequenceIds = new Int8Array(0);
  private offsets = new Int32Array(0);
  private startPositions = new Int32Array(0);
  private endPositions = new Int32Array(0);
  private exampleIndex = new Int32Array(0);
  private readonly examples: FeatureExample[] = [];
  private readonly contexts: string[] = [];

  constructor(
    readonly tokenizer: BertTokenizer,
    readonly settings: FeatureSettings,
    readonly mode: FeatureMode,
  ) {
    validateSettings(settings);
    this.length = settings.maxLength;
  }

  get featureCount(): number {
    return this.n;
  }

  get exampleCount(): number {
    return this.examples.length;
  }

  private reserve(k: number): void {
    if (this.n + k <= this.cap) return;
    const cap = Math.max(16, this.cap * 2, this.n + k);
    const L = this.length;
    const grow = <T extends Int32Array | Uint8Array | Int8Array>(a: T, size: number, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.inputIds = grow(this.inputIds, cap * L, (m) => new Int32Array(m));
    this.tokenTypeIds = grow(this.tokenTypeIds, cap * L, (m) => new Uint8Array(m));
    this.attentionMask = grow(this.attentionMask, cap * L, (m) => new Uint8Array(m));
    this.sequenceIds = grow(this.sequenceIds, cap * L, (m) => new Int8Array(m));
    this.offsets = grow(this.offsets, cap * L * 2, (m) => new Int32Array(m));
    this.startPositions = grow(this.startPositions, cap, (m) => new Int32Array(m));
    this.endPositions = grow(this.endPositions, cap, (m) => new Int32Array(m));
    this.exampleIndex = grow(this.exampleIndex, cap, (m) => new Int32Array(m));
    this.cap = cap;
  }

  /** Adds every question of one paragraph; the context is tokenized once. */
  addParagraph(p: ParagraphInput, contextTokens?: TokenizedText): void {
    const ctx = contextTokens ?? this.tokenizer.encode(p.context);
    const contextIndex = this.contexts.length;
    this.contexts.push(p.context);
    for (const q of p.questions) {
      const question = stripQuestion(q.question);
      const qt = this.tokenizer.encode(question);
      const budget = checkBudget(this.settings, qt.length, q.id);
      const answerStart = q.answer ? q.answer.start : null;
      const answerEnd = q.answer ? q.answer.start + q.answer.text.length : null;
      const exampleIndex = this.examples.length;
      this.examples.push({
        id: q.id,
        question,
        contextIndex,
        answerStart,
        answerEnd,
        answerText: q.answer ? q.answer.text : null,
      });
      this.addWindows(qt, ctx, budget, exampleIndex, answerStart, answerEnd);
    }
  }

  private addWindows(
    qt: TokenizedText,
    ctx: TokenizedText,
    budget: number,
    exampleIndex: number,
    answerStart: number | null,
    answerEnd: number | null,
  ): void {
    const total = ctx.length;
    const step = budget - this.settings.stride;
    const count = total <= budget ? 1 : 1 + Math.ceil((total - budget) / step);
    this.reserve(count);
    const L = this.length;
    const tok = this.tokenizer;
    const q = qt.length;
    const keepQuestionOffsets = this.mode === 'train';
    for (let k = 0; k < count; k++) {
      const from = k * step;
      const to = Math.min(from + budget, total);
      const w = this.n++;
      const base = w * L;
      const ids = this.inputIds;
      const types = this.tokenTypeIds;
      const mask = this.attentionMask;
      const seq = this.sequenceIds;
      const off = this.offsets;
      ids[base] = tok.clsId;
      seq[base] = -1;
      off[2 * base] = -1;
      off[2 * base + 1] = -1;
      for (let i = 0; i < q; i++) {
        const p = base + 1 + i;
        ids[p] = qt.ids[i];
        seq[p] = 0;
        off[2 * p] = keepQuestionOffsets ? qt.starts[i] : -1;
        off[2 * p + 1] = keepQuestionOffsets ? qt.ends[i] : -1;
      }
      let p = base + 1 + q;
      ids[p] = tok.sepId;
      seq[p] = -1;
      off[2 * p] = -1;
      off[2 * p + 1] = -1;
      mask.fill(1, base, base + q + 2);
      types.fill(0, base, base + q + 2);
      p++;
      for (let i = from; i < to; i++, p++) {
        ids[p] = ctx.ids[i];
        seq[p] = 1;
        off[2 * p] = ctx.starts[i];
        off[2 * p + 1] = ctx.ends[i];
      }
      ids[p] = tok.sepId;
      seq[p] = -1;
      off[2 * p] = -1;
      off[2 * p + 1] = -1;
      p++;
      types.fill(1, base + q + 2, p);
      mask.fill(1, base + q + 2, p);
      ids.fill(tok.padId, p, base + L);
      types.fill(0, p, base + L);
      mask.fill(0, p, base + L);
      seq.fill(-1, p, base + L);
      off.fill(-1, 2 * p, 2 * (base + L));
      let start = 0;
      let end = 0;
      if (answerStart !== null && answerEnd !== null) {
        const span = labelSpan(ctx.starts, ctx.ends, from, to - 1, answerStart, answerEnd, 'fully-inside');
        if (span) {
          start = span.start - from + q + 2;
          end = span.end - from + q + 2;
        }
      }
      this.startPositions[w] = start;
      this.endPositions[w] = end;
      this.exampleIndex[w] = exampleIndex;
    }
  }

  /** The batch so far, trimmed to its size (copies; the builder can keep going). */
  finish(): FeatureBatch {
    const L = this.length;
    const n = this.n;
    return {
      mode: this.mode,
      length: L,
      stride: this.settings.stride,
      count: n,
      inputIds: this.inputIds.slice(0, n * L),
      tokenTypeIds: this.tokenTypeIds.slice(0, n * L),
      attentionMask: this.attentionMask.slice(0, n * L),
      sequenceIds: this.sequenceIds.slice(0, n * L),
      offsets: this.offsets.slice(0, n * L * 2),
      startPositions: this.startPositions.slice(0, n),
      endPositions: this.endPositions.slice(0, n),
      exampleIndex: this.exampleIndex.slice(0, n),
      examples: this.examples.slice(),
      contexts: this.contexts.slice(),
    };
  }
}

/** Featurizes paragraphs (each with its questions); spans in the input are UTF-16 indices. */
export function featurizeParagraphs(
  tokenizer: BertTokenizer,
  paragraphs: Iterable<ParagraphInput>,
  settings: FeatureSettings,
  mode: FeatureMode,
): FeatureBatch {
  const b = new FeatureBuilder(tokenizer, settings, mode);
  for (const p of paragraphs) b.addParagraph(p);
  return b.finish();
}

/**
 * Turns SQuAD paragraphs into featurizer input: answer_start (code points) becomes a UTF-16 index,
 * and the first answer is the one used for labels (as training does).
 */
export function* squadParagraphs(file: SquadFile): Generator<ParagraphInput> {
  for (const article of file.data) {
    for (const para of article.paragraphs) {
      const map = indexMap(para.context);
      yield {
        context: para.context,
        questions: para.qas.map((qa) => {
          const a = qa.answers[0];
          return {
            id: qa.id,
            question: qa.question,
            answer: a ? { text: a.text, start: map.toUtf16(a.answer_start) } : undefined,
          };
        }),
      };
    }
  }
}

/** Featurizes a whole SQuAD file in dataset order. */
export function featurizeSquad(
  tokenizer: BertTokenizer,
  file: SquadFile,
  settings: FeatureSettings,
  mode: FeatureMode,
): FeatureBatch {
  return featurizeParagraphs(tokenizer, squadParagraphs(file), settings, mode);
}
