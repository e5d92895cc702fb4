import { connect, type Api, type Client, type WorkerError } from './protocol.js';
import type { DataApi } from './data-api.js';
import type { FeaturesApi } from './features-api.js';
import type { ModelWorkerApi } from './model-worker-api.js';

export type WorkerName = 'data' | 'features' | 'model';

interface Slot<A extends Api> {
  worker: Worker | null;
  client: Client<A> | null;
  create(): Worker;
}

// `new Worker(new URL(..., import.meta.url))` must stay literal for the bundler to find each entry point.
const slots = {
  data: { worker: null, client: null, create: () => new Worker(new URL('./data.worker.ts', import.meta.url), { type: 'module', name: 'data' }) } as Slot<DataApi>,
  features: {
    worker: null,
    client: null,
    create: () => new Worker(new URL('./features.worker.ts', import.meta.url), { type: 'module', name: 'features' }),
  } as Slot<FeaturesApi>,
  model: { worker: null, client: null, create: () => new Worker(new URL('./model.worker.ts', import.meta.url), { type: 'module', name: 'model' }) } as Slot<ModelWorkerApi>,
};

type FailureListener = (name: WorkerName, err: WorkerError) => void;
type RestartListener = (name: WorkerName) => void;
const failureListeners = new Set<FailureListener>();
const restartListeners = new Set<RestartListener>();

function client<A extends Api>(name: WorkerName, slot: Slot<A>): Client<A> {
  if (!slot.client) {
    slot.worker = slot.create();
    const c = connect<A>(slot.worker, name);
    c.onFailure((err) => failureListeners.forEach((l) => l(name, err)));
    slot.client = c;
  }
  return slot.client;
}

/** The one data worker of the page: parsing, storage and browsing happen there, off the main thread. */
export function dataWorker(): Client<DataApi> {
  return client('data', slots.data);
}

/** Tokenizing, inspecting and auditing run in their own worker, so a long featurization never delays browsing. */
export function featuresWorker(): Client<FeaturesApi> {
  return client('features', slots.features);
}

export function modelWorker(): Client<ModelWorkerApi> {
  return client('model', slots.model);
}

/** Tells the listener when a worker fails to load or crashes (its pending calls have been rejected). */
export function onWorkerFailure(listener: FailureListener): () => void {
  failureListeners.add(listener);
  return () => failureListeners.delete(listener);
}

/** Tells the listener when a worker has been replaced by a fresh one, so long-lived calls can be renewed. */
export function onWorkerRestart(listener: RestartListener): () => void {
  restartListeners.add(listener);
  return () => restartListeners.delete(listener);
}

/** Replaces a failed worker by a fresh one; stored data is untouched, work in progress is not recovered. */
export function restartWorker(name: WorkerName): void {
  const slot = slots[name] as Slot<Api>;
  slot.worker?.terminate();
  slot.worker = null;
  slot.client = null;
  client(name, slot);
  restartListeners.forEach((l) => l(name));
}
