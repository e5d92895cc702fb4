import type { BackendName } from './model-api.js';
import type { BertConfig } from '../core/model/pure.js';
import type { PaddingReport } from '../core/tasks/mrpc/padding.js';
import { defaultHyperparameters } from '../core/train/pure.js';
import type { RunSetup } from './train-api.js';

// The model worker's sentence-pair (MRPC) requests beside the training runs (train-api.ts, task 'mrpc'):
// the trained classifiers, their evaluation (glue/mrpc) and one-pair answers with saliency.

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
  /** Evaluate every N steps (0: at the end of each epoch), and always at the end. */
  evalEvery: number;
  /** Checkpoint every N steps (0: only on pause, stop and page hide). */
  checkpointEvery?: number;
  backend?: BackendName;
}

/** The sentence-pair form as a run setup: the model size's defaults for what the form does not set, as the QA form has them. */
export function pairRunSetup(p: PairRunSetup, config: Pick<BertConfig, 'hidden_size'>, backend: BackendName): RunSetup {
  return {
    task: 'mrpc',
    trainDatasetId: p.trainPairsId,
    evalDatasetId: p.evalPairsId,
    modelId: p.modelId,
    hyperparameters: { ...defaultHyperparameters(config), learningRate: p.learningRate, batchSize: p.batchSize, epochs: p.epochs, maxSteps: p.maxSteps, seed: p.seed },
    maxLength: p.maxLength,
    stride: 0,
    evalEvery: p.evalEvery,
    checkpointEvery: p.checkpointEvery ?? 0,
    backend: p.backend ?? backend,
    pair: { init: p.init, groupByLength: p.groupByLength },
  };
}

/** A sentence-pair run's setup in the form's terms (what its stored classifier records). */
export function pairSetupOfRun(s: RunSetup): PairRunSetup {
  const h = s.hyperparameters;
  return {
    trainPairsId: s.trainDatasetId,
    evalPairsId: s.evalDatasetId,
    modelId: s.modelId,
    init: s.pair?.init ?? 'random',
    maxLength: s.maxLength,
    learningRate: h.learningRate,
    batchSize: h.batchSize,
    epochs: h.epochs,
    maxSteps: h.maxSteps,
    seed: h.seed,
    groupByLength: s.pair?.groupByLength ?? false,
    evalEvery: s.evalEvery,
    checkpointEvery: s.checkpointEvery,
    backend: s.backend,
  };
}

export interface PairEvalPoint {
  step: number;
  accuracy: number;
  f1: number;
}

/** A trained sentence-pair classifier (a finished run or an imported Trainer folder): what Evaluate and the Playground use. */
export interface PairRun {
  /** A studio run's classifier has its run's id; its curves are that run's metrics. */
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
  /** The pair dataset scored, so a row of it can be opened elsewhere (the Feature Inspector). */
  pairsId: string;
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
  'pair-runs': { payload: null; result: PairRun[] };
  /** The run the setup describes as a zipped Python project for Hugging Face Trainer. */
  'pair-export': { payload: { setup: PairRunSetup; label: string }; result: { zip: Uint8Array; fileName: string; files: string[]; trainPairs: number; evalPairs: number } };
  'pair-delete': { payload: { runId: string }; result: null };
  'pair-evaluate': { payload: { runId: string; pairsId: string }; result: PairEvaluation };
  'pair-answer': { payload: { runId: string; sentence1: string; sentence2: string }; result: PairAnswer };
};
