import type { AnswerCandidate, PlaygroundAnswer } from '../core/eval/index.js';

/** Window and post-processing settings of an evaluation; the inspector reuses maxLength/stride. */
export interface EvalSettings {
  maxLength: number;
  stride: number;
  batchSize: number;
  nBest: number;
  maxAnswerLength: number;
}

export interface EvalMetrics {
  /** Official SQuAD v1.1 numbers, 0-100. */
  exact_match: number;
  f1: number;
  total: number;
  /** Questions scored 1 by EM. */
  exactCount: number;
  /** Questions with F1 > 0. */
  overlapCount: number;
  byQuestionType: { type: string; count: number; exact_match: number; f1: number }[];
}

/** What the runs list shows; the per-question rows live in a separate record. */
export interface EvalRunInfo {
  kind: 'eval-run';
  id: string;
  modelId: string;
  modelLabel: string;
  datasetId: string;
  datasetName: string;
  settings: EvalSettings;
  metrics: EvalMetrics;
  windows: number;
  backend: string;
  millis: number;
  createdAt: number;
}

/** One question of a run. Spans are [start, end) UTF-16 indices of the question's context. */
export interface EvalRow {
  id: string;
  question: string;
  /** First word(s) of the question: "what", "how many", "other", ... */
  type: string;
  golds: string[];
  prediction: string;
  exact: number;
  /** 0..1. */
  f1: number;
  /** startLogit + endLogit; null when no span qualified (the JSON of -Infinity). */
  score: number | null;
  probability: number;
  start: number | null;
  end: number | null;
}

export interface EvalRun extends EvalRunInfo {
  rows: EvalRow[];
}

/** One window's logits for drawing over the inspector's tokens (which come from the features worker). */
export interface ExampleWindowLogits {
  inputIds: Int32Array;
  startLogits: Float32Array;
  endLogits: Float32Array;
}

export interface ExampleLogits {
  exampleId: string;
  windows: ExampleWindowLogits[];
  /** The span post-processing picks from these logits. */
  predicted: AnswerCandidate | null;
}

export interface EvaluateRequest {
  modelId: string;
  datasetId: string;
  settings: EvalSettings;
}

export interface AnswerRequest {
  modelId: string;
  context: string;
  question: string;
  maxLength: number;
  stride: number;
  topK: number;
}

/** Evaluation and the playground, answered by the model worker. */
export type EvalApi = {
  evaluate: { payload: EvaluateRequest; result: EvalRunInfo };
  'eval-runs': { payload: null; result: EvalRunInfo[] };
  'eval-run': { payload: { id: string }; result: EvalRun };
  'delete-eval-run': { payload: { id: string }; result: null };
  /** Logits of every window of one example, from the run's model with the run's settings. */
  'example-logits': { payload: { runId: string; exampleId: string }; result: ExampleLogits };
  answer: { payload: AnswerRequest; result: PlaygroundAnswer & { modelLabel: string; millis: number } };
};
