import type { SquadQuestion } from '../squad/types.js';
import type { FeatureBatch } from '../features/types.js';

export type DatasetSourceKind = 'file' | 'url' | 'preset' | 'asset' | 'demo' | 'split';

export interface DatasetSource {
  kind: DatasetSourceKind;
  /** File name, URL, or parent dataset name, for the user to recognise. */
  detail: string;
}

/** The name and source of one half of a seeded split, the same for every kind of dataset. */
export function splitHalfLabel(parent: string, half: 'train' | 'eval', evalFraction: number, seed: number): { name: string; source: DatasetSource } {
  return {
    name: `${parent} · ${half} (seed ${seed})`,
    source: { kind: 'split', detail: `${parent}, ${Math.round(evalFraction * 100)}% eval, seed ${seed}` },
  };
}

export interface Histogram {
  /** Lower edge of each bin; the last bin is open-ended. */
  edges: number[];
  counts: number[];
}

export interface DatasetInfo {
  id: string;
  /** Hash of what featurizing reads (see paragraphsContentHash); absent on datasets stored before it existed. */
  contentHash?: string;
  name: string;
  source: DatasetSource;
  version: string;
  articles: number;
  paragraphs: number;
  questions: number;
  answers: number;
  /** Size of the stored text (contexts, questions, answers), in bytes of UTF-8. */
  bytes: number;
  createdAt: number;
  shardCount: number;
  hasImpossible: boolean;
  isDemo: boolean;
  titles: string[];
  /** Paragraph count of each article, in order: locates (article, paragraph) in the shards. */
  paragraphsPerArticle: number[];
  contextLengths: Histogram & { min: number; median: number; max: number };
}

/** One stored paragraph with its questions, located by article and paragraph index. */
export interface ParagraphRecord {
  article: number;
  paragraph: number;
  context: string;
  qas: SquadQuestion[];
}

export interface Shard {
  datasetId: string;
  index: number;
  paragraphs: ParagraphRecord[];
}

/** One row of a dataset's question list (what the browser's virtualised list shows). */
export interface QuestionRow {
  id: string;
  question: string;
  article: number;
  paragraph: number;
  answers: number;
  isImpossible: boolean;
}

export interface DatasetStore {
  listDatasets(): Promise<DatasetInfo[]>;
  getDataset(id: string): Promise<DatasetInfo | undefined>;
  /** Writes a dataset and all its shards in one transaction: all of it is stored, or none. */
  putDataset(info: DatasetInfo, shards: Shard[], signal?: AbortSignal): Promise<void>;
  /** Writes several datasets in one transaction (e.g. the two halves of a split). */
  putDatasets(items: { info: DatasetInfo; shards: Shard[] }[], signal?: AbortSignal): Promise<void>;
  renameDataset(id: string, name: string): Promise<DatasetInfo>;
  deleteDataset(id: string): Promise<void>;
  readShard(datasetId: string, index: number): Promise<Shard>;
}

/** Features of one dataset under one tokenizer and window setting; reused when asked for again. */
export interface FeatureSetInfo {
  /** featureSetKey(...): content of the data and vocabulary, casing, featurizer version, window settings. */
  key: string;
  /** The dataset it was first made from; any dataset with the same content hash shares it. */
  datasetId: string;
  /** Content hash of the data (absent on sets made before keys were content-hashed). */
  dataHash?: string;
  tokenizer: string;
  lowercase: boolean;
  maxLength: number;
  stride: number;
  examples: number;
  features: number;
  shardCount: number;
  /** Examples by number of windows: index k counts examples with k + 1 windows (last bucket open). */
  windowsPerExample: number[];
  createdAt: number;
  millis: number;
}

/** Windows made from one dataset shard, as typed arrays (stored as they are, structured-cloned). */
export interface FeatureShard {
  key: string;
  index: number;
  batch: FeatureBatch;
}
