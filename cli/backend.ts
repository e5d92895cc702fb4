import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { startWasmProductThreads } from '../src/core/model/fused/wasm-gemm.js';
import { relaxedSimd, simdKernels } from '../src/core/model/fused/wasm-simd.js';
import { stopProductThreads } from '../src/core/model/fused/wasm-threads.js';
import { candidateBackends, softwareAdapterReason, wasmThreadPlan, BACKEND_NAMES, type AdapterFacts, type BackendName } from '../src/core/backend/index.js';

export { BACKEND_NAMES, type BackendName };

export class BackendUnavailableError extends Error {
  constructor(readonly backend: BackendName, reason: string) {
    super(`backend "${backend}" is unavailable: ${reason}`);
    this.name = 'BackendUnavailableError';
  }
}

export function parseBackendName(value: string | undefined, fallback: BackendName = 'cpu'): BackendName {
  if (value === undefined) return fallback;
  if ((BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName;
  throw new Error(`--backend must be one of cpu, wasm, webgpu, got "${value}"`);
}

/**
 * `--backend` checked when a command starts, before it reads any file, so a misspelt name fails at
 * once; absent stays absent, for startBackend to choose the fastest.
 */
export function backendOption(value: string | undefined): BackendName | undefined {
  return value === undefined ? undefined : parseBackendName(value);
}

/** `--threads N` for the wasm backend: 0 or absent means every core. */
export function parseThreads(value: string | undefined): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--threads must be an integer >= 0 (0: every core), got "${value}"`);
  return n;
}

const SWIFTSHADER_HINT =
  'without a GPU, point Dawn at Chromium\'s SwiftShader before starting Node: ' +
  'LD_LIBRARY_PATH=/usr/lib/chromium VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json';

interface NodeGpuAdapter {
  info?: AdapterFacts;
  isFallbackAdapter?: boolean;
}
interface NodeGpu {
  requestAdapter(): Promise<NodeGpuAdapter | null>;
}

/**
 * Installs the `webgpu` package's Dawn bindings as the browser globals tfjs-backend-webgpu expects.
 * Returns why no adapter is available, or null when one is.
 */
export async function installNodeWebGpu(): Promise<string | null> {
  const g = globalThis as { navigator?: { gpu?: NodeGpu } };
  if (!g.navigator?.gpu) {
    let dawn: { create(flags: string[]): NodeGpu; globals: Record<string, unknown> };
    try {
      dawn = (await import('webgpu')) as unknown as typeof dawn;
    } catch (err) {
      return `the "webgpu" package could not be loaded (${err instanceof Error ? err.message : String(err)})`;
    }
    Object.assign(globalThis, dawn.globals);
    // Node 21+ defines a read-only navigator; defineProperty replaces it either way.
    Object.defineProperty(globalThis, 'navigator', {
      value: { ...(g.navigator ?? {}), gpu: dawn.create([]) },
      configurable: true,
      writable: true,
    });
  }
  const adapter = await g.navigator!.gpu!.requestAdapter();
  return adapter ? null : `no WebGPU adapter found; ${SWIFTSHADER_HINT}`;
}

/**
 * On Linux, Dawn reaches a GPU only through a Vulkan driver (an ICD manifest); without one, probing
 * would only print Dawn's "Couldn't load Vulkan" warning on every command.
 */
function mayHaveGpu(): boolean {
  if (process.platform !== 'linux' || process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES) return true;
  const dirs = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];
  return dirs.some((d) => {
    try {
      return readdirSync(d).some((f) => f.endsWith('.json'));
    } catch {
      return false;
    }
  });
}

/** The Node WebGPU adapter's description, or null when there is none. */
async function nodeAdapter(): Promise<AdapterFacts | null> {
  if (!mayHaveGpu() || (await installNodeWebGpu())) return null;
  const adapter = await (globalThis as unknown as { navigator: { gpu: NodeGpu } }).navigator.gpu.requestAdapter();
  if (!adapter) return null;
  const i = adapter.info;
  return { vendor: i?.vendor ?? '', architecture: i?.architecture ?? '', description: i?.description ?? '', device: i?.device ?? '', isFallbackAdapter: i?.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false };
}

/**
 * `--backend` when given; otherwise the fastest this machine has: WebGPU on a hardware adapter,
 * else multi-threaded wasm (a software adapter such as SwiftShader is never chosen).
 */
export async function chooseBackend(value: string | undefined): Promise<{ backend: BackendName; why: string }> {
  if (value !== undefined) return { backend: parseBackendName(value), why: 'from --backend' };
  const adapter = await nodeAdapter().catch(() => null);
  const software = softwareAdapterReason(adapter);
  const [backend] = candidateBackends(adapter && !software ? ['webgpu', 'wasm', 'cpu'] : ['wasm', 'cpu'], adapter);
  const why = backend === 'webgpu' ? `a hardware WebGPU adapter (${adapter!.vendor} ${adapter!.architecture})` : software ? `the fastest here (${software})` : 'the fastest here (no hardware WebGPU adapter)';
  return { backend, why };
}

const require = createRequire(import.meta.url);
const wasmPackage = () => dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
let wasmThreads = -1;

/**
 * tfjs-backend-wasm never starts threads in Node (its loader hands Node's worker_threads a blob: URL),
 * so the backend is registered here from the package's own Emscripten builds: the threaded SIMD build
 * with its pthread worker script on disk, or the SIMD build for one thread. tfjs sizes the pool from
 * half of os.cpus(), so that reads double while the module starts.
 */
async function registerWasm(threads: number): Promise<void> {
  // Node 20's V8 has relaxed SIMD behind a flag (on by default from Node 22 and in Chrome 114+): with
  // it the SIMD module's matrix product runs on fused multiply-adds, ~1.2x faster. Read when a
  // module is compiled, so setting it before the first one is early enough.
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const dir = wasmPackage();
  const threaded = threads > 1;
  const factoryPath = join(dir, 'wasm-out', threaded ? 'tfjs-backend-wasm-threaded-simd.js' : 'tfjs-backend-wasm.js');
  const binary = join(dir, 'dist', threaded ? 'tfjs-backend-wasm-threaded-simd.wasm' : 'tfjs-backend-wasm-simd.wasm');
  const factory = require(factoryPath) as (config: Record<string, unknown>) => Promise<Record<string, unknown> & { cwrap: (...a: unknown[]) => unknown }>;
  let workerPath = '';
  if (threaded) {
    const { wasmWorkerContents } = require(join(dir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string };
    workerPath = join(mkdtempSync(join(os.tmpdir(), 'bert-studio-wasm-')), 'pthread-worker.cjs');
    // The script is stored inside a template string: its "\n" escapes came out as newlines.
    writeFileSync(workerPath, wasmWorkerContents.replace(/\n/g, '\\n'));
  }
  const plan = wasmThreadPlan(threads);
  wasm.setThreadsCount(plan.threads);
  stopProductThreads();
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      const cpus = os.cpus;
      os.cpus = () => Array.from({ length: plan.reportedCores }, () => cpus()[0]);
      let module;
      try {
        module = await factory({
          locateFile: (file: string) => (file.endsWith('.worker.js') ? workerPath : file.endsWith('.wasm') ? binary : join(dir, 'wasm-out', file)),
          ...(threaded ? { mainScriptUrlOrBlob: factoryPath } : {}),
        });
      } finally {
        os.cpus = cpus;
      }
      // The same bindings tfjs-backend-wasm's own loader attaches.
      module.tfjs = {
        init: module.cwrap('init', null, []),
        initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
        getThreadsCount: module.cwrap('get_threads_count', 'number', []),
        registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
        disposeData: module.cwrap('dispose_data', null, ['number']),
        dispose: module.cwrap('dispose', null, []),
      };
      return new wasm.BackendWasm(module as unknown as ConstructorParameters<typeof wasm.BackendWasm>[0]);
    },
    2,
  );
}

/** `chooseBackend`, then `setupBackend`, then its report line on stderr: what every model-running command does first. */
export async function startBackend(flag: string | undefined, threads: number): Promise<BackendName> {
  const { backend, why } = await chooseBackend(flag);
  await setupBackend(backend, { threads });
  console.error(await backendReport(backend, why));
  return backend;
}

/** One line for the report: the active backend, its threads, and why it was chosen. */
export async function backendReport(backend: BackendName, why: string): Promise<string> {
  const threads = await activeWasmThreads();
  const simd = threads && simdKernels(tf.backend()) && relaxedSimd() ? 'relaxed SIMD' : 'SIMD';
  return `backend: ${backend}${threads ? ` (${threads} thread${threads > 1 ? 's' : ''}, ${simd})` : ''}, ${why}`;
}

/** Threads of the active wasm backend, or null when wasm is not active. */
export async function activeWasmThreads(): Promise<number | null> {
  if (tf.getBackend() !== 'wasm') return null;
  return (await import('@tensorflow/tfjs-backend-wasm')).getThreadsCount();
}

/**
 * Makes `name` the active tfjs backend in Node, importing and configuring it on first use.
 * wasm runs on `threads` threads (0: every core); asking for another count restarts it.
 */
export async function setupBackend(name: BackendName, options: { threads?: number } = {}): Promise<void> {
  const threads = name === 'wasm' ? Math.max(1, options.threads || os.availableParallelism()) : 0;
  if (tf.getBackend() === name && (name !== 'wasm' || threads === wasmThreads)) return;
  if (name === 'wasm' && threads !== wasmThreads) {
    await registerWasm(threads);
    wasmThreads = threads;
  } else if (name === 'webgpu') {
    const reason = await installNodeWebGpu();
    if (reason) throw new BackendUnavailableError(name, reason);
    await import('@tensorflow/tfjs-backend-webgpu');
  }
  let ok = false;
  try {
    ok = await tf.setBackend(name);
  } catch (err) {
    throw new BackendUnavailableError(name, err instanceof Error ? err.message : String(err));
  }
  if (!ok) throw new BackendUnavailableError(name, 'tf.setBackend returned false (see the warning above)');
  await tf.ready();
  if (name === 'wasm' && threads > 1) await startWasmProductThreads(tf.backend(), threads - 1, spawnHelper);
}

/** A worker_threads helper for the wasm product that does not keep the process alive. */
function spawnHelper(source: string): Worker {
  const worker = new Worker(source, { eval: true });
  worker.unref();
  return worker;
}
