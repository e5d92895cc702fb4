// The vocabulary the studio ships: trained from the built-in demo dataset with the settings below, so
// the demo, random-init models and the Playground work without any download. The tokens live in
// demo-vocab.generated.ts (written by scripts/make-demo-vocab.ts; demo-vocab.test.ts checks it).
import { DEMO_DATASET } from '../squad/demo.js';
import { squadTexts } from '../squad/texts.js';
import { DEFAULT_TRAINER_OPTIONS, trainWordPiece, vocabText, type TrainedVocabulary, type WordPieceTrainerOptions } from './train.js';
import { DEMO_VOCAB_TOKENS } from './demo-vocab.generated.js';

const PRINTABLE_ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).filter((c) => c !== ' ' && !/[A-Z]/.test(c));

/** Hugging Face BertWordPieceTokenizer defaults (uncased), plus printable ASCII so any English text has its characters. */
export const DEMO_VOCAB_OPTIONS: WordPieceTrainerOptions = { ...DEFAULT_TRAINER_OPTIONS, initialAlphabet: PRINTABLE_ASCII };

export function trainDemoVocab(): TrainedVocabulary {
  return trainWordPiece(squadTexts(DEMO_DATASET.data), DEMO_VOCAB_OPTIONS);
}

/** The shipped vocabulary as vocab.txt text (uncased). */
export const DEMO_VOCAB_TEXT = vocabText(DEMO_VOCAB_TOKENS);
export const DEMO_VOCAB_SIZE = DEMO_VOCAB_TOKENS.length;
