import * as tf from '@tensorflow/tfjs';
import { heapOffset, relaxedSimd, simdInstance, simdKernels, type SimdKernels, wasmMemory } from './wasm-simd.js';
import { type SpawnHelper, runProduct, startProductThreads, threadsFor } from './wasm-threads.js';

/**
 * tfjs-wasm's BatchMatMul and _FusedMatMul run on the SIMD module's blocked product
 * (assembly/gemm.ts): ~1.6x XNNPACK's speed there with plain SIMD, ~2x with relaxed SIMD, and a
 * transposed operand costs nothing (XNNPACK's path takes no transposed left operand, and batched
 * products fell to a scalar loop). Cases it does not take (other dtypes, activations, batch dims that
 * broadcast other than 1 against n) stay with tfjs-wasm's own kernel.
 */
type KernelArgs = { inputs: Record<string, tf.TensorInfo>; backend: unknown; attrs?: Record<string, unknown> };

interface EmscriptenHeap {
  _malloc(bytes: number): number;
}

interface WasmBackendLike {
  wasm: EmscriptenHeap;
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
}

const scratchByKernels = new WeakMap<SimdKernels, number>();

/** The product's scratch in the wasm heap, allocated once per module instance and kept. */
function scratch(k: SimdKernels, backend: WasmBackendLike): number {
  let at = scratchByKernels.get(k);
  if (at === undefined) {
    at = backend.wasm._malloc(k.gemmScratchBytes());
    if (!at) throw new Error(`wasm matrix product: no memory left for its ${Math.round(k.gemmScratchBytes() / 1024)} KiB scratch`);
    scratchByKernels.set(k, at);
  }
  return at;
}

/**
 * a @ b (+ bias) with optional transposes, on the SIMD product; null when this case is not one it
 * takes. a [...batchA, M, K] (or [..., K, M] transposed), b [...batchB, K, N] (or [..., N, K]).
 */
export function gemmOnWasm(backend: unknown, a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean, bias?: tf.TensorInfo): tf.TensorInfo | null {
  const k = simdKernels(backend);
  if (!k || a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return null;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const [M, K] = transposeA ? [a.shape[ra - 1], a.shape[ra - 2]] : [a.shape[ra - 2], a.shape[ra - 1]];
  const [Kb, N] = transposeB ? [b.shape[rb - 1], b.shape[rb - 2]] : [b.shape[rb - 2], b.shape[rb - 1]];
  if (K !== Kb) throw new Error(`matMul: inner dimensions of ${a.shape} and ${b.shape} (transposeA=${transposeA}, transposeB=${transposeB}) differ`);
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const [na, nb] = [tf.util.sizeFromShape(batchA), tf.util.sizeFromShape(batchB)];
  const batchDims = tf.broadcast_util.assertAndGetBroadcastShape(batchA, batchB);
  // Same batch, or one operand shared by every slice (stride 0); other broadcasts ([2, 1] against
  // [1, 2]) go to tfjs.
  const slices = Math.max(na, nb);
  if ((na !== nb && na !== 1 && nb !== 1) || tf.util.sizeFromShape(batchDims) !== slices) return null;
  if (bias && (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== N)) return null;
  const be = backend as WasmBackendLike;
  const out = be.makeOutput([...batchDims, M, N], 'float32');
  if (out.shape.some((d) => d === 0)) return out;
  runProduct(k, [
    heapOffset(backend, a.dataId), transposeA ? 1 : K, transposeA ? M : 1, na === 1 ? 0 : M * K,
    heapOffset(backend, b.dataId), transposeB ? 1 : N, transposeB ? K : 1, nb === 1 ? 0 : K * N,
    heapOffset(backend, out.dataId), N, M * N, bias ? heapOffset(backend, bias.dataId) : 0,
    M, K, 0, slices, 0, N, scratch(k, be),
  ]);
  return out;
}

/**
 * Starts `count` helper threads for the product on the active threaded wasm backend (see
 * wasm-threads.ts); a no-op without the SIMD module or a shared memory.
 */
export async function startWasmProductThreads(backend: unknown, count: number, spawn: SpawnHelper): Promise<number> {
  const simd = simdInstance(backend);
  const memory = wasmMemory(backend);
  if (!simd || !memory || !(memory.buffer instanceof SharedArrayBuffer) || count < 1) return 0;
  if (threadsFor(simd.kernels) === count + 1) return count;
  const heap = (backend as WasmBackendLike).wasm;
  await startProductThreads(memory, simd.module, simd.kernels.gemmScratchBytes(), (bytes) => heap._malloc(bytes), count, spawn);
  return count;
}

type Kernel = (args: KernelArgs) => tf.TensorInfo;

/** BatchMatMul on the SIMD product where it applies. */
export const gemmBatchMatMul = (original: Kernel): Kernel => (args) => {
  const { a, b } = args.inputs;
  const attrs = args.attrs as { transposeA: boolean; transposeB: boolean };
  return gemmOnWasm(args.backend, a, b, attrs.transposeA, attrs.transposeB) ?? original(args);
};

/** _FusedMatMul with a bias or none and no activation on the SIMD product where it applies. */
export const gemmFusedMatMul = (original: Kernel): Kernel => (args) => {
  const { a, b, bias, preluActivationWeights } = args.inputs;
  const attrs = args.attrs as { transposeA: boolean; transposeB: boolean; activation?: string };
  if (preluActivationWeights || (attrs.activation ?? 'linear') !== 'linear') return original(args);
  return gemmOnWasm(args.backend, a, b, attrs.transposeA, attrs.transposeB, bias) ?? original(args);
};

/** One line on the studio's wasm kernels for reports: SIMD build, and threads sharing each job. */
export function describeWasmKernels(backend: unknown): string {
  const k = simdKernels(backend);
  if (!k) return 'studio SIMD kernels off (no SIMD or no heap found)';
  return `studio SIMD kernels (${relaxedSimd() ? 'relaxed SIMD, fused multiply-add' : 'SIMD'}), jobs on ${threadsFor(k)} thread(s)`;
}
