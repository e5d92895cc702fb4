import type { WordPieceOptions } from './types';

/**
 * Greedy longest-match-first WordPiece over one pre-tokenized, normalized word. Results are cached
 * per word: natural text repeats words heavily, so most words are a single Map hit.
 */
export class WordPieceModel {
  readonly vocab: Map<string, number>;
  /** Continuation pieces keyed without their prefix, so lookups need no string concatenation. */
  private readonly continuation = new Map<string, number>();
  private readonly maxLen: number;
  private readonly maxContLen: number;
  readonly unkId: number;
  private readonly unkPieces: Int32Array;
  private readonly cache = new Map<string, Int32Array>();
  private static readonly CACHE_LIMIT = 200_000;

  constructor(
    vocab: Map<string, number>,
    readonly options: WordPieceOptions,
  ) {
    this.vocab = vocab;
    const unk = vocab.get(options.unkToken);
    if (unk === undefined) throw new Error(`the vocabulary has no unknown token "${options.unkToken}"`);
    this.unkId = unk;
    this.unkPieces = Int32Array.of(unk, 0, -1);
    const prefix = options.continuingSubwordPrefix;
    let maxLen = 1;
    let maxContLen = 1;
    for (const [token, id] of vocab) {
      if (token.length > maxLen) maxLen = token.length;
      if (prefix.length > 0 && token.startsWith(prefix)) {
        const rest = token.slice(prefix.length);
        this.continuation.set(rest, id);
        if (rest.length > maxContLen) maxContLen = rest.length;
      }
    }
    if (prefix.length === 0) this.continuation = vocab;
    this.maxLen = maxLen;
    this.maxContLen = prefix.length === 0 ? maxLen : maxContLen;
  }

  /**
   * Pieces of `word` as a flat [id, start, end, ...] array of UTF-16 offsets within the word.
   * An [UNK] covering the whole word is encoded with end -1 (the caller knows the word length).
   */
  pieces(word: string): Int32Array {
    let p = this.cache.get(word);
    if (p === undefined) {
      p = this.compute(word);
      if (this.cache.size >= WordPieceModel.CACHE_LIMIT) this.cache.clear();
      this.cache.set(word, p);
    }
    return p;
  }

  private compute(word: string): Int32Array {
    const len = word.length;
    // The limit counts code points (Rust chars); UTF-16 length is an upper bound for the fast test.
    if (len > this.options.maxInputCharsPerWord && countCodePoints(word) > this.options.maxInputCharsPerWord)
      return this.unkPieces;
    const out: number[] = [];
    let start = 0;
    while (start < len) {
      const table = start === 0 ? this.vocab : this.continuation;
      let end = Math.min(len, start + (start === 0 ? this.maxLen : this.maxContLen));
      // Never cut a surrogate pair: substrings longer than any vocabulary entry cannot match anyway.
      if (end < len && isLow(word.charCodeAt(end)) && end - 1 > start && isHigh(word.charCodeAt(end - 1))) end--;
      let id: number | undefined;
      while (end > start) {
        id = table.get(word.slice(start, end));
        if (id !== undefined) break;
        end -= end - 2 >= start && isLow(word.charCodeAt(end - 1)) && isHigh(word.charCodeAt(end - 2)) ? 2 : 1;
      }
      if (id === undefined) return this.unkPieces;
      out.push(id, start, end);
      start = end;
    }
    return Int32Array.from(out);
  }
}

function isHigh(u: number): boolean {
  return u >= 0xd800 && u <= 0xdbff;
}

function isLow(u: number): boolean {
  return u >= 0xdc00 && u <= 0xdfff;
}

function countCodePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    if (isHigh(s.charCodeAt(i)) && i + 1 < s.length && isLow(s.charCodeAt(i + 1))) i++;
    n++;
  }
  return n;
}
