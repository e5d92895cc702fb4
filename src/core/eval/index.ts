export {
  PREDICT_DEFAULTS,
  predictDataset,
  type ExampleDetail,
  type PredictInput,
  type PredictOptions,
  type PredictionResult,
  type WindowLogits,
} from './predict.js';
export {
  evaluateModel,
  questionType,
  type EvaluationReport,
  type QuestionResult,
  type QuestionTypeScore,
} from './evaluate.js';
export { answerQuestion, type AnswerOptions, type PlaygroundAnswer, type TokenProbability } from './answer.js';
export { runWindows, type InferenceOptions, type ProgressCallback, type QaModel, type RowsHandler } from './infer.js';
export type { AnswerCandidate } from '../features/index.js';
