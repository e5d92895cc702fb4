import { CHINESE, CONTROL, NONSPACING_MARK, PUNCTUATION, WHITESPACE, charFlags, hasLegacyNoDecomposition } from './unicode';
import type { NormalizerOptions, TokenizedText, TokenizerConfig } from './types';
import { WordPieceModel } from './wordpiece';

const KIND_WORD = 0;
const KIND_SPACE = 1;
const KIND_PUNCT = 2;
const KIND_DROP = 3;

/** How one original code point normalizes: its output text and whether it must stand alone. */
interface CharNorm {
  out: string;
  /** Output kinds per UTF-16 unit of `out` (the high half of a pair carries the kind). */
  kinds: Uint8Array;
  isolate: boolean;
  /** True when `out` equals the input character, so the original text can be sliced directly. */
  same: boolean;
}

/**
 * BERT WordPiece tokenizer (BertNormalizer + BertPreTokenizer + WordPiece) that reports offsets
 * into the original string, matching Hugging Face's fast tokenizer. Normalization, splitting and
 * WordPiece run in one pass; each normalized unit keeps the span of the original character it came
 * from, which is what Hugging Face's NormalizedString alignments do for these per-character rules.
 */
export class BertTokenizer {
  readonly model: WordPieceModel;
  readonly normalizer: Readonly<NormalizerOptions> & { stripAccents: boolean };
  readonly clsId: number;
  readonly sepId: number;
  readonly padId: number;
  readonly unkId: number;
  private readonly idToTokenTable: string[];
  private readonly asciiKind = new Uint8Array(128);
  private readonly asciiOut = new Uint16Array(128);
  private readonly charCache = new Map<number, CharNorm>();
  // Scratch buffers for the word being built, reused across calls to avoid allocations.
  private wordUnits = new Uint16Array(256);
  private alignStart = new Int32Array(256);
  private alignEnd = new Int32Array(256);
  private outIds = new Int32Array(1024);
  private outStarts = new Int32Array(1024);
  private outEnds = new Int32Array(1024);
  private outLen = 0;
  /** Set while `words` runs: pre-tokenized words go here instead of through WordPiece. */
  private wordSink: ((word: string) => void) | null = null;

  constructor(
    vocab: Map<string, number>,
    readonly config: TokenizerConfig,
  ) {
    this.model = new WordPieceModel(vocab, config.wordPiece);
    const n = config.normalizer;
    this.normalizer = { ...n, stripAccents: n.stripAccents ?? n.lowercase };
    const special = (t: string): number => {
      const id = vocab.get(t);
      if (id === undefined) throw new Error(`the vocabulary has no special token "${t}"`);
      return id;
    };
    this.clsId = special(config.clsToken);
    this.sepId = special(config.sepToken);
    this.padId = special(config.padToken);
    this.unkId = this.model.unkId;
    this.idToTokenTable = [];
    for (const [t, id] of vocab) this.idToTokenTable[id] = t;
    for (let c = 0; c < 128; c++) {
      const norm = this.normalizeChar(c);
      this.asciiKind[c] = norm.out.length === 0 ? KIND_DROP : norm.kinds[0];
      this.asciiOut[c] = norm.out.length === 0 ? 0 : norm.out.charCodeAt(0);
    }
  }

  get vocabSize(): number {
    return this.idToTokenTable.length;
  }

  tokenToId(token: string): number | undefined {
    return this.model.vocab.get(token);
  }

  idToToken(id: number): string | undefined {
    return this.idToTokenTable[id];
  }

  /** Token strings of `text` (no special tokens); handy for display and debugging. */
  tokenize(text: string): string[] {
    const enc = this.encode(text);
    return Array.from(enc.ids, (id) => this.idToTokenTable[id]);
  }

  /** Normalized text as Hugging Face's BertNormalizer produces it (for inspection). */
  normalize(text: string): string {
    let s = '';
    for (const ch of text) {
      const norm = this.normalizeChar(ch.codePointAt(0)!);
      s += norm.isolate ? ` ${norm.out} ` : norm.out;
    }
    return s;
  }

  private normalizeChar(cp: number): CharNorm {
    const cached = this.charCache.get(cp);
    if (cached) return cached;
    const n = this.normalizer;
    const input = String.fromCodePoint(cp);
    let out = input;
    const flags = charFlags(cp);
    if (n.cleanText) {
      if (cp === 0 || cp === 0xfffd || (flags & CONTROL) !== 0) out = '';
      else if ((flags & WHITESPACE) !== 0) out = ' ';
    }
    const isolate = n.handleChineseChars && (flags & CHINESE) !== 0;
    if (n.stripAccents && out.length > 0) {
      let kept = '';
      const decomposed = hasLegacyNoDecomposition(cp) ? out : out.normalize('NFD');
      for (const ch of decomposed) if ((charFlags(ch.codePointAt(0)!) & NONSPACING_MARK) === 0) kept += ch;
      out = kept;
    }
    // Per character, so that no context rule (final sigma) applies: Rust lowercases char by char.
    if (n.lowercase && out.length > 0) {
      let lower = '';
      for (const ch of out) lower += ch.toLowerCase();
      out = lower;
    }
    const kinds = new Uint8Array(out.length);
    for (let i = 0; i < out.length; i++) {
      const c = out.codePointAt(i)!;
      const f = charFlags(c);
      kinds[i] = (f & WHITESPACE) !== 0 ? KIND_SPACE : (f & PUNCTUATION) !== 0 ? KIND_PUNCT : KIND_WORD;
      if (c > 0xffff) kinds[++i] = KIND_WORD;
    }
    const norm: CharNorm = { out, kinds, isolate, same: out === input };
    this.charCache.set(cp, norm);
    return norm;
  }

  /**
   * Calls `onWord` with each normalized, pre-tokenized word of `text` (what Hugging Face's trainers
   * count), using the same single pass as `encode`.
   */
  words(text: string, onWord: (word: string) => void): void {
    this.wordSink = onWord;
    try {
      this.encode(text);
    } finally {
      this.wordSink = null;
    }
  }

  /** Tokens of `text` without special tokens, offsets as UTF-16 spans of `text`. */
  encode(text: string): TokenizedText {
    this.outLen = 0;
    const asciiKind = this.asciiKind;
    const asciiOut = this.asciiOut;
    const n = text.length;
    let wLen = 0;
    // While true, the word is text[wStart, wStart + wLen) up to ASCII case: no buffer decode needed.
    let sliceable = true;
    let wStart = 0;
    let upper = false;
    for (let i = 0; i < n; ) {
      const u = text.charCodeAt(i);
      if (u < 128) {
        const kind = asciiKind[u];
        if (kind === KIND_WORD) {
          if (wLen === 0) {
            wStart = i;
            sliceable = true;
            upper = false;
          } else if (sliceable && wStart + wLen !== i) sliceable = false;
          const o = asciiOut[u];
          if (o !== u) upper = true;
          this.pushUnit(wLen++, o, i, i + 1);
        } else if (kind === KIND_SPACE) {
          if (wLen > 0) this.flushWord(text, wLen, sliceable, wStart, upper);
          wLen = 0;
        } else if (kind === KIND_PUNCT) {
          if (wLen > 0) this.flushWord(text, wLen, sliceable, wStart, upper);
          wLen = 0;
          this.emitSingle(String.fromCharCode(asciiOut[u]), i, i + 1);
        }
        i++;
        continue;
      }
      let cp = u;
      let w = 1;
      if (u >= 0xd800 && u <= 0xdbff && i + 1 < n) {
        const lo = text.charCodeAt(i + 1);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          cp = ((u - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
          w = 2;
        }
      }
      const norm = this.normalizeChar(cp);
      const end = i + w;
      if (norm.isolate && wLen > 0) {
        this.flushWord(text, wLen, sliceable, wStart, upper);
        wLen = 0;
      }
      const out = norm.out;
      const kinds = norm.kinds;
      for (let k = 0; k < out.length; k++) {
        const kind = kinds[k];
        if (kind === KIND_WORD) {
          if (wLen === 0) {
            wStart = i;
            sliceable = norm.same;
            upper = false;
          } else if (sliceable && (!norm.same || wStart + wLen !== i)) sliceable = false;
          this.pushUnit(wLen++, out.charCodeAt(k), i, end);
        } else {
          if (wLen > 0) this.flushWord(text, wLen, sliceable, wStart, upper);
          wLen = 0;
          if (kind === KIND_PUNCT) {
            const c = out.codePointAt(k)!;
            const single = c > 0xffff ? out.slice(k, k + 2) : out[k];
            this.emitSingle(single, i, end);
            if (c > 0xffff) k++;
          }
        }
      }
      if (norm.isolate && wLen > 0) {
        this.flushWord(text, wLen, sliceable, wStart, upper);
        wLen = 0;
      }
      i = end;
    }
    if (wLen > 0) this.flushWord(text, wLen, sliceable, wStart, upper);
    const len = this.outLen;
    return {
      length: len,
      ids: this.outIds.slice(0, len),
      starts: this.outStarts.slice(0, len),
      ends: this.outEnds.slice(0, len),
    };
  }

  private pushUnit(k: number, unit: number, start: number, end: number): void {
    if (k >= this.wordUnits.length) {
      const size = this.wordUnits.length * 2;
      this.wordUnits = grow16(this.wordUnits, size);
      this.alignStart = grow32(this.alignStart, size);
      this.alignEnd = grow32(this.alignEnd, size);
    }
    this.wordUnits[k] = unit;
    this.alignStart[k] = start;
    this.alignEnd[k] = end;
  }

  private emit(id: number, start: number, end: number): void {
    const k = this.outLen;
    if (k >= this.outIds.length) {
      const size = this.outIds.length * 2;
      this.outIds = grow32(this.outIds, size);
      this.outStarts = grow32(this.outStarts, size);
      this.outEnds = grow32(this.outEnds, size);
    }
    this.outIds[k] = id;
    this.outStarts[k] = start;
    this.outEnds[k] = end;
    this.outLen = k + 1;
  }

  private emitSingle(ch: string, start: number, end: number): void {
    if (this.wordSink) return this.wordSink(ch);
    this.emit(this.model.pieces(ch)[0], start, end);
  }

  private flushWord(text: string, wLen: number, sliceable: boolean, wStart: number, upper: boolean): void {
    let word: string;
    if (sliceable) {
      word = text.slice(wStart, wStart + wLen);
      // Sliceable words differ from the original only by ASCII case, so toLowerCase is exact here.
      if (upper) word = word.toLowerCase();
    } else word = decodeUnits(this.wordUnits, wLen);
    if (this.wordSink) return this.wordSink(word);
    const pieces = this.model.pieces(word);
    const aS = this.alignStart;
    const aE = this.alignEnd;
    for (let p = 0; p < pieces.length; p += 3) {
      const s = pieces[p + 1];
      const e = pieces[p + 2] < 0 ? wLen : pieces[p + 2];
      this.emit(pieces[p], aS[s], aE[e - 1]);
    }
  }
}

function decodeUnits(units: Uint16Array, len: number): string {
  const CHUNK = 4096;
  if (len <= CHUNK) return String.fromCharCode.apply(null, units.subarray(0, len) as unknown as number[]);
  let s = '';
  for (let i = 0; i < len; i += CHUNK)
    s += String.fromCharCode.apply(null, units.subarray(i, Math.min(len, i + CHUNK)) as unknown as number[]);
  return s;
}

function grow32(a: Int32Array<ArrayBuffer>, size: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}

function grow16(a: Uint16Array<ArrayBuffer>, size: number): Uint16Array<ArrayBuffer> {
  const b = new Uint16Array(size);
  b.set(a);
  return b;
}
