import * as tf from '@tensorflow/tfjs';
import { DROPOUT_WGSL, dropoutNoise, dropoutParams, keptScale } from './dropout.js';
import { defineFusedKernel, fusedOp, runFused, useFused, type HostInput } from './kernel.js';
import { float, runThreads, threadProgram } from './webgpu.js';
import { ELEMENTS_PER_THREAD, runRows } from './wasm-threads.js';

/** residual + dropout(x): a sublayer's output, dropped out, added to the stream it branched from. */

function hostForward(inputs: (HostInput | undefined)[], outputs: Float32Array[], attrs: Record<string, number>): void {
  const [xIn, rIn, uIn] = inputs as HostInput[];
  const x = xIn.values as Float32Array;
  const res = rIn.values as Float32Array;
  const u = uIn.values as Float32Array;
  const y = outputs[0];
  for (let i = 0; i < x.length; i++) y[i] = Math.fround(x[i] * keptScale(u[i], attrs.keep, attrs.dropScale)) + res[i];
}

function hostBackward(inputs: (HostInput | undefined)[], outputs: Float32Array[], attrs: Record<string, number>): void {
  const [dyIn, uIn] = inputs as HostInput[];
  const dy = dyIn.values as Float32Array;
  const u = uIn.values as Float32Array;
  const dx = outputs[0];
  for (let i = 0; i < dy.length; i++) dx[i] = dy[i] * keptScale(u[i], attrs.keep, attrs.dropScale);
}

const UNIFORMS = 'keep : f32, dropScale : f32,';

export const RESIDUAL_DROPOUT = defineFusedKernel({
  name: 'BertResidualDropout',
  inputNames: ['x', 'residual', 'noise'],
  outputShapes: (shapes) => [shapes[0]],
  host: hostForward,
  simd(k, [x, residual, noise], [y], [shape], attrs) {
    runRows(k, 'residualDropout', tf.util.sizeFromShape(shape), ELEMENTS_PER_THREAD, (i0, i1) =>
      [x + 4 * i0, residual + 4 * i0, noise + 4 * i0, y + 4 * i0, i1 - i0, attrs.keep, attrs.dropScale]);
    return true;
  },
  webgpu(backend, inputs, attrs) {
    const x = inputs[0]!;
    const n = tf.util.sizeFromShape(x.shape);
    const body = 'result[index] = x[index] * kept_scale(noise[index], uniforms.keep, uniforms.dropScale) + residual[index];';
    const program = threadProgram('residual_dropout', ['x', 'residual', 'noise'], x.shape, n, UNIFORMS, body, DROPOUT_WGSL);
    return [runThreads(backend, program, inputs as tf.TensorInfo[], n, [float(attrs.keep), float(attrs.dropScale)])];
  },
});

export const DROPOUT_GRAD = defineFusedKernel({
  name: 'BertDropoutGrad',
  inputNames: ['dy', 'noise'],
  outputShapes: (shapes) => [shapes[0]],
  host: hostBackward,
  simd(k, [dy, noise], [dx], [shape], attrs) {
    runRows(k, 'dropoutGrad', tf.util.sizeFromShape(shape), ELEMENTS_PER_THREAD, (i0, i1) => [dy + 4 * i0, noise + 4 * i0, dx + 4 * i0, i1 - i0, attrs.keep, attrs.dropScale]);
    return true;
  },
  webgpu(backend, inputs, attrs) {
    const dy = inputs[0]!;
    const n = tf.util.sizeFromShape(dy.shape);
    const body = 'result[index] = dy[index] * kept_scale(noise[index], uniforms.keep, uniforms.dropScale);';
    const program = threadProgram('dropout_grad', ['dy', 'noise'], dy.shape, n, UNIFORMS, body, DROPOUT_WGSL);
    return [runThreads(backend, program, inputs as tf.TensorInfo[], n, [float(attrs.keep), float(attrs.dropScale)])];
  },
});

export function residualDropoutComposite<T extends tf.Tensor>(x: T, residual: T, rate: number, seed: number): T {
  return tf.add(rate > 0 ? tf.dropout(x, rate, undefined, seed) : x, residual);
}

/** Without dropout (evaluation, or rate 0) this is one stock Add on every path. */
export function residualDropout<T extends tf.Tensor>(x: T, residual: T, rate: number, seed: number): T {
  if (rate <= 0 || !useFused(RESIDUAL_DROPOUT)) return residualDropoutComposite(x, residual, rate, seed);
  const { keep, scale: dropScale } = dropoutParams(rate);
  const attrs = { keep, dropScale };
  return fusedOp(
    [x, residual],
    ([xs, r]) => {
      const noise = dropoutNoise(x.shape, seed);
      return { value: runFused(RESIDUAL_DROPOUT, [xs, r, noise], attrs)[0], keep: [noise] };
    },
    (dy, [noise]) => [runFused(DROPOUT_GRAD, [dy, noise], attrs)[0], dy],
  ) as T;
}
