// `npm run bench -- train`: training throughput per backend and BERT preset at sequence 384 in Node,
// next to PyTorch (CPU, same thread count) when python3 has torch and transformers.
//   BENCH_BACKENDS=wasm,cpu,webgpu   backends to run (default: all three; webgpu needs an adapter)
//   BENCH_CONFIGS=tiny:8,mini:8      preset[:batch] list for every backend (default: per backend, below)
//   BENCH_STEPS=2                    timed steps per config (after a warm-up and a profiled step)
//   BENCH_THREADS=N                  wasm threads (default: every core, as the CLI)
//   BENCH_SEQ=384                    tokens per window (a short one counts kernels of a big model quickly)
//   BENCH_TORCH=0                    skip PyTorch; BENCH_PYTHON picks the interpreter (default python3)
//   BENCH_TORCH_DEVICE=cpu|cuda      PyTorch's device for webgpu rows (default cuda on a hardware adapter)
//   BENCH_JSON=file                  also write the rows as JSON
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { describeWasmKernels } from '../../src/core/model/fused/wasm-gemm.js';
import { type BackendName, activeWasmThreads, parseThreads, setupBackend } from '../../cli/backend.js';
import { runTrainBench, type BackendPlan } from './driver.js';
import { SEQ_LENGTH, type TrainConfig, parseConfigs, positiveInt } from './measure.js';
import { webgpuAdapterSummary } from './webgpu-info.js';

/** What fits in a few minutes on two cores; a hardware GPU gets the GPU pack's configs. */
function defaultConfigs(backend: BackendName, hardwareGpu: boolean): string {
  if (backend === 'wasm') return 'tiny:8,mini:8,small:8';
  if (backend === 'cpu') return 'tiny:2';
  return hardwareGpu ? 'tiny:32,mini:32,small:32,base:16,base:32' : 'tiny:1';
}

function defaultSteps(backend: BackendName, hardwareGpu: boolean): number {
  return backend === 'webgpu' && hardwareGpu ? 5 : backend === 'wasm' ? 2 : 1;
}

function plan(backend: BackendName): BackendPlan {
  let hardwareGpu = false;
  return {
    name: backend,
    async setup() {
      await setupBackend(backend, { threads: parseThreads(process.env.BENCH_THREADS) });
      if (backend === 'wasm') {
        const threads = (await activeWasmThreads()) ?? 1;
        return { describe: `${threads} thread(s), ${describeWasmKernels(tf.backend())}`, torchDevice: 'cpu', torchThreads: threads };
      }
      if (backend === 'cpu') return { describe: 'plain JavaScript, 1 thread', torchDevice: 'cpu', torchThreads: 1 };
      const adapter = await webgpuAdapterSummary();
      hardwareGpu = !adapter.software;
      const torchDevice = (process.env.BENCH_TORCH_DEVICE as 'cpu' | 'cuda' | undefined) ?? (hardwareGpu ? 'cuda' : 'cpu');
      return { describe: adapter.text, torchDevice, torchThreads: torchDevice === 'cpu' ? availableParallelism() : undefined };
    },
    configs(): TrainConfig[] {
      const steps = positiveInt(process.env.BENCH_STEPS, defaultSteps(backend, hardwareGpu), 'BENCH_STEPS');
      return parseConfigs(process.env.BENCH_CONFIGS ?? defaultConfigs(backend, hardwareGpu), 8, steps, positiveInt(process.env.BENCH_SEQ, SEQ_LENGTH, 'BENCH_SEQ'));
    },
  };
}

export async function run(): Promise<void> {
  const names = (process.env.BENCH_BACKENDS ?? 'wasm,cpu,webgpu').split(',').map((s) => s.trim()) as BackendName[];
  const rows = await runTrainBench({
    backends: names.map(plan),
    torchScript: process.env.BENCH_TORCH === '0' ? null : fileURLToPath(new URL('./pytorch_train.py', import.meta.url)),
    python: process.env.BENCH_PYTHON ?? 'python3',
  });
  if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, `${JSON.stringify(rows, null, 1)}\n`);
}
