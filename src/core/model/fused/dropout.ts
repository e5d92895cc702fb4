import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { heapOffset, simdKernels } from './wasm-simd.js';

/**
 * tf.dropout(x, rate, undefined, seed) keeps element i when float32(u_i + keep) >= 1, u being
 * tf.randomUniform(x.shape, 0, 1, 'float32', seed) drawn on the host, and scales kept elements by
 * float32(1 / keep). The fused kernels take the same u and apply the same rule, so the masks and the
 * kept values are bit-identical to the composite path on every backend.
 */
export interface DropoutParams {
  keep: number;
  scale: number;
}

export function dropoutParams(rate: number): DropoutParams {
  const keep = Math.fround(1 - rate);
  return { keep, scale: Math.fround(1 / keep) };
}

/**
 * On wasm the same numbers come from the SIMD module, written straight into the heap: tfjs draws
 * them one JS call at a time (about a quarter of a tiny model's step went there). The generator's
 * starting state is seedrandom's own, for the seed as tfjs passes it (a string).
 */
const UNIFORM_NOISE = 'StudioUniformNoise';

if (!tf.getKernel(UNIFORM_NOISE, 'wasm')) {
  tf.registerKernel({
    kernelName: UNIFORM_NOISE,
    backendName: 'wasm',
    kernelFunc: (({ backend, attrs }: { backend: unknown; attrs: { shape: number[]; seed: number } }) => {
      const out = (backend as { makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo }).makeOutput(attrs.shape, 'float32');
      const state = seedrandom.alea(String(attrs.seed), { state: true }).state() as unknown as { s0: number; s1: number; s2: number; c: number };
      simdKernels(backend)!.aleaUniform(heapOffset(backend, out.dataId), tf.util.sizeFromShape(attrs.shape), state.s0, state.s1, state.s2, state.c);
      return out;
    }) as unknown as tf.KernelFunc,
  });
}

export function dropoutNoise(shape: number[], seed: number): tf.Tensor {
  if (tf.getBackend() === 'wasm' && simdKernels(tf.backend())) {
    return tf.engine().runKernel(UNIFORM_NOISE, {}, { shape, seed } as unknown as tf.NamedAttrMap) as tf.Tensor;
  }
  return tf.randomUniform(shape, 0, 1, 'float32', seed);
}

/** The multiplier of one element: 0 or float32(1 / keep). */
export function keptScale(u: number, keep: number, scale: number): number {
  return Math.fround(u + keep) >= 1 ? scale : 0;
}

export const DROPOUT_WGSL = `
  fn kept_scale(u : f32, keep : f32, scale : f32) -> f32 {
    return select(0.0, scale, floor(u + keep) >= 1.0);
  }`;
