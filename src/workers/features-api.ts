import type { FeatureSetInfo } from '../core/storage/types.js';
import type { VocabCoverage } from '../core/tokenizer/index.js';
import type { AnswerPlacement, FeatureAudit, FeatureWindow, MismatchReason } from '../core/features/index.js';
import type { RowPlacement } from '../core/features/batcher.js';
import type { SentenceToken } from '../core/tasks/mrpc/inspect.js';
import type { PairLabel } from '../core/tasks/mrpc/types.js';

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

/** How the Trainer would batch a pair dataset (its TrainOptions), and which epoch to look at (0-based). */
export interface PairBatching {
  batchSize: number;
  seed: number;
  shuffle: boolean;
  groupByLength: boolean;
  epoch: number;
}

/** One pair of a stored pair dataset, tokenized as the pair featurizer does at `maxLength`. */
export interface PairInspectJob {
  pairsId: string;
  vocab: VocabSource;
  lowercase: boolean;
  maxLength: number;
  batching: PairBatching;
}

/** A pair's batch in the chosen epoch: the placement, with its rows named by id and their lengths. */
export interface InspectedPairBatch extends RowPlacement {
  epoch: number;
  rowIds: string[];
  rowLengths: number[];
  longestRowId: string;
}

export interface InspectedPair {
  id: string;
  pairId?: string;
  label: PairLabel;
  sentence1: string;
  sentence2: string;
  /** Position in the dataset, for stepping through it. */
  position: number;
  total: number;
  /** `[CLS] s1 [SEP] s2 [SEP]` after truncation: tokens, token types, sentence of each (null on specials), offsets into that sentence. */
  tokens: string[];
  tokenIds: number[];
  tokenTypes: number[];
  sequenceIds: (0 | 1 | null)[];
  offsets: [number, number][];
  /** Each sentence's tokens before truncation; those from `kept[s]` on are dropped. */
  sentences: [SentenceToken[], SentenceToken[]];
  lengths: [number, number];
  kept: [number, number];
  batch: InspectedPairBatch;
  /** Rows of the dataset that truncation shortens at this max_length. */
  truncatedRows: number;
}

export interface PairMatch {
  id: string;
  sentence1: string;
  sentence2: string;
  label: PairLabel;
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
  /** One pair: its tokens, what truncation cut, and the padding of its batch. */
  'pair-inspect': { payload: { job: PairInspectJob; rowId?: string; position?: number }; result: InspectedPair };
  /** Pairs whose row id, pair id or sentences match the query, the first `limit` of them. */
  'pair-search': { payload: { pairsId: string; query: string; limit: number }; result: { matches: PairMatch[]; total: number } };
  'vocab-coverage': { payload: { datasetId: string; vocabs: { source: VocabSource; lowercase: boolean }[] }; result: VocabCoverage[] };
};
