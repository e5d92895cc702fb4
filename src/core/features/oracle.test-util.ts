// Hugging Face's Rust tokenizer (npm `tokenizers`) driven as ../shared/docs/ENVIRONMENT.md says, as
// the reference for tests and benchmarks. Node only; never imported by the app.
import tokenizers from 'tokenizers';

type RustTokenizer = InstanceType<typeof tokenizers.Tokenizer>;
type RustEncoding = Awaited<ReturnType<RustTokenizer['encode']>>;

export interface Oracle {
  tokenizer: RustTokenizer;
  clsId: number;
  sepId: number;
  padId: number;
}

export async function loadOracle(
  vocabPath: string,
  lowercase: boolean,
  opts: { cleanText?: boolean; handleChineseChars?: boolean } = {},
): Promise<Oracle> {
  const model = await tokenizers.WordPiece.fromFile(vocabPath, { unkToken: '[UNK]' });
  const t = new tokenizers.Tokenizer(model);
  t.setNormalizer(
    tokenizers.bertNormalizer({
      cleanText: opts.cleanText ?? true,
      handleChineseChars: opts.handleChineseChars ?? true,
      lowercase,
      stripAccents: lowercase,
    }),
  );
  t.setPreTokenizer(tokenizers.bertPreTokenizer());
  const id = (s: string): number => {
    const v = t.tokenToId(s);
    if (v === null) throw new Error(`no ${s} in ${vocabPath}`);
    return v;
  };
  t.setPostProcessor(tokenizers.bertProcessing(['[SEP]', id('[SEP]')], ['[CLS]', id('[CLS]')]));
  return { tokenizer: t, clsId: id('[CLS]'), sepId: id('[SEP]'), padId: id('[PAD]') };
}

/** One window as the oracle gives it, padded to L; offsets in code points, [0, 0] on specials. */
export interface OracleWindow {
  ids: number[];
  typeIds: number[];
  mask: number[];
  offsets: number[][];
  sequenceIds: (number | null | undefined)[];
}

export interface OraclePair {
  question: string;
  context: string;
}

/**
 * Windows of every (question, context) pair. Questions and contexts are batch-encoded without
 * special tokens; each context encoding is truncated with the stride and post-processed with its
 * question, whose overflow gives the later windows (the tokenizer's own stride handling is broken
 * when truncation is set, upstream issue #2091).
 */
export async function oracleWindows(
  oracle: Oracle,
  pairs: OraclePair[],
  maxLength: number,
  stride: number,
  pad = true,
): Promise<OracleWindow[][]> {
  const t = oracle.tokenizer;
  const opts = { addSpecialTokens: false };
  // Each distinct context is encoded once; truncate() mutates, so every question gets a copy
  // (mergeEncodings of a single encoding copies it without re-tokenizing).
  const distinct = [...new Set(pairs.map((p) => p.context))];
  const [questions, contexts] = await Promise.all([
    t.encodeBatch(
      pairs.map((p) => p.question),
      opts,
    ),
    t.encodeBatch(distinct, opts),
  ]);
  const byText = new Map(distinct.map((c, i) => [c, contexts[i]]));
  return pairs.map((p, i) =>
    windowsOf(oracle, questions[i], copyEncoding(byText.get(p.context)!), maxLength, stride, pad),
  );
}

/** A private copy of an encoding, so that truncating it leaves the original intact. */
export function copyEncoding(e: RustEncoding): RustEncoding {
  return tokenizers.mergeEncodings([e], false);
}

export function windowsOf(
  oracle: Oracle,
  question: RustEncoding,
  context: RustEncoding,
  maxLength: number,
  stride: number,
  pad: boolean,
): OracleWindow[] {
  context.truncate(maxLength - question.getLength() - 3, stride, 'right');
  const first = oracle.tokenizer.postProcess(question, context, true);
  return [first, ...first.getOverflowing()].map((e) => {
    const ids = e.getIds();
    const offsets = e.getOffsets();
    const sequenceIds = e.getSequenceIds();
    const sep = ids.indexOf(oracle.sepId);
    const typeIds = ids.map((_, k) => (k > sep ? 1 : 0));
    const mask = ids.map(() => 1);
    if (pad)
      while (ids.length < maxLength) {
        ids.push(oracle.padId);
        typeIds.push(0);
        mask.push(0);
        offsets.push([0, 0]);
        sequenceIds.push(null);
      }
    return { ids, typeIds, mask, offsets, sequenceIds };
  });
}

/**
 * The fully-inside rule (PIPELINE section 4), written independently of the featurizer, on the
 * oracle's code-point offsets.
 */
export function oracleLabel(w: OracleWindow, answerStart: number, answerEnd: number): [number, number] {
  const ctx: number[] = [];
  w.sequenceIds.forEach((s, k) => {
    if (s === 1) ctx.push(k);
  });
  if (ctx.length === 0) return [0, 0];
  const first = ctx[0];
  const last = ctx[ctx.length - 1];
  if (w.offsets[first][0] > answerStart || w.offsets[last][1] < answerEnd) return [0, 0];
  let s = first;
  while (s <= last && w.offsets[s][0] <= answerStart) s++;
  let e = last;
  while (e >= first && w.offsets[e][1] >= answerEnd) e--;
  return [s - 1, e + 1];
}
