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

/** A question ready to be windowed: its tokens, its context's tokens and its window plan. */
interface Planned {
  question: TokenizedText;
  context: TokenizedText;
  budget: number;
  windows: number;
  answerStart: number | null;
  answerEnd: number | null;
}

/**
 * Collects paragraphs, tokenizing each context once and each question once, then writes every
 * window into typed arrays allocated at their exact final size (no growth copies).
 */
export class FeatureBuilder {
  readonly length: number;
  private readonly planned: Planned[] = [];
  private windows = 0;
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
    return this.windows;
  }

  get exampleCount(): number {
    return this.examples.length;
  }

  /** Adds every question of one paragraph; the context is tokenized once (or given pre-tokenized). */
  addParagraph(p: ParagraphInput, contextTokens?: TokenizedText): void {
    const context = contextTokens ?? this.tokenizer.encode(p.context);
    const contextIndex = this.contexts.length;
    this.contexts.push(p.context);
    const stride = this.settings.stride;
    for (const q of p.questions) {
      const text = stripQuestion(q.question);
      const question = this.tokenizer.encode(text);
      const budget = checkBudget(this.settings, question.length, q.id);
      const total = context.length;
      const windows = total <= budget ? 1 : 1 + Math.ceil((total - budget) / (budget - stride));
      const answerStart = q.answer ? q.answer.start : null;
      const answerEnd = q.answer ? q.answer.start + q.answer.text.length : null;
      this.examples.push({ id: q.id, question: text, contextIndex, answerStart, answerEnd, answerText: q.answer ? q.answer.text : null });
      this.planned.push({ question, context, budget, windows, answerStart, answerEnd });
      this.windows += windows;
    }
  }

  /** Writes all windows collected so far into a new batch. */
  finish(): FeatureBatch {
    const L = this.length;
    const n = this.windows;
    const batch: FeatureBatch = {
      mode: this.mode,
      length: L,
      stride: this.settings.stride,
      count: n,
      inputIds: new Int32Array(n * L).fill(this.tokenizer.padId),
      tokenTypeIds: new Uint8Array(n * L),
      attentionMask: new Uint8Array(n * L),
      sequenceIds: new Int8Array(n * L).fill(-1),
      offsets: new Int32Array(n * L * 2).fill(-1),
      startPositions: new Int32Array(n),
      endPositions: new Int32Array(n),
      exampleIndex: new Int32Array(n),
      examples: this.examples.slice(),
      contexts: this.contexts.slice(),
    };
    let w = 0;
    this.planned.forEach((plan, i) => {
      for (let k = 0; k < plan.windows; k++) this.writeWindow(batch, w++, i, k, plan);
    });
    return batch;
  }

  /** Fills window w (k-th of its example); padding positions keep the values set at allocation. */
  private writeWindow(batch: FeatureBatch, w: number, exampleIndex: number, k: number, plan: Planned): void {
    const { question: qt, context: ctx, budget } = plan;
    const L = this.length;
    const q = qt.length;
    const from = k * (budget - this.settings.stride);
    const to = Math.min(from + budget, ctx.length);
    const base = w * L;
    const { inputIds: ids, tokenTypeIds: types, attentionMask: mask, sequenceIds: seq, offsets: off } = batch;
    const tok = this.tokenizer;
    ids[base] = tok.clsId;
    ids.set(qt.ids, base + 1);
    seq.fill(0, base + 1, base + 1 + q);
    if (this.mode === 'train')
      for (let i = 0; i < q; i++) {
        off[2 * (base + 1 + i)] = qt.starts[i];
        off[2 * (base + 1 + i) + 1] = qt.ends[i];
      }
    ids[base + 1 + q] = tok.sepId;
    const c0 = base + q + 2;
    ids.set(ctx.ids.subarray(from, to), c0);
    seq.fill(1, c0, c0 + (to - from));
    for (let i = from, p = 2 * c0; i < to; i++, p += 2) {
      off[p] = ctx.starts[i];
      off[p + 1] = ctx.ends[i];
    }
    const sep = c0 + (to - from);
    ids[sep] = tok.sepId;
    mask.fill(1, base, sep + 1);
    types.fill(1, c0, sep + 1);
    let start = 0;
    let end = 0;
    if (plan.answerStart !== null && plan.answerEnd !== null) {
      const span = labelSpan(ctx.starts, ctx.ends, from, to - 1, plan.answerStart, plan.answerEnd, 'fully-inside');
      if (span) {
        start = span.start - from + q + 2;
        end = span.end - from + q + 2;
      }
    }
    batch.startPositions[w] = start;
    batch.endPositions[w] = end;
    batch.exampleIndex[w] = exampleIndex;
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
