/// <reference lib="webworker" />
import { serve } from './protocol.js';
import type { ModelApi } from './model-api.js';
import { modelHandlers } from './model/models.js';

// One worker holds tfjs and the models: loading, training and evaluation share the GPU device.
serve<ModelApi>(self, { ...modelHandlers });
