import * as tf from '@tensorflow/tfjs';

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

export function dropoutNoise(shape: number[], seed: number): tf.Tensor {
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
