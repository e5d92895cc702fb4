import * as tf from '@tensorflow/tfjs';
import { heapOffset, simdKernels } from './wasm-simd.js';
import { shareWasmCopies } from './wasm-shared.js';

/**
 * A batched matmul [..., M, K] x [..., K, N] (same batch dims, no transposes) for the wasm backend,
 * one batch slice at a time. tfjs-wasm hands XNNPACK only unbatched, untransposed products; anything
 * batched falls to a scalar triple loop 5x slower. Each slice here is a tensor registered in place
 * on its operand's memory (no copy), so every slice takes XNNPACK's path and writes straight into
 * the output. Other backends run tf.matMul.
 */
export const SLICED_MATMUL = 'StudioSlicedMatMul';

interface WasmModule {
  cwrap(name: string, ret: null, args: string[]): (...args: unknown[]) => void;
  tfjs: { registerTensor(id: number, size: number, offset: number): void; disposeData(id: number): void };
}

interface WasmBackend {
  wasm: WasmModule;
  dataIdNextNumber: number;
  dataIdMap: { get(dataId: tf.DataId): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
}

const batchMatMulFns = new WeakMap<WasmModule, (...args: unknown[]) => void>();

function wasmBatchMatMul(wasm: WasmModule): (...args: unknown[]) => void {
  let fn = batchMatMulFns.get(wasm);
  if (!fn) {
    fn = wasm.cwrap('BatchMatMul', null, ['number', 'array', 'number', 'number', 'array', 'number', 'number', 'number', 'number']);
    batchMatMulFns.set(wasm, fn);
  }
  return fn;
}

const shapeBytes = (shape: number[]) => new Uint8Array(new Int32Array(shape).buffer);

function slicedMatMulWasm({ inputs, backend }: { inputs: Record<string, tf.TensorInfo>; backend: unknown }): tf.TensorInfo {
  const { a, b } = inputs;
  const be = backend as WasmBackend;
  const r = a.shape.length;
  const [M, K, N] = [a.shape[r - 2], a.shape[r - 1], b.shape[r - 1]];
  const batch = tf.util.sizeFromShape(a.shape.slice(0, -2));
  if (a.dtype !== 'float32' || b.dtype !== 'float32') throw new Error(`${SLICED_MATMUL}: inputs must be float32`);
  if (b.shape.length !== r || b.shape[r - 2] !== K || tf.util.sizeFromShape(b.shape.slice(0, -2)) !== batch) {
    throw new Error(`${SLICED_MATMUL}: shapes ${a.shape} and ${b.shape} do not multiply slice by slice`);
  }
  const out = be.makeOutput([...a.shape.slice(0, -2), M, N], 'float32');
  const offset = (t: tf.TensorInfo) => be.dataIdMap.get(t.dataId).memoryOffset;
  const [aBase, bBase, oBase] = [offset(a), offset(b), offset(out)];
  const matmul = wasmBatchMatMul(be.wasm);
  const aShape = shapeBytes([1, M, K]);
  const bShape = shapeBytes([1, K, N]);
  // The ids are registered for one product and dropped after it (dropping one also drops the XNNPACK
  // operator tfjs caches per right-hand operand), never freed: the memory belongs to a, b and out.
  const place = (base: number, size: number, i: number) => {
    const id = be.dataIdNextNumber++;
    be.wasm.tfjs.registerTensor(id, size, base + 4 * size * i);
    return id;
  };
  for (let i = 0; i < batch; i++) {
    const ids = [place(aBase, M * K, i), place(bBase, K * N, i), place(oBase, M * N, i)];
    matmul(ids[0], aShape, 3, ids[1], bShape, 3, false, false, ids[2]);
    for (const id of ids) be.wasm.tfjs.disposeData(id);
  }
  return out;
}

if (!tf.getKernel(SLICED_MATMUL, 'wasm')) {
  tf.registerKernel({
    kernelName: SLICED_MATMUL,
    backendName: 'wasm',
    kernelFunc: slicedMatMulWasm as unknown as tf.KernelFunc,
    // Runs when the wasm backend starts, after tfjs-backend-wasm has registered its own kernels
    // (whichever module loaded first): the moment to replace its copying Identity and Cast.
    setupFunc: () => shareWasmCopies(),
  });
}

/** Swaps the last two axes of a float32 tensor, slice by slice, with the SIMD module's 4x4 blocks. */
export const SWAP_LAST = 'StudioSwapLast';

function swapLastWasm({ inputs, backend }: { inputs: Record<string, tf.TensorInfo>; backend: unknown }): tf.TensorInfo {
  const { x } = inputs;
  const r = x.shape.length;
  const [R, C] = [x.shape[r - 2], x.shape[r - 1]];
  const be = backend as WasmBackend;
  const out = be.makeOutput([...x.shape.slice(0, -2), C, R], 'float32');
  const k = simdKernels(backend)!;
  const [src, dst] = [heapOffset(backend, x.dataId), heapOffset(backend, out.dataId)];
  const slices = tf.util.sizeFromShape(x.shape.slice(0, -2));
  for (let i = 0; i < slices; i++) k.transpose2d(src + 4 * R * C * i, dst + 4 * R * C * i, R, C);
  return out;
}

if (!tf.getKernel(SWAP_LAST, 'wasm')) {
  tf.registerKernel({ kernelName: SWAP_LAST, backendName: 'wasm', kernelFunc: swapLastWasm as unknown as tf.KernelFunc });
}

/** x with its last two axes swapped; on wasm with SIMD (tfjs-wasm's Transpose is a strided scalar loop). */
export function swapLastAxes<T extends tf.Tensor>(x: T): T {
  if (tf.getBackend() === 'wasm' && x.dtype === 'float32' && x.rank >= 2 && simdKernels(tf.backend())) {
    return tf.engine().runKernel(SWAP_LAST, { x } as tf.NamedTensorMap) as T;
  }
  const perm = x.shape.map((_, i) => i);
  [perm[x.rank - 2], perm[x.rank - 1]] = [perm[x.rank - 1], perm[x.rank - 2]];
  return tf.transpose(x, perm) as T;
}

/** a @ b for rank >= 3 operands with equal batch dims; on wasm, one XNNPACK product per slice. */
export function batchedMatMul<T extends tf.Tensor>(a: T, b: T): T {
  if (tf.getBackend() !== 'wasm' || a.rank < 3 || tf.util.sizeFromShape(a.shape.slice(0, -2)) === 1) return tf.matMul(a as tf.Tensor, b as tf.Tensor) as T;
  return tf.engine().runKernel(SLICED_MATMUL, { a, b } as tf.NamedTensorMap) as T;
}
