// Choosing and checking the backend a run trains on: batch limits, a probe step, a fresh backend after
// a lost GPU device, and the next backend to offer when one fails.
import { probeTrainStep, type TrainData, type TrainableModel } from '../../core/train/index.js';
import type { BackendName, ModelInfo } from '../model-api.js';
import type { HandlerContext } from '../protocol.js';
import { checkBatchAgainstAdapter, type RunSetup, type StartResult } from '../train-api.js';
import { backendInfo, setBackend, tf } from './backend.js';
import { releaseAll } from './registry.js';

const PREFERENCE: BackendName[] = ['webgpu', 'wasm', 'cpu'];

export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function nextBackend(current: BackendName, available: BackendName[]): BackendName | null {
  return PREFERENCE.slice(PREFERENCE.indexOf(current) + 1).find((b) => available.includes(b)) ?? null;
}

/** Drops a backend whose GPU device was lost and registers its factory again, so the next use gets a fresh device. */
async function freshBackend(name: BackendName): Promise<void> {
  if (name !== 'webgpu') return;
  const factory = tf.findBackendFactory('webgpu');
  if (!factory) return;
  try {
    tf.removeBackend('webgpu');
  } catch {
    // the lost backend may fail to dispose; it is unusable either way
  }
  tf.registerBackend('webgpu', factory, 3);
}

async function useBackend(name: BackendName, fresh: boolean): Promise<void> {
  const info = await backendInfo();
  if (fresh) {
    try {
      releaseAll();
    } catch {
      // models on a lost device cannot be disposed cleanly
    }
    await freshBackend(name);
    await tf.setBackend(name);
    await setBackend(name);
    return;
  }
  if (info.current !== name) {
    releaseAll();
    await setBackend(name);
  }
}

/** Switches to the run's backend (a fresh one after a lost device); a refusal to offer the next backend, or null. */
export async function switchBackend(name: BackendName, fresh: boolean): Promise<StartResult | null> {
  try {
    await useBackend(name, fresh);
    return null;
  } catch (err) {
    return { kind: 'probe-failed', backend: name, reason: message(err), next: nextBackend(name, (await backendInfo()).available) };
  }
}

/** Resolves with why, once the current WebGPU device is lost; null on other backends. */
export function deviceLoss(backend: BackendName): Promise<string> | null {
  if (backend !== 'webgpu') return null;
  const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
  if (!device) return null;
  return device.lost.then((lost) => `the GPU device was lost (${lost.reason}${lost.message ? `: ${lost.message}` : ''})`);
}

export async function batchProblem(setup: RunSetup, config: ModelInfo['config']): Promise<StartResult | null> {
  if (setup.backend !== 'webgpu') return null;
  const h = setup.hyperparameters;
  const problem = checkBatchAgainstAdapter(config, h.batchSize, h.gradAccumSteps, setup.maxLength, (await backendInfo()).adapter);
  return problem ? { kind: 'batch-too-large', ...problem } : null;
}

export async function probeOrRefuse(model: TrainableModel, data: TrainData, setup: RunSetup, ctx: HandlerContext): Promise<StartResult | null> {
  ctx.progress(0, 1, `Probe step (forward + backward) on ${setup.backend}`);
  const why = await probeTrainStep(model, data, setup.hyperparameters.batchSize);
  if (!why) return null;
  return { kind: 'probe-failed', backend: setup.backend, reason: why, next: nextBackend(setup.backend, (await backendInfo()).available) };
}
