import { connect, type Client } from './protocol.js';
import type { DataApi } from './data-api.js';
import type { FeaturesApi } from './features-api.js';
import type { ModelWorkerApi } from './model-worker-api.js';

let data: Client<DataApi> | null = null;

/** The one data worker of the page: parsing, storage and browsing happen there, off the main thread. */
export function dataWorker(): Client<DataApi> {
  if (!data) data = connect<DataApi>(new Worker(new URL('./data.worker.ts', import.meta.url), { type: 'module', name: 'data' }));
  return data;
}

let features: Client<FeaturesApi> | null = null;

/** Tokenizing, inspecting and auditing run in their own worker, so a long featurization never delays browsing. */
export function featuresWorker(): Client<FeaturesApi> {
  if (!features) features = connect<FeaturesApi>(new Worker(new URL('./features.worker.ts', import.meta.url), { type: 'module', name: 'features' }));
  return features;
}

let model: Client<ModelWorkerApi> | null = null;

export function modelWorker(): Client<ModelWorkerApi> {
  if (!model) model = connect<ModelWorkerApi>(new Worker(new URL('./model.worker.ts', import.meta.url), { type: 'module', name: 'model' }));
  return model;
}
