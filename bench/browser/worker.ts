// Runs the training benchmark in a dedicated worker on the studio's own backend setup (the same
// wasm paths and thread settings as the model worker), so the figures are what the app gets.
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { describeWasmKernels } from '../../src/core/model/fused/wasm-gemm.js';
import { setBackend, tf } from '../../src/workers/model/backend.js';
import { matmulGflops, measureTraining } from '../train/measure.js';
import { webgpuAdapterSummary } from '../train/webgpu-info.js';
import type { BenchRequest, BenchResponse, SetupInfo } from './protocol.js';

async function handle(req: BenchRequest): Promise<SetupInfo | unknown> {
  if (req.kind === 'measure') return measureTraining(req.config);
  const info = await setBackend(req.backend);
  return {
    backend: info.current,
    crossOriginIsolated: self.crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
    threads: req.backend === 'wasm' ? getThreadsCount() : 1,
    simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') as boolean,
    threadsSupported: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT') as boolean,
    studioKernels: req.backend === 'wasm' ? describeWasmKernels(tf.backend()) : 'n/a',
    matmulGflops: await matmulGflops(),
    adapter: req.backend === 'webgpu' ? (await webgpuAdapterSummary()).text : undefined,
  } satisfies SetupInfo;
}

self.onmessage = async (e: MessageEvent<BenchRequest>) => {
  const { id } = e.data;
  let msg: BenchResponse;
  try {
    msg = { id, ok: true, value: (await handle(e.data)) as SetupInfo };
  } catch (err) {
    msg = { id, ok: false, error: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err) };
  }
  self.postMessage(msg);
};
