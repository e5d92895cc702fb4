export { ADAMW_DEFAULTS, AdamW, decaysWeight, type AdamWOptions, type AdamWState } from './adamw.js';
export { clipByGlobalNorm, clipCoefficient, globalNorm } from './clip.js';
export {
  HYPERPARAMETER_NAMES,
  SIZE_DEFAULTS,
  defaultHyperparameters,
  modelSizeOf,
  validateHyperparameters,
  type TrainHyperparameters,
} from './defaults.js';
export { rowCrossEntropy, weightedLossAndGrads, weightedQaLoss } from './loss.js';
export { SeededRng } from './rng.js';
export { linearWarmupDecay, scheduledLearningRate, warmupSteps } from './schedule.js';
export {
  TRAIN_OPTION_DEFAULTS,
  qaTrainData,
  Trainer,
  checkFeatures,
  evaluateLoss,
  resolveTrainOptions,
  stepsPerEpoch,
  totalTrainingSteps,
  type DataCursor,
  type StepMetrics,
  type TrainFeatures,
  type TrainOptions,
  type TrainerState,
} from './trainer.js';
export { profileTrainStep, type TrainStepProfile } from './profile.js';
export { probeTrainStep } from './probe.js';
export { type TrainBatch, type TrainData, type TrainableModel, evaluateDataLoss, lossAndGrads } from './task-data.js';
export { type RunEnd, type RunLoopHooks, type RunSummary, runTrainer } from './run-loop.js';
export { TRAINER_STATE_FILES, trainerStateFromFiles, trainerStateToFiles } from './state-files.js';
