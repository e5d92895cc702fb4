import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { AdapterInfo, BackendInfo, BackendName } from '../model-api.js';
import { StudioError } from '../protocol.js';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
});

const PREFERENCE: BackendName[] = ['webgpu', 'wasm', 'cpu'];
let info: BackendInfo | null = null;

async function adapterInfo(): Promise<AdapterInfo | null> {
  const gpu = (self.navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return null;
  const adapter = await gpu.requestAdapter();
  if (!adapter) return null;
  const i = adapter.info;
  return {
    vendor: i?.vendor ?? '',
    architecture: i?.architecture ?? '',
    description: i?.description ?? '',
    limits: {
      maxBufferSize: adapter.limits.maxBufferSize,
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: adapter.limits.maxComputeInvocationsPerWorkgroup,
    },
    features: [...adapter.features].sort(),
  };
}

/** Tries a backend with a tiny computation, so "available" means it really ran here. */
async function tryBackend(name: BackendName): Promise<string | null> {
  try {
    if (!(await tf.setBackend(name))) return 'it did not initialise';
    await tf.ready();
    const sum = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).sum());
    const v = (await sum.data())[0];
    sum.dispose();
    return v === 10 ? null : 'it computed a wrong result';
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Finds what works (webgpu first, then wasm, then cpu) and leaves the best one selected. */
export async function backendInfo(): Promise<BackendInfo> {
  if (info) return info;
  const available: BackendName[] = [];
  const unavailable: BackendInfo['unavailable'] = {};
  const adapter = await adapterInfo().catch(() => null);
  for (const name of PREFERENCE) {
    if (name === 'webgpu' && !adapter) {
      unavailable.webgpu = 'this browser offers no WebGPU adapter (in Chrome, WebGPU needs a supported GPU or the --enable-unsafe-webgpu flag)';
      continue;
    }
    const why = await tryBackend(name);
    if (why) unavailable[name] = why;
    else available.push(name);
  }
  const current = available[0] ?? 'cpu';
  await tf.setBackend(current);
  info = { current, available, unavailable, adapter };
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
