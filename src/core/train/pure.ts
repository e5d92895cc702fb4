// The training module's tensor-free surface (hyperparameter defaults and checks): what the page imports.
export { SIZE_DEFAULTS, defaultHyperparameters, modelSizeOf, validateHyperparameters, type TrainHyperparameters } from './defaults.js';
export { linearWarmupDecay, scheduledLearningRate, stepsPerEpoch, totalTrainingSteps, warmupSteps } from './schedule.js';
export { SeededRng } from './rng.js';
