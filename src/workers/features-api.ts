import type { FeatureSetInfo } from '../core/storage/types.js';
import type { VocabCoverage } from '../core/tokenizer/index.js';
import type { AnswerPlacement, FeatureAudit, FeatureWindow, MismatchReason } from '../core/features/index.js';

/**
 * Where a vocabulary comes from: a URL (local asset or the Hugging Face Hub), a file the user picked, or
 * its text (the shipped demo vocabulary, a trained one); `key` identifies that text in feature-set keys.
 */
export type VocabSource =
  | { kind: 'url'; url: string; label: string }
  | { kind: 'file'; file: File; label: string }
  | { kind: 'text'; text: string; key: string; label: string };

export interface FeatureJob {
  datasetId: string;
  vocab: VocabSource;
  lowercase: boolean;
  maxLength: number;
  stride: number;
}

/** One window as the inspector draws it. Offsets are UTF-16 spans into the question or the context. */
export interface InspectedWindow extends FeatureWindow {
  tokens: string[];
  placement: AnswerPlacement;
  /** Context tokens this window shares with the previous one (the stride overlap). */
  overlapWithPrevious: number;
  /** The fully-inside label's span sliced from the context; null for (0, 0). */
  decoded: string | null;
  partialDecoded: string | null;
  match: boolean | null;
  reason: MismatchReason | null;
}

export interface InspectedExample {
  id: string;
  title: string;
  article: number;
  paragraph: number;
  question: string;
  context: string;
  /** All gold answers, as UTF-16 spans of the context; the first one is the training label's. */
  answers: { text: string; start: number; end: number }[];
  windows: InspectedWindow[];
  /** Position in the dataset, for stepping through it. */
  position: number;
  total: number;
}

export interface AuditResult {
  audit: FeatureAudit;
  examples: number;
}

/** Settings of the "Train a vocabulary" tool (Hugging Face WordPieceTrainer names in the panel). */
export interface VocabTrainSettings {
  vocabSize: number;
  minFrequency: number;
  limitAlphabet: number | null;
  lowercase: boolean;
}

/** A vocabulary trained in the studio, stored in IndexedDB with its text. */
export interface TrainedVocabInfo {
  id: string;
  name: string;
  createdAt: number;
  lowercase: boolean;
  /** Tokens in the vocabulary. */
  size: number;
  datasetName: string;
  settings: VocabTrainSettings;
  /** Distinct words and word occurrences it was trained on. */
  words: number;
  wordOccurrences: number;
  text: string;
}

/** Requests the features worker answers: tokenizing datasets into windows, inspecting and auditing them. */
export type FeaturesApi = {
  featurize: { payload: FeatureJob; result: { info: FeatureSetInfo; reused: boolean } };
  'feature-sets': { payload: null; result: FeatureSetInfo[] };
  'delete-feature-set': { payload: { key: string }; result: null };
  inspect: { payload: { job: FeatureJob; exampleId?: string; position?: number }; result: InspectedExample };
  audit: { payload: { job: FeatureJob }; result: AuditResult };
  'train-vocab': { payload: { datasetId: string; name: string; settings: VocabTrainSettings }; result: TrainedVocabInfo };
  vocabularies: { payload: null; result: TrainedVocabInfo[] };
  'delete-vocabulary': { payload: { id: string }; result: null };
  /** Coverage of a dataset's text by each vocabulary, in the order given. */
  'vocab-coverage': { payload: { datasetId: string; vocabs: { source: VocabSource; lowercase: boolean }[] }; result: VocabCoverage[] };
};
