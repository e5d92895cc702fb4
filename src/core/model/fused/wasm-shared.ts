import * as tf from '@tensorflow/tfjs';
import { gemmBatchMatMul, gemmFusedMatMul } from './wasm-gemm.js';
import { simdKernels } from './wasm-simd.js';

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

/** Whether the wasm kernel `name` is this module's replacement. */
export function replacedOnWasm(name: string): boolean {
  const current = tf.getKernel(name, 'wasm');
  return current != null && ours.has(current.kernelFunc);
}

/**
 * Installs the sharing Identity and Cast, and the matrix products of wasm-gemm.ts, on wasm
 * (idempotent; a no-op until tfjs-backend-wasm is loaded).
 */
export function installWasmKernels(): void {
  override('Identity', (original) => (args) => (args.inputs.x.dtype === 'string' ? original(args) : share(args.inputs.x, args.backend)));
  override('Cast', (original) => (args) => (args.inputs.x.dtype === args.attrs?.dtype ? share(args.inputs.x, args.backend) : original(args)));
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
