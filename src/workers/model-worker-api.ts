import type { ModelApi } from './model-api.js';
import type { TrainApi } from './train-api.js';
import type { EvalApi } from './eval-api.js';
import type { ExportApi } from './export-api.js';
import type { PairApi } from './pair-api.js';

/** Everything the model worker answers: each feature adds its request kinds here. */
export type ModelWorkerApi = ModelApi & EvalApi & TrainApi & ExportApi & PairApi;
