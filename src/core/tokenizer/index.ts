export { BertTokenizer } from './bert';
export { WordPieceModel } from './wordpiece';
export { parseVocabText, tokenizerFromFileText, tokenizerFromJson, tokenizerFromVocab } from './load';
export type { VocabOptions } from './load';
export type { NormalizerOptions, TokenizedText, TokenizerConfig, WordPieceOptions } from './types';
