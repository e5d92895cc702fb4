import type { BackendName } from './model-api.js';
import type { BertConfig } from '../core/model/pure.js';
import type { PaddingReport } from '../core/tasks/mrpc/padding.js';

// The model worker's sentence-pair (MRPC) requests: a training run through the core Trainer and run
// loop, its evaluation (glue/mrpc) and one-pair answers with saliency.

export interface PairRunSetup {
  trainPairsId: string;
  evalPairsId: string | null;
  /** A stored model: its vocabulary and config always; its weights when `init` is 'weights'. */
  modelId: string;
  /** 'random': a fresh BertForSequenceClassification of the model's config; 'weights': its encoder (and pooler), fresh classifier. */
  init: 'random' | 'weights';
  maxLength: number;
  learningRate: number;
  batchSize: number;
  epochs: number;
  /** Stop after this many optimizer steps (0: the epochs decide). */
  maxSteps: number;
  seed: number;
  groupByLength: boolean;
  /** Evaluate every N steps (0: only at the end). */
  evalEvery: number;
  backend?: BackendName;
}

export interface PairRunPoint {
  step: number;
  epoch: number;
  loss: number;
  lr: number;
  grad_norm: number;
}

export interface PairEvalPoint {
  step: number;
  accuracy: number;
  f1: number;
}

export interface PairRun {
  id: string;
  label: string;
  setup: PairRunSetup;
  modelLabel: string;
  config: BertConfig;
  trainName: string;
  evalName: string | null;
  status: 'running' | 'completed' | 'stopped' | 'failed';
  reason: string | null;
  step: number;
  totalSteps: number;
  pairs: number;
  truncated: number;
  padding: PaddingReport;
  points: PairRunPoint[];
  evals: PairEvalPoint[];
  backend: string;
  createdAt: number;
}

export interface PairPrediction {
  id: string;
  sentence1: string;
  sentence2: string;
  label: 0 | 1 | null;
  predicted: number;
  /** Probability of each label, in label order. */
  probabilities: number[];
}

export interface PairEvaluation {
  runId: string;
  datasetName: string;
  labels: string[];
  accuracy: number;
  f1: number;
  precision: number;
  recall: number;
  total: number;
  confusion: { tp: number; fp: number; tn: number; fn: number };
  rows: PairPrediction[];
  millis: number;
}

export interface PairAnswer {
  labels: string[];
  probabilities: number[];
  predicted: number;
  tokens: string[];
  tokenTypes: number[];
  /** Gradient x input of the predicted label's logit per token. */
  saliency: number[];
  /** Tokens of each sentence before and after truncation. */
  lengths: [number, number];
  kept: [number, number];
}

export type PairApi = {
  'pair-train': { payload: { setup: PairRunSetup }; result: PairRun };
  'pair-runs': { payload: null; result: PairRun[] };
  /** The run the setup describes as a zipped Python project for Hugging Face Trainer. */
  'pair-export': { payload: { setup: PairRunSetup; label: string }; result: { zip: Uint8Array; fileName: string; files: string[]; trainPairs: number; evalPairs: number } };
  /** The run in training now, with its points so far (null when none). */
  'pair-live': { payload: null; result: PairRun | null };
  'pair-delete': { payload: { runId: string }; result: null };
  'pair-evaluate': { payload: { runId: string; pairsId: string }; result: PairEvaluation };
  'pair-answer': { payload: { runId: string; sentence1: string; sentence2: string }; result: PairAnswer };
};
