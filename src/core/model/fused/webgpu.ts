import type * as tf from '@tensorflow/tfjs';

/** The part of tfjs-backend-webgpu's backend the fused kernels use (typed here to keep that package out of core). */
export interface GpuBackend {
  runWebGPUProgram(
    program: GpuProgram,
    inputs: tf.TensorInfo[],
    outputDtype: tf.DataType,
    uniforms?: { type: 'int32' | 'float32'; data: number[] }[],
    output?: tf.TensorInfo,
  ): tf.TensorInfo;
  makeTensorInfo(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: tf.DataId): boolean;
}

/** A program in the shape tfjs-backend-webgpu compiles: it binds `result` and one array per input name. */
export interface GpuProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  uniforms: string;
  getUserCode: () => string;
}

const WORKGROUP = 64;

/**
 * One thread per item of `threads` (rows, columns or elements; the body reads `index`, already
 * bounds-checked against the `threads` uniform). Parameters come in as uniforms, so one compiled
 * pipeline serves every shape. tfjs reshapes the dispatch when it exceeds the per-dimension limit.
 */
export function threadProgram(
  key: string,
  inputs: string[],
  outputShape: number[],
  threads: number,
  uniforms: string,
  body: string,
  helpers = '',
): GpuProgram {
  return {
    variableNames: inputs,
    outputShape,
    shaderKey: `bert_fused_${key}`,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [Math.max(1, Math.ceil(threads / WORKGROUP)), 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    uniforms: `threads : i32, ${uniforms}`,
    getUserCode: () => `
      ${helpers}
      fn main(index : i32) {
        if (index >= uniforms.threads) { return; }
        ${body}
      }`,
  };
}

export function runThreads(
  backend: GpuBackend,
  program: GpuProgram,
  inputs: tf.TensorInfo[],
  threads: number,
  uniforms: { type: 'int32' | 'float32'; data: number[] }[],
  output?: tf.TensorInfo,
): tf.TensorInfo {
  return backend.runWebGPUProgram(program, inputs, 'float32', [{ type: 'int32', data: [threads] }, ...uniforms], output);
}

export const int = (v: number) => ({ type: 'int32' as const, data: [v] });
export const float = (v: number) => ({ type: 'float32' as const, data: [v] });

/** erf as tfjs computes it on every backend (Abramowitz-Stegun 7.1.26, |error| < 1.5e-7): WGSL has none. */
export const ERF_WGSL = `
  fn erf_f32(x : f32) -> f32 {
    let a = abs(x);
    let t = 1.0 / (1.0 + 0.3275911 * a);
    let r = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-a * a);
    return select(r, -r, x < 0.0);
  }`;
