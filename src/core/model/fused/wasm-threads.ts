/**
 * Helper threads for the SIMD matrix product on tfjs-wasm's threaded build. Each helper instantiates
 * the same compiled module on the same shared memory and sleeps on a control block; a product hands
 * each thread a range of slices or columns, runs its own range, and waits for the others. The
 * caller must be allowed to block (Node, or a worker in the browser; never a page's main thread).
 */
import type { SimdKernels } from './wasm-simd.js';

/** What the embedder's worker constructor returns (Node's worker_threads.Worker or a web Worker). */
export interface HelperThread {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

/** Starts a thread running `source` (classic script; in Node, CommonJS with `require`). */
export type SpawnHelper = (source: string) => HelperThread;

// Control block, in Int32 slots: generation, pending helpers, ready helpers, stop flag, then the
// arguments of each helper's share of a product.
const GEN = 0;
const PENDING = 1;
const READY = 2;
const STOP = 3;
const ARGS = 4;
const ARG_COUNT = 19;

/** The helper's whole program: wait for a generation, run its share, count down, repeat. */
const HELPER_SOURCE = `
const receive = (handler) => {
  if (typeof require === 'function') require('node:worker_threads').parentPort.once('message', handler);
  else self.onmessage = (e) => handler(e.data);
};
receive(({ module, memory, control, index }) => {
  const gemm = new WebAssembly.Instance(module, { env: { memory } }).exports.gemm;
  const ctl = new Int32Array(control);
  const args = new Uint32Array(control, ${4 * ARGS} + index * ${4 * ARG_COUNT}, ${ARG_COUNT});
  Atomics.add(ctl, ${READY}, 1);
  Atomics.notify(ctl, ${READY});
  let seen = 0;
  for (;;) {
    Atomics.wait(ctl, ${GEN}, seen);
    if (Atomics.load(ctl, ${STOP})) return;
    seen = Atomics.load(ctl, ${GEN});
    gemm(...args);
    if (Atomics.sub(ctl, ${PENDING}, 1) === 1) Atomics.notify(ctl, ${PENDING});
  }
});
`;

interface Pool {
  helpers: HelperThread[];
  control: Int32Array;
  args: Uint32Array[];
  /** Scratch of each helper in the wasm heap. */
  scratch: number[];
}

const pools = new Map<WebAssembly.Memory, Pool>();

/** Below this many multiply-adds a product runs on one thread (waking helpers costs ~20-50 us). */
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
  const shared = new SharedArrayBuffer(4 * (ARGS + count * ARG_COUNT));
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
  const scratch = helpers.map(() => malloc(scratchBytes));
  if (scratch.some((at) => !at)) throw new Error('product threads: no memory left for their scratch');
  const args = helpers.map((_, i) => new Uint32Array(shared, 4 * (ARGS + i * ARG_COUNT), ARG_COUNT));
  pools.set(memory, { helpers, control, args, scratch });
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

/** Helper threads running for this memory (0 when none). */
export function productThreads(memory: WebAssembly.Memory): number {
  return pools.get(memory)?.helpers.length ?? 0;
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
 * of `memory`: slices split among them when there are enough, else columns in multiples of 8.
 */
export function runProduct(k: SimdKernels, memory: WebAssembly.Memory, args: GemmArgs): void {
  const pool = pools.get(memory);
  const [slices, N] = [args[S1], args[J1]];
  const M = args[12];
  const K = args[13];
  if (!pool || slices * M * N * Math.max(K, 1) < MIN_PARALLEL_MACS) return k.gemm(...args);
  const threads = pool.helpers.length + 1;
  const bySlice = slices >= threads;
  const units = bySlice ? slices : Math.ceil(N / 8);
  const parts = Math.min(threads, units);
  if (parts < 2) return k.gemm(...args);
  const range = (p: number): [number, number] => [Math.floor((units * p) / parts), Math.floor((units * (p + 1)) / parts)];
  const share = (p: number): GemmArgs => {
    const [u0, u1] = range(p);
    const a = [...args] as GemmArgs;
    if (bySlice) [a[S0], a[S1]] = [u0, u1];
    else [a[J0], a[J1]] = [u0 * 8, Math.min(N, u1 * 8)];
    return a;
  };
  // Helpers without a part this time get an empty range.
  pool.args.forEach((slot, h) => {
    const a = h + 1 < parts ? share(h + 1) : ([...args] as GemmArgs);
    if (h + 1 >= parts) [a[S0], a[S1]] = [0, 0];
    a[SCRATCH] = pool.scratch[h];
    slot.set(a);
  });
  Atomics.store(pool.control, PENDING, pool.helpers.length);
  Atomics.add(pool.control, GEN, 1);
  Atomics.notify(pool.control, GEN);
  k.gemm(...share(0));
  for (let left = Atomics.load(pool.control, PENDING); left !== 0; left = Atomics.load(pool.control, PENDING)) {
    Atomics.wait(pool.control, PENDING, left);
  }
}
