import * as tf from '@tensorflow/tfjs';
import type { GpuBackend } from './webgpu.js';

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
}

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
  const kernels: [string, (args: KernelArgs) => tf.TensorInfo[]][] = [
    ['cpu', cpuKernel(def)],
    ['wasm', wasmKernel(def)],
    ['webgpu', gpuKernel(def)],
  ];
  for (const [backendName, kernelFunc] of kernels) {
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
