/**
 * Helper threads for the SIMD module's kernels on tfjs-wasm's threaded build: the matrix product
 * first (hence the names), and the row-wise kernels. Each helper instantiates the same compiled
 * module on the same shared memory and sleeps on a control block; a job hands each thread a range
 * (slices, columns or rows), runs its own range, and waits for the others. The caller must be
 * allowed to block (Node, or a worker in the browser; never a page's main thread).
 */
import { memoryOf, type SimdKernels } from './wasm-simd.js';

/** What the embedder's worker constructor returns (Node's worker_threads.Worker or a web Worker). */
export interface HelperThread {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

/** Starts a thread running `source` (classic script; in Node, CommonJS with `require`). */
export type SpawnHelper = (source: string) => HelperThread;

// Control block, in Int32 slots: generation, pending helpers, ready helpers, stop flag, failed
// helpers (a share that threw: 1 + its index). Then, per helper, in Float64 slots: the index of the
// function to run (-1: none this time) and its arguments.
const GEN = 0;
const PENDING = 1;
const READY = 2;
const STOP = 3;
const FAILED = 4;
const HEADER_BYTES = 24;
const SLOTS = 24;

/**
 * Checks of the control block before a thread sleeps (~0.1-0.3 ms): a sleeping thread takes
 * 0.1 ms or more to wake on a virtual machine, and a training step hands out hundreds of jobs.
 */
const SPINS = 100_000;

/** The SIMD module's functions a helper can run, by index. */
export const PARALLEL_FUNCTIONS = ['gemm', 'attentionProbs', 'attentionProbsGrad', 'biasGelu', 'biasGeluGrad', 'embeddingGrad', 'layerNorm', 'addArrays', 'residualDropout', 'dropoutGrad', 'adamw'] as const;
export type ParallelFunction = (typeof PARALLEL_FUNCTIONS)[number];

/** The helper's whole program: wait for a generation, run its share, count down, repeat. */
const HELPER_SOURCE = `
const receive = (handler) => {
  if (typeof require === 'function') require('node:worker_threads').parentPort.once('message', handler);
  else self.onmessage = (e) => handler(e.data);
};
receive(({ module, memory, control, index }) => {
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const fns = ${JSON.stringify(PARALLEL_FUNCTIONS)}.map((name) => exports[name]);
  const ctl = new Int32Array(control);
  const slots = new Float64Array(control, ${HEADER_BYTES} + index * ${8 * SLOTS}, ${SLOTS});
  Atomics.add(ctl, ${READY}, 1);
  Atomics.notify(ctl, ${READY});
  let seen = 0;
  for (;;) {
    for (let i = 0; i < ${SPINS} && Atomics.load(ctl, ${GEN}) === seen; i++);
    // A wait can return with nothing new (a spurious wake): running the last share again would
    // count down twice and leave the caller waiting forever.
    while (Atomics.load(ctl, ${GEN}) === seen) Atomics.wait(ctl, ${GEN}, seen);
    if (Atomics.load(ctl, ${STOP})) return;
    seen = Atomics.load(ctl, ${GEN});
    const fn = slots[0];
    try {
      if (fn >= 0) fns[fn](...slots.subarray(1, 1 + fns[fn].length));
    } catch (err) {
      // Counted down all the same: the caller must not wait forever; it reads the flag and throws.
      Atomics.store(ctl, ${FAILED}, 1 + index);
      console.error(err);
    }
    if (Atomics.sub(ctl, ${PENDING}, 1) === 1) Atomics.notify(ctl, ${PENDING});
  }
});
`;

interface Pool {
  helpers: HelperThread[];
  control: Int32Array;
  slots: Float64Array[];
  /** Scratch of each helper in the wasm heap. */
  scratch: number[];
}

const pools = new Map<WebAssembly.Memory, Pool>();

/** Elementwise jobs give each thread at least this many elements (handing out a job costs microseconds). */
export const ELEMENTS_PER_THREAD = 1 << 16;

/** Below this many multiply-adds a product runs on one thread. */
const MIN_PARALLEL_MACS = 1 << 19;

/**
 * Starts `count` helpers for the product on `memory` (a shared memory) with the compiled SIMD
 * module; `malloc` gives each its scratch. Resolves once all are running; stops any earlier pool.
 */
export async function startProductThreads(
  memory: WebAssembly.Memory,
  module: WebAssembly.Module,
  scratchBytes: number,
  malloc: (bytes: number) => number,
  count: number,
  spawn: SpawnHelper,
): Promise<void> {
  stopProductThreads();
  if (count < 1) return;
  if (!(memory.buffer instanceof SharedArrayBuffer)) throw new Error('product threads need the threaded (shared-memory) wasm build');
  const scratch = Array.from({ length: count }, () => malloc(scratchBytes));
  if (scratch.some((at) => !at)) throw new Error('product threads: no memory left for their scratch');
  const shared = new SharedArrayBuffer(HEADER_BYTES + count * 8 * SLOTS);
  const control = new Int32Array(shared);
  const helpers: HelperThread[] = [];
  try {
    for (let index = 0; index < count; index++) {
      const helper = spawn(HELPER_SOURCE);
      helpers.push(helper);
      helper.postMessage({ module, memory, control: shared, index });
    }
    const deadline = Date.now() + 20_000;
    while (Atomics.load(control, READY) < count) {
      if (Date.now() > deadline) throw new Error(`product threads: ${Atomics.load(control, READY)} of ${count} started within 20 s`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  } catch (err) {
    for (const h of helpers) h.terminate();
    throw err;
  }
  const slots = helpers.map((_, i) => new Float64Array(shared, HEADER_BYTES + i * 8 * SLOTS, SLOTS));
  pools.set(memory, { helpers, control, slots, scratch });
}

/** Stops every helper thread (the wasm backend is being replaced). */
export function stopProductThreads(): void {
  for (const pool of pools.values()) {
    Atomics.store(pool.control, STOP, 1);
    Atomics.add(pool.control, GEN, 1);
    Atomics.notify(pool.control, GEN);
    for (const h of pool.helpers) h.terminate();
  }
  pools.clear();
}

/** Threads a job on these kernels' memory can use: the caller and its helpers. */
export function threadsFor(k: SimdKernels): number {
  return (pools.get(memoryOf(k))?.helpers.length ?? 0) + 1;
}

/**
 * Runs `fn` once per argument list, the first on this thread and the rest on helpers, and returns
 * when all are done. At most threadsFor(k) lists.
 */
export function runParallel(k: SimdKernels, fn: ParallelFunction, parts: number[][]): void {
  const pool = pools.get(memoryOf(k));
  const run = (args: number[]) => (k[fn] as (...a: number[]) => void)(...args);
  if (!pool || parts.length < 2) return parts.forEach(run);
  if (parts.length > pool.helpers.length + 1) throw new Error(`runParallel: ${parts.length} parts for ${pool.helpers.length + 1} threads`);
  const index = PARALLEL_FUNCTIONS.indexOf(fn);
  pool.slots.forEach((slot, h) => {
    const args = parts[h + 1];
    slot[0] = args ? index : -1;
    if (args) slot.set(args, 1);
  });
  Atomics.store(pool.control, PENDING, pool.helpers.length);
  Atomics.add(pool.control, GEN, 1);
  Atomics.notify(pool.control, GEN);
  try {
    run(parts[0]);
  } finally {
    // Even when this thread's share threw: the helpers must be done before the memory is reused.
    for (let i = 0; i < SPINS && Atomics.load(pool.control, PENDING) !== 0; i++);
    for (let left = Atomics.load(pool.control, PENDING); left > 0; left = Atomics.load(pool.control, PENDING)) {
      Atomics.wait(pool.control, PENDING, left);
    }
  }
  if (Atomics.load(pool.control, PENDING) < 0) throw new Error(`wasm ${fn}: the helper threads counted down more shares than were handed out`);
  const failed = Atomics.exchange(pool.control, FAILED, 0);
  if (failed) throw new Error(`wasm ${fn}: helper thread ${failed} failed on its share (its error is in the console); the result is incomplete`);
}

/** [start, end) of part p when `units` are split into `parts` nearly equal runs. */
export function share(units: number, parts: number, p: number): [number, number] {
  return [Math.floor((units * p) / parts), Math.floor((units * (p + 1)) / parts)];
}

/**
 * A row-wise job split by rows among the threads of k's memory: `args(r0, r1)` gives the arguments
 * for rows [r0, r1). Each thread gets at least `minRows` rows.
 */
export function runRows(k: SimdKernels, fn: ParallelFunction, rows: number, minRows: number, args: (r0: number, r1: number) => number[]): void {
  const parts = Math.max(1, Math.min(threadsFor(k), Math.floor(rows / minRows)));
  runParallel(k, fn, Array.from({ length: parts }, (_, p) => args(...share(rows, parts, p))));
}

/**
 * A job split by columns in multiples of 4 (one SIMD vector): `args(c0, c1)` gives the arguments for
 * columns [c0, c1). For sums down columns, which stay in row order on any thread count.
 */
export function runColumns(k: SimdKernels, fn: ParallelFunction, columns: number, args: (c0: number, c1: number) => number[]): void {
  const vectors = Math.ceil(columns / 4);
  const parts = Math.max(1, Math.min(threadsFor(k), Math.floor(vectors / 16)));
  runParallel(k, fn, Array.from({ length: parts }, (_, p) => {
    const [v0, v1] = share(vectors, parts, p);
    return args(4 * v0, Math.min(columns, 4 * v1));
  }));
}

/** The arguments of SimdKernels.gemm, in order. */
export type GemmArgs = Parameters<SimdKernels['gemm']>;
const S0 = 14;
const S1 = 15;
const J0 = 16;
const J1 = 17;
const SCRATCH = 18;

/**
 * Runs one product (args as for k.gemm over every slice and column) on this thread and the helpers
 * of k's memory: slices split among them when there are enough, else columns in multiples of 8.
 */
export function runProduct(k: SimdKernels, args: GemmArgs): void {
  const pool = pools.get(memoryOf(k));
  const [slices, N, M, K] = [args[S1], args[J1], args[12], args[13]];
  if (!pool || slices * M * N * Math.max(K, 1) < MIN_PARALLEL_MACS) return k.gemm(...args);
  const threads = pool.helpers.length + 1;
  const bySlice = slices >= threads;
  const units = bySlice ? slices : Math.ceil(N / 8);
  const parts = Math.min(threads, units);
  runParallel(k, 'gemm', Array.from({ length: parts }, (_, p) => {
    const [u0, u1] = share(units, parts, p);
    const a = [...args];
    if (bySlice) [a[S0], a[S1]] = [u0, u1];
    else [a[J0], a[J1]] = [u0 * 8, Math.min(N, u1 * 8)];
    if (p > 0) a[SCRATCH] = pool.scratch[p - 1];
    return a;
  }));
}
