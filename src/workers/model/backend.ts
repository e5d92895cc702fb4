import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { defaultBackend, softwareAdapterReason, wasmThreadPlan } from '../../core/backend/index.js';
import { startWasmProductThreads } from '../../core/model/fused/wasm-gemm.js';
import { relaxedSimd } from '../../core/model/fused/wasm-simd.js';
import type { AdapterInfo, BackendInfo, BackendName } from '../model-api.js';
import { StudioError } from '../protocol.js';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
});
const threadPlan = wasmThreadPlan(self.navigator.hardwareConcurrency);
setThreadsCount(threadPlan.threads);

const ORDER: BackendName[] = ['webgpu', 'wasm', 'cpu'];
let info: BackendInfo | null = null;
// Panels ask at once on load; one probe answers them all (two concurrent wasm initialisations break it).
let probing: Promise<BackendInfo> | null = null;

async function adapterInfo(): Promise<AdapterInfo | null> {
  const gpu = (self.navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return null;
  const adapter = await gpu.requestAdapter();
  if (!adapter) return null;
  const i = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const fallback = i?.isFallbackAdapter ?? (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter ?? false;
  return {
    vendor: i?.vendor ?? '',
    architecture: i?.architecture ?? '',
    description: i?.description ?? '',
    device: i?.device ?? '',
    isFallbackAdapter: fallback,
    limits: {
      maxBufferSize: adapter.limits.maxBufferSize,
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: adapter.limits.maxComputeInvocationsPerWorkgroup,
    },
    features: [...adapter.features].sort(),
  };
}

let helperUrl: string | null = null;

/** A web worker running the product helper's script (a blob URL, same origin, so COEP admits it). */
function spawnHelper(source: string): Worker {
  helperUrl ??= URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  return new Worker(helperUrl);
}

/**
 * tfjs-backend-wasm sizes its thread pool from half of navigator.hardwareConcurrency, read once when its
 * module starts; it sees the doubled count for that moment so every core gets a thread. The SIMD
 * product gets helper threads of its own on the threaded build, one fewer than tfjs's pool (this
 * worker is the first).
 */
async function initialiseWasm(): Promise<boolean> {
  const nav = self.navigator as Navigator & { hardwareConcurrency: number };
  Object.defineProperty(nav, 'hardwareConcurrency', { value: threadPlan.reportedCores, configurable: true });
  let ok: boolean;
  try {
    ok = await tf.setBackend('wasm');
  } finally {
    delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency;
  }
  // Without helpers the product runs on this thread alone: slower, still correct.
  if (ok) await startWasmProductThreads(tf.backend(), getThreadsCount() - 1, spawnHelper).catch((err) => console.warn('wasm product helper threads did not start:', err));
  return ok;
}

/** Tries a backend with a tiny computation, so "available" means it really ran here. */
async function tryBackend(name: BackendName): Promise<string | null> {
  try {
    if (!(await (name === 'wasm' ? initialiseWasm() : tf.setBackend(name)))) return 'it did not initialise';
    await tf.ready();
    const sum = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).sum());
    const v = (await sum.data())[0];
    sum.dispose();
    return v === 10 ? null : 'it computed a wrong result';
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Finds what works and leaves the default selected: hardware WebGPU, then wasm, then cpu; never a software adapter. */
export async function backendInfo(): Promise<BackendInfo> {
  if (info) return info;
  probing ??= probe().finally(() => (probing = null));
  return probing;
}

async function probe(): Promise<BackendInfo> {
  const available: BackendName[] = [];
  const unavailable: BackendInfo['unavailable'] = {};
  const adapter = await adapterInfo().catch(() => null);
  for (const name of ORDER) {
    if (name === 'webgpu' && !adapter) {
      unavailable.webgpu = 'this browser offers no WebGPU adapter (in Chrome, WebGPU needs a supported GPU or the --enable-unsafe-webgpu flag)';
      continue;
    }
    const why = await tryBackend(name);
    if (why) unavailable[name] = why;
    else available.push(name);
  }
  const recommended = defaultBackend({ available, adapter });
  await tf.setBackend(recommended);
  info = {
    current: recommended,
    recommended,
    available,
    unavailable,
    adapter,
    softwareAdapter: softwareAdapterReason(adapter),
    wasmThreads: available.includes('wasm') ? getThreadsCount() : null,
    wasmRelaxedSimd: available.includes('wasm') && relaxedSimd(),
    crossOriginIsolated: self.crossOriginIsolated === true,
  };
  return info;
}

export async function setBackend(name: BackendName): Promise<BackendInfo> {
  const i = await backendInfo();
  if (!i.available.includes(name)) throw new StudioError('unavailable', `The ${name} backend is not available here: ${i.unavailable[name] ?? 'unknown reason'}.`);
  await tf.setBackend(name);
  info = { ...i, current: name };
  return info;
}

export { tf };
