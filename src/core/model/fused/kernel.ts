import * as tf from '@tensorflow/tfjs';
import type { GpuBackend } from './webgpu.js';
import { type SimdKernels, heapOffset, simdKernels } from './wasm-simd.js';
import { transposesAreFree } from './wasm-shared.js';

/** A tensor's values as the host kernels read them: the cpu backend's array or a view of the wasm heap. */
export interface HostInput {
  values: Float32Array | Int32Array;
  shape: number[];
}

/** An input name ending in '?' is optional: absent, its slot holds undefined. */
export type MaybeInfo = tf.TensorInfo | undefined;

export type KernelAttrs = Record<string, number>;

/**
 * One fused op as a tfjs kernel: the host body serves the cpu and wasm backends (it reads and writes
 * typed arrays in place, one pass, no intermediate tensors), the webgpu body runs WGSL programs.
 * All outputs are float32.
 */
export interface FusedKernelDef {
  name: string;
  inputNames: string[];
  outputShapes(shapes: number[][], attrs: KernelAttrs): number[][];
  host(inputs: (HostInput | undefined)[], outputs: Float32Array[], attrs: KernelAttrs): void;
  webgpu(backend: GpuBackend, inputs: MaybeInfo[], attrs: KernelAttrs): tf.TensorInfo[];
  /**
   * The wasm body on the SIMD kernels (assembly/kernels.ts): byte offsets of the inputs (0 for an
   * absent optional one) and of the outputs in the wasm heap. Returns false to leave the case to host.
   */
  simd?(k: SimdKernels, inputs: number[], outputs: number[], shapes: number[][], attrs: KernelAttrs): boolean;
  /**
   * Backends to register for (default all three). A JS loop over the wasm heap loses to wasm's
   * SIMD kernels on exp/erf-heavy elementwise work, so such ops leave wasm to the composite.
   */
  backends?: FusedBackend[];
}

export type FusedBackend = 'cpu' | 'wasm' | 'webgpu';

interface CpuBackendLike {
  data: { get(dataId: tf.DataId): { values: Float32Array | Int32Array } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Float32Array): tf.TensorInfo;
}

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function ordered(def: FusedKernelDef, inputs: tf.NamedTensorInfoMap): MaybeInfo[] {
  return def.inputNames.map((n) => {
    const t = inputs[n.replace('?', '')];
    if (!t && !n.endsWith('?')) throw new Error(`${def.name}: input ${n} is missing`);
    return t;
  });
}

const shapesOf = (ins: MaybeInfo[]): number[][] => ins.map((t) => t?.shape ?? []);

function cpuKernel(def: FusedKernelDef) {
  return ({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] => {
    const b = backend as CpuBackendLike;
    const ins = ordered(def, inputs);
    const a = (attrs ?? {}) as KernelAttrs;
    const shapes = def.outputShapes(shapesOf(ins), a);
    const outs = shapes.map((s) => new Float32Array(tf.util.sizeFromShape(s)));
    def.host(ins.map((t) => t && { values: b.data.get(t.dataId).values, shape: t.shape }), outs, a);
    return shapes.map((s, i) => b.makeTensorInfo(s, 'float32', outs[i]));
  };
}

function wasmKernel(def: FusedKernelDef) {
  return ({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] => {
    const b = backend as WasmBackendLike;
    const ins = ordered(def, inputs);
    const a = (attrs ?? {}) as KernelAttrs;
    const infos = def.outputShapes(shapesOf(ins), a).map((s) => b.makeOutput(s, 'float32'));
    const simd = def.simd && simdKernels(backend);
    if (simd) {
      const offset = (t: MaybeInfo) => (t ? heapOffset(backend, t.dataId) : 0);
      if (def.simd!(simd, ins.map(offset), infos.map(offset), shapesOf(ins), a)) return infos;
    }
    // Views are taken after every allocation: growing the heap detaches earlier ones. Heap memory
    // is not zeroed, so host bodies write every output element.
    const outs = infos.map((o) => b.typedArrayFromHeap(o) as Float32Array);
    def.host(ins.map((t) => t && { values: b.typedArrayFromHeap(t), shape: t.shape }), outs, a);
    return infos;
  };
}

function gpuKernel(def: FusedKernelDef) {
  return ({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] =>
    def.webgpu(backend as GpuBackend, ordered(def, inputs), (attrs ?? {}) as KernelAttrs);
}

const defined = new Map<string, FusedKernelDef>();

/** Registers a fused kernel for cpu, wasm and webgpu (once; the backends need not be loaded yet). */
export function defineFusedKernel(def: FusedKernelDef): FusedKernelDef {
  if (defined.has(def.name)) return defined.get(def.name)!;
  defined.set(def.name, def);
  const kernels: [FusedBackend, (args: KernelArgs) => tf.TensorInfo[]][] = [
    ['cpu', cpuKernel(def)],
    ['wasm', wasmKernel(def)],
    ['webgpu', gpuKernel(def)],
  ];
  for (const [backendName, kernelFunc] of kernels) {
    if (def.backends && !def.backends.includes(backendName)) continue;
    if (tf.getKernel(def.name, backendName)) continue;
    tf.registerKernel({ kernelName: def.name, backendName, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
  return def;
}

/** Runs a registered fused kernel on the active backend; always returns the outputs as an array. */
export function runFused(def: FusedKernelDef, inputs: (tf.Tensor | undefined)[], attrs: KernelAttrs = {}): tf.Tensor[] {
  const map: tf.NamedTensorMap = {};
  def.inputNames.forEach((n, i) => {
    if (inputs[i]) map[n.replace('?', '')] = inputs[i]!;
  });
  const out = tf.engine().runKernel(def.name, map, attrs as unknown as tf.NamedAttrMap) as tf.Tensor | tf.Tensor[];
  return Array.isArray(out) ? out : [out];
}

let fusedEnabled = true;

/**
 * Selects fused kernels (default) or the composite of stock tfjs ops, which stays as the oracle the
 * fused kernels are tested against.
 */
export function setFusedKernels(enabled: boolean): void {
  fusedEnabled = enabled;
}

export function fusedKernelsEnabled(): boolean {
  return fusedEnabled;
}

/** True when fused kernels are selected and `def` has a kernel for the active backend. */
export function useFused(def: FusedKernelDef): boolean {
  return fusedEnabled && tf.getKernel(def.name, tf.getBackend()) != null;
}

/** A backend's own kernels called inside one fused kernel, with no engine bookkeeping in between. */
export class BackendKernels {
  readonly name: string;
  private readonly temps: tf.TensorInfo[] = [];
  /** Products with transpose flags run at full speed here (see transposesAreFree). */
  readonly transposesAreFree: boolean;
  constructor(readonly backend: unknown) {
    this.name = tf.getBackend();
    this.transposesAreFree = transposesAreFree(this.name, backend);
  }

  private call(kernel: string, inputs: tf.NamedTensorInfoMap, attrs: Record<string, unknown>): tf.TensorInfo {
    const config = tf.getKernel(kernel, this.name);
    if (!config) throw new Error(`kernel ${kernel} is not registered for ${this.name}`);
    const out = config.kernelFunc({ inputs, backend: this.backend as tf.KernelBackend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
    this.temps.push(out);
    return out;
  }

  /** The same data under another shape of the same size (no kernel runs). */
  view(t: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    return { dataId: t.dataId, shape, dtype: t.dtype };
  }

  /** A wasm output written by a SIMD kernel (tfjs-wasm's 2-D Transpose and axis-0 Sum are strided scalar loops). */
  private simdOutput(shape: number[], write: (k: SimdKernels, out: number) => void): tf.TensorInfo | null {
    const k = this.name === 'wasm' ? simdKernels(this.backend) : null;
    if (!k) return null;
    const out = (this.backend as WasmBackendLike).makeOutput(shape, 'float32');
    write(k, heapOffset(this.backend, out.dataId));
    this.temps.push(out);
    return out;
  }

  transpose(x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
    if (x.shape.length === 2 && perm[0] === 1 && x.dtype === 'float32') {
      const [R, C] = x.shape;
      const out = this.simdOutput([C, R], (k, o) => k.transpose2d(heapOffset(this.backend, x.dataId), o, R, C));
      if (out) return out;
    }
    return this.call('Transpose', { x }, { perm });
  }

  matMul(a: tf.TensorInfo, b: tf.TensorInfo, transposeA = false, transposeB = false): tf.TensorInfo {
    return this.call('BatchMatMul', { a, b }, { transposeA, transposeB });
  }

  matMulBias(a: tf.TensorInfo, b: tf.TensorInfo, bias: tf.TensorInfo, transposeB: boolean): tf.TensorInfo {
    return this.call('_FusedMatMul', { a, b, bias }, { transposeA: false, transposeB, activation: 'linear', leakyreluAlpha: 0 });
  }

  sum(x: tf.TensorInfo, axis: number[]): tf.TensorInfo {
    if (x.shape.length === 2 && axis.length === 1 && axis[0] === 0 && x.dtype === 'float32') {
      const [N, C] = x.shape;
      const out = this.simdOutput([C], (k, o) => k.sumRows(heapOffset(this.backend, x.dataId), o, N, C));
      if (out) return out;
    }
    return this.call('Sum', { x }, { axis, keepDims: false });
  }

  /** Frees every intermediate except the outputs handed back (compared by dataId). */
  finish(outputs: tf.TensorInfo[]): tf.TensorInfo[] {
    const keep = new Set(outputs.map((o) => o.dataId));
    const b = this.backend as { disposeData(dataId: tf.DataId): unknown };
    for (const t of this.temps) if (!keep.has(t.dataId)) b.disposeData(t.dataId);
    return outputs;
  }
}

/** A fused kernel made of the backend's own kernels (the same body on every backend). */
export function defineComposedKernel(
  name: string,
  inputNames: string[],
  body: (k: BackendKernels, inputs: tf.TensorInfo[], attrs: KernelAttrs) => tf.TensorInfo[],
): FusedKernelDef {
  const def: FusedKernelDef = {
    name,
    inputNames,
    outputShapes: () => {
      throw new Error(`${name} has no host body`);
    },
    host: () => {
      throw new Error(`${name} has no host body`);
    },
    webgpu: () => {
      throw new Error(`${name} has no webgpu body`);
    },
  };
  if (defined.has(name)) return defined.get(name)!;
  defined.set(name, def);
  for (const backendName of ['cpu', 'wasm', 'webgpu']) {
    if (tf.getKernel(name, backendName)) continue;
    const kernelFunc = ({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] => {
      const k = new BackendKernels(backend);
      return k.finish(body(k, ordered(def, inputs) as tf.TensorInfo[], (attrs ?? {}) as KernelAttrs));
    };
    tf.registerKernel({ kernelName: name, backendName, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
  return def;
}

interface EngineDepth {
  state: { gradientDepth: number; kernelDepth: number };
}

/** Whether ops run now are being recorded for a gradient (tfjs's own isTapeOn test). */
function recordingGradient(): boolean {
  const { state } = tf.engine() as unknown as EngineDepth;
  return state.gradientDepth > 0 && state.kernelDepth === 0;
}

/** Tensors sharing the buffers of `ts` (no kernel runs), kept past the forward pass's tidy. */
function keepViews(ts: tf.Tensor[]): tf.Tensor[] {
  const backend = tf.backend();
  return ts.map((t) => {
    backend.incRef(t.dataId);
    return tf.keep(tf.engine().makeTensorFromTensorInfo({ dataId: t.dataId, shape: t.shape, dtype: t.dtype }, backend));
  });
}

/**
 * A fused op under tf.customGrad. What the backward pass needs is kept as views of the forward
 * pass's tensors rather than through save(), whose clones are copies on wasm and one Identity
 * kernel each; the views are released when the gradient has been computed. Nothing is kept when
 * no gradient is being recorded.
 */
export function fusedOp(
  inputs: tf.Tensor[],
  forward: (xs: tf.Tensor[]) => { value: tf.Tensor; keep: tf.Tensor[] },
  backward: (dy: tf.Tensor, kept: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): tf.Tensor {
  const recording = recordingGradient();
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    args.pop();
    const { value, keep } = forward(args as tf.Tensor[]);
    const kept = recording ? keepViews(keep) : [];
    return {
      value,
      gradFunc: (dy: tf.Tensor) => {
        try {
          return backward(dy, kept);
        } finally {
          tf.dispose(kept);
        }
      },
    };
  });
  return op(...inputs) as tf.Tensor;
}
