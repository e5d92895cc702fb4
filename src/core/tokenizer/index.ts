export { BertTokenizer } from './bert';
export { WordPieceModel } from './wordpiece';
export { parseVocabText, tokenizerFromFileText, tokenizerFromJson, tokenizerFromVocab } from './load';
export type { VocabOptions } from './load';
export type { NormalizerOptions, TokenizedText, TokenizerConfig, WordPieceOptions } from './types';
export { DEFAULT_TRAINER_OPTIONS, WordCounter, bertWordSplitter, trainFromCounts, trainWordPiece, vocabText } from './train';
export type { TrainHooks, TrainProgress, TrainedVocabulary, WordPieceTrainerOptions } from './train';
export { DEMO_VOCAB_OPTIONS, DEMO_VOCAB_SIZE, DEMO_VOCAB_TEXT, trainDemoVocab } from './demo-vocab';
