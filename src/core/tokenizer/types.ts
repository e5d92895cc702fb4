/** BertNormalizer settings, as in a Hugging Face tokenizer.json. */
export interface NormalizerOptions {
  cleanText: boolean;
  handleChineseChars: boolean;
  /** null follows `lowercase`, as in Hugging Face. */
  stripAccents: boolean | null;
  lowercase: boolean;
}

export interface WordPieceOptions {
  unkToken: string;
  continuingSubwordPrefix: string;
  maxInputCharsPerWord: number;
}

export interface TokenizerConfig {
  normalizer: NormalizerOptions;
  wordPiece: WordPieceOptions;
  clsToken: string;
  sepToken: string;
  padToken: string;
}

/**
 * Tokens of one string, without special tokens. Offsets are [start, end) UTF-16 indices into the
 * original (un-normalized) string.
 */
export interface TokenizedText {
  length: number;
  ids: Int32Array;
  starts: Int32Array;
  ends: Int32Array;
}
