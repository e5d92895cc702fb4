import * as tf from '@tensorflow/tfjs';
import { type AdamWStepAttrs, adamwLoop, sumOfSquaresLoop } from './fused-math.js';
import { adamwWebGPU, sumOfSquaresWebGPU } from './fused-webgpu.js';
import { heapOffset, simdKernels } from '../model/fused/wasm-simd.js';
import { ELEMENTS_PER_THREAD, runRows } from '../model/fused/wasm-threads.js';

export type { AdamWStepAttrs } from './fused-math.js';

/** One AdamW update of one parameter: inputs p, m, v, g; outputs new p, m, v. */
export const ADAMW_KERNEL = 'StudioAdamW';
/** Sum of the squares of every element: a float32 scalar. */
export const SUM_SQUARES_KERNEL = 'StudioSumSquares';

type KernelArgs = { inputs: Record<string, tf.TensorInfo>; backend: unknown; attrs?: tf.NamedAttrMap };
type Info = tf.TensorInfo;

interface CpuBackend {
  data: { get(dataId: object): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): Info;
}

interface WasmBackend {
  makeOutput(shape: number[], dtype: 'float32'): Info;
  typedArrayFromHeap(info: Info): Float32Array;
}

function checkFloat(inputs: Info[], kernel: string): void {
  const n = inputs[0].shape.reduce((a, b) => a * b, 1);
  for (const t of inputs) {
    if (t.dtype !== 'float32') throw new Error(`${kernel}: inputs must be float32, got ${t.dtype}`);
    if (t.shape.reduce((a, b) => a * b, 1) !== n) throw new Error(`${kernel}: inputs differ in size`);
  }
}

function adamwInputs(inputs: Record<string, Info>): Info[] {
  const list = [inputs.p, inputs.m, inputs.v, inputs.g];
  checkFloat(list, ADAMW_KERNEL);
  return list;
}

function adamwCpu({ inputs, backend, attrs }: KernelArgs): Info[] {
  const be = backend as CpuBackend;
  const [p, m, v, g] = adamwInputs(inputs).map((t) => be.data.get(t.dataId).values);
  const outs = [new Float32Array(p.length), new Float32Array(p.length), new Float32Array(p.length)];
  adamwLoop(p, m, v, g, outs[0], outs[1], outs[2], attrs as unknown as AdamWStepAttrs);
  return outs.map((values) => be.makeTensorInfo(inputs.p.shape, 'float32', values));
}

function adamwWasm({ inputs, backend, attrs }: KernelArgs): Info[] {
  const be = backend as WasmBackend;
  const ins = adamwInputs(inputs);
  // Allocate first: a heap that grows detaches every view taken before.
  const outs = [0, 1, 2].map(() => be.makeOutput(inputs.p.shape, 'float32'));
  const simd = simdKernels(backend);
  if (simd) {
    const at = (t: Info) => heapOffset(backend, t.dataId);
    const n = tf.util.sizeFromShape(inputs.p.shape);
    // Number arguments arrive in the module rounded to float32, as adamwLoop's constants are.
    const s = attrs as unknown as AdamWStepAttrs;
    const pointers = [...ins, ...outs].map(at);
    runRows(simd, 'adamw', n, ELEMENTS_PER_THREAD, (i0, i1) => [...pointers.map((p) => p + 4 * i0), i1 - i0,
      s.beta1, 1 - s.beta1, s.beta2, 1 - s.beta2, s.sqrtBc2, s.eps, s.decay, s.stepSize, s.gradScale, s.gradScale !== 1 ? 1 : 0, s.decay !== 1 ? 1 : 0]);
    return outs;
  }
  const [p, m, v, g] = ins.map((t) => be.typedArrayFromHeap(t));
  const [po, mo, vo] = outs.map((t) => be.typedArrayFromHeap(t));
  adamwLoop(p, m, v, g, po, mo, vo, attrs as unknown as AdamWStepAttrs);
  return outs;
}

function sumSquaresCpu({ inputs, backend }: KernelArgs): Info {
  const be = backend as CpuBackend;
  checkFloat([inputs.x], SUM_SQUARES_KERNEL);
  return be.makeTensorInfo([], 'float32', Float32Array.of(sumOfSquaresLoop(be.data.get(inputs.x.dataId).values)));
}

function sumSquaresWasm({ inputs, backend }: KernelArgs): Info {
  const be = backend as WasmBackend;
  checkFloat([inputs.x], SUM_SQUARES_KERNEL);
  const out = be.makeOutput([], 'float32');
  const simd = simdKernels(backend);
  const total = simd
    ? simd.sumSquares(heapOffset(backend, inputs.x.dataId), tf.util.sizeFromShape(inputs.x.shape))
    : sumOfSquaresLoop(be.typedArrayFromHeap(inputs.x));
  be.typedArrayFromHeap(out)[0] = total;
  return out;
}

const KERNELS: Record<string, Record<string, (args: KernelArgs) => Info | Info[]>> = {
  [ADAMW_KERNEL]: {
    cpu: adamwCpu,
    wasm: adamwWasm,
    webgpu: (a) => adamwWebGPU(a.backend, adamwInputs(a.inputs), a.attrs as unknown as AdamWStepAttrs),
  },
  [SUM_SQUARES_KERNEL]: {
    cpu: sumSquaresCpu,
    wasm: sumSquaresWasm,
    webgpu: (a) => (checkFloat([a.inputs.x], SUM_SQUARES_KERNEL), sumOfSquaresWebGPU(a.backend, a.inputs.x)),
  },
};

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  for (const [kernelName, perBackend] of Object.entries(KERNELS)) {
    for (const [backendName, kernelFunc] of Object.entries(perBackend)) {
      if (!tf.getKernel(kernelName, backendName)) {
        tf.registerKernel({ kernelName, backendName, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
      }
    }
  }
}

/** Whether the active backend runs the fused optimizer kernels (cpu, wasm, webgpu); others use composites. */
export function hasFusedOptimizer(): boolean {
  register();
  return tf.getKernel(ADAMW_KERNEL, tf.getBackend()) !== undefined;
}

/** One fused AdamW update; the caller assigns the three results and disposes them. */
export function fusedAdamW(p: tf.Tensor, m: tf.Tensor, v: tf.Tensor, g: tf.Tensor, attrs: AdamWStepAttrs): [tf.Tensor, tf.Tensor, tf.Tensor] {
  register();
  const out = tf.engine().runKernel(ADAMW_KERNEL, { p, m, v, g }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return [out[0], out[1], out[2]];
}

/** sum(x^2) as one kernel where the backend has it, else square + sum. */
export function sumOfSquares(x: tf.Tensor): tf.Scalar {
  if (!hasFusedOptimizer()) return tf.tidy(() => tf.sum(tf.square(x)));
  return tf.engine().runKernel(SUM_SQUARES_KERNEL, { x }, {}) as tf.Scalar;
}
