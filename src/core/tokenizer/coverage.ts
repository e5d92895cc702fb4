import type { BertTokenizer } from './bert';

/** How well a vocabulary covers some text. */
export interface VocabCoverage {
  /** Pre-tokenized words (punctuation marks count as words, as BERT splits them). */
  words: number;
  tokens: number;
  unknownTokens: number;
  /** unknownTokens / tokens. */
  unknownRate: number;
  /** tokens / words. */
  piecesPerWord: number;
  /** Words split into more than one piece, as a share of all words. */
  splitRate: number;
}

/** Accumulates coverage over texts, with the tokenizer's own normalizer, pre-tokenizer and WordPiece. */
export class CoverageCounter {
  private words = 0;
  private tokens = 0;
  private unknown = 0;
  private split = 0;

  constructor(private readonly tokenizer: BertTokenizer) {}

  add(text: string): void {
    const model = this.tokenizer.model;
    this.tokenizer.words(text, (w) => {
      const pieces = model.pieces(w);
      const n = pieces.length / 3;
      this.words++;
      this.tokens += n;
      if (n > 1) this.split++;
      for (let p = 0; p < pieces.length; p += 3) if (pieces[p] === model.unkId) this.unknown++;
    });
  }

  result(): VocabCoverage {
    return {
      words: this.words,
      tokens: this.tokens,
      unknownTokens: this.unknown,
      unknownRate: this.tokens ? this.unknown / this.tokens : 0,
      piecesPerWord: this.words ? this.tokens / this.words : 0,
      splitRate: this.words ? this.split / this.words : 0,
    };
  }
}

export function vocabCoverage(tokenizer: BertTokenizer, texts: Iterable<string>): VocabCoverage {
  const c = new CoverageCounter(tokenizer);
  for (const t of texts) c.add(t);
  return c.result();
}
