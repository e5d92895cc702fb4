import * as tf from '@tensorflow/tfjs';
import { gemmBatchMatMul, gemmFusedMatMul } from './wasm-gemm.js';
import { heapOffset, simdKernels } from './wasm-simd.js';
import { ELEMENTS_PER_THREAD, runRows } from './wasm-threads.js';

/**
 * The studio's replacements for some of tfjs-wasm's own kernels. Matrix products: see wasm-gemm.ts.
 * Copies: tfjs-wasm's Identity and same-dtype Cast copy the whole buffer. Identity is what the engine runs to
 * save every composite op's inputs for the backward pass, so on wasm a training step copied hundreds
 * of MB it never changed. Tensors are immutable, so here both share the input's buffer (one more
 * reference), as the cpu backend does; a Cast that changes the dtype still converts.
 */
type KernelArgs = { inputs: Record<string, tf.TensorInfo>; backend: unknown; attrs?: Record<string, unknown> };
type Kernel = (args: KernelArgs) => tf.TensorInfo;

const ours = new WeakSet<object>();

function share(x: tf.TensorInfo, backend: unknown): tf.TensorInfo {
  (backend as { incRef(dataId: tf.DataId): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

function override(name: string, wrap: (original: Kernel) => Kernel): void {
  const current = tf.getKernel(name, 'wasm');
  if (!current || ours.has(current.kernelFunc)) return;
  const kernelFunc = wrap(current.kernelFunc as unknown as Kernel);
  ours.add(kernelFunc);
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ ...current, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
}

/**
 * Add of two float32 tensors of one shape (the engine summing gradients) on the SIMD module, split
 * among its threads; tfjs-wasm's runs XNNPACK on its own thread pool. Null for other cases.
 */
function addSameShape({ inputs, backend }: KernelArgs): tf.TensorInfo | null {
  const { a, b } = inputs;
  const k = simdKernels(backend);
  if (!k || a.dtype !== 'float32' || b.dtype !== 'float32' || !tf.util.arraysEqual(a.shape, b.shape)) return null;
  const out = (backend as { makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo }).makeOutput(a.shape, 'float32');
  const [pa, pb, po] = [a, b, out].map((t) => heapOffset(backend, t.dataId));
  runRows(k, 'addArrays', tf.util.sizeFromShape(a.shape), ELEMENTS_PER_THREAD, (i0, i1) => [pa + 4 * i0, pb + 4 * i0, po + 4 * i0, i1 - i0]);
  return out;
}

/** Whether the wasm kernel `name` is this module's replacement. */
export function replacedOnWasm(name: string): boolean {
  const current = tf.getKernel(name, 'wasm');
  return current != null && ours.has(current.kernelFunc);
}

/**
 * Installs the sharing Identity and Cast, the same-shape Add, and the matrix products of wasm-gemm.ts, on wasm
 * (idempotent; a no-op until tfjs-backend-wasm is loaded).
 */
export function installWasmKernels(): void {
  override('Identity', (original) => (args) => (args.inputs.x.dtype === 'string' ? original(args) : share(args.inputs.x, args.backend)));
  override('Cast', (original) => (args) => (args.inputs.x.dtype === args.attrs?.dtype ? share(args.inputs.x, args.backend) : original(args)));
  override('Add', (original) => (args) => addSameShape(args) ?? original(args));
  override('BatchMatMul', gemmBatchMatMul);
  override('_FusedMatMul', gemmFusedMatMul);
}

installWasmKernels();

const INSTALL = 'StudioWasmKernels';
if (!tf.getKernel(INSTALL, 'wasm')) {
  tf.registerKernel({
    kernelName: INSTALL,
    backendName: 'wasm',
    kernelFunc: () => {
      throw new Error(`${INSTALL} only installs kernels`);
    },
    // Runs when the wasm backend starts, after tfjs-backend-wasm has registered its own kernels
    // (whichever module loaded first): the moment to replace them.
    setupFunc: () => installWasmKernels(),
  });
}

/**
 * Whether a product with transpose flags runs as fast as a plain one on the active backend:
 * webgpu, and wasm with the SIMD product; not cpu.
 */
export function transposesAreFree(backendName = tf.getBackend(), backend: unknown = tf.backend()): boolean {
  return backendName === 'webgpu' || (backendName === 'wasm' && simdKernels(backend) !== null);
}
