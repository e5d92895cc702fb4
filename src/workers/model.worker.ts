/// <reference lib="webworker" />
import { serve } from './protocol.js';
import type { ModelWorkerApi } from './model-worker-api.js';
import { modelHandlers } from './model/models.js';
import { trainHandlers } from './model/train.js';
import { evalHandlers } from './model/evaluate.js';
import { exportHandlers } from './model/trainer-export.js';
import { pairHandlers } from './model/pair.js';
import { pairExportHandlers } from './model/pair-export.js';

// One worker holds tfjs and the models: loading, training and evaluation share the GPU device.
serve<ModelWorkerApi>(self, { ...modelHandlers, ...evalHandlers, ...trainHandlers, ...exportHandlers, ...pairHandlers, ...pairExportHandlers });
