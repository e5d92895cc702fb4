import * as tf from '@tensorflow/tfjs';
import { defineFusedKernel, fusedOp, runFused, useFused, type HostInput } from './kernel.js';
import { ERF_WGSL, int, runThreads, threadProgram } from './webgpu.js';
import { runColumns, runRows } from './wasm-threads.js';

/** gelu(x + bias) for x [N, I], bias [I]: 'gelu' is the erf form, 'gelu_new' the tanh approximation. */
export type GeluForm = 'gelu' | 'gelu_new';

const TANH_C = Math.sqrt(2 / Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** erf as tfjs's kernels compute it (Abramowitz-Stegun 7.1.26), so both paths share its 1.5e-7 error. */
function erf(x: number): number {
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const r = 1 - (((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t) * Math.exp(-a * a);
  return x < 0 ? -r : r;
}

function geluValue(z: number, tanhForm: boolean): number {
  if (!tanhForm) return 0.5 * z * (1 + erf(z * Math.SQRT1_2));
  return 0.5 * z * (1 + Math.tanh(TANH_C * (z + 0.044715 * z * z * z)));
}

function geluSlope(z: number, tanhForm: boolean): number {
  if (!tanhForm) return 0.5 * (1 + erf(z * Math.SQRT1_2)) + z * INV_SQRT_2PI * Math.exp(-0.5 * z * z);
  const t = Math.tanh(TANH_C * (z + 0.044715 * z * z * z));
  return 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * TANH_C * (1 + 3 * 0.044715 * z * z);
}

function hostForward(inputs: (HostInput | undefined)[], outputs: Float32Array[], attrs: Record<string, number>): void {
  const [xIn, bIn] = inputs as HostInput[];
  const x = xIn.values as Float32Array;
  const b = bIn.values as Float32Array;
  const y = outputs[0];
  const I = b.length;
  const tanhForm = attrs.tanh === 1;
  for (let base = 0; base < x.length; base += I) {
    for (let i = 0; i < I; i++) y[base + i] = geluValue(x[base + i] + b[i], tanhForm);
  }
}

function hostBackward(inputs: (HostInput | undefined)[], outputs: Float32Array[], attrs: Record<string, number>): void {
  const [dyIn, xIn, bIn] = inputs as HostInput[];
  const dy = dyIn.values as Float32Array;
  const x = xIn.values as Float32Array;
  const b = bIn.values as Float32Array;
  const [dx, dbOut] = outputs;
  const I = b.length;
  const tanhForm = attrs.tanh === 1;
  const db = new Float64Array(I);
  for (let base = 0; base < x.length; base += I) {
    for (let i = 0; i < I; i++) {
      const g = dy[base + i] * geluSlope(x[base + i] + b[i], tanhForm);
      dx[base + i] = g;
      db[i] += g;
    }
  }
  dbOut.set(db);
}

// tanh through exp(-2|a|): some WGSL tanh implementations return NaN for large arguments.
const GELU_WGSL = `
  ${ERF_WGSL}
  fn tanh_safe(a : f32) -> f32 {
    let e = exp(-2.0 * abs(a));
    return sign(a) * (1.0 - e) / (1.0 + e);
  }
  fn gelu_value(z : f32, tanhForm : i32) -> f32 {
    if (tanhForm == 0) { return 0.5 * z * (1.0 + erf_f32(z * 0.7071067811865476)); }
    return 0.5 * z * (1.0 + tanh_safe(0.7978845608028654 * (z + 0.044715 * z * z * z)));
  }
  fn gelu_slope(z : f32, tanhForm : i32) -> f32 {
    if (tanhForm == 0) {
      return 0.5 * (1.0 + erf_f32(z * 0.7071067811865476)) + z * 0.3989422804014327 * exp(-0.5 * z * z);
    }
    let t = tanh_safe(0.7978845608028654 * (z + 0.044715 * z * z * z));
    return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * 0.7978845608028654 * (1.0 + 0.134145 * z * z);
  }`;

export const BIAS_GELU = defineFusedKernel({
  name: 'BertBiasGelu',
  inputNames: ['x', 'bias'],
  outputShapes: (shapes) => [shapes[0]],
  host: hostForward,
  // The SIMD body has the erf form; the tanh form runs the host loop.
  simd(k, [x, bias], [y], shapes, attrs) {
    if (attrs.tanh === 1) return false;
    const I = shapes[1][0];
    runRows(k, 'biasGelu', tf.util.sizeFromShape(shapes[0]) / I, 64, (r0, r1) => [x + 4 * r0 * I, bias, y + 4 * r0 * I, r1 - r0, I]);
    return true;
  },
  webgpu(backend, inputs, attrs) {
    const [x, bias] = inputs as tf.TensorInfo[];
    const n = tf.util.sizeFromShape(x.shape);
    const body = 'result[index] = gelu_value(x[index] + bias[index % uniforms.I], uniforms.tanhForm);';
    const program = threadProgram('bias_gelu', ['x', 'bias'], x.shape, n, 'I : i32, tanhForm : i32,', body, GELU_WGSL);
    return [runThreads(backend, program, [x, bias], n, [int(bias.shape[0]), int(attrs.tanh)])];
  },
});

export const BIAS_GELU_GRAD = defineFusedKernel({
  name: 'BertBiasGeluGrad',
  inputNames: ['dy', 'x', 'bias'],
  outputShapes: (shapes) => [shapes[1], shapes[2]],
  host: hostBackward,
  simd(k, [dy, x, bias], [dx, dbias], shapes, attrs) {
    if (attrs.tanh === 1) return false;
    const I = shapes[2][0];
    // Split by columns: each bias gradient sums its column in row order, as on one thread.
    runColumns(k, 'biasGeluGrad', I, (i0, i1) => {
      const at = (p: number) => p + 4 * i0;
      return [at(dy), at(x), at(bias), at(dx), at(dbias), tf.util.sizeFromShape(shapes[1]) / I, i1 - i0, I];
    });
    return true;
  },
  webgpu(backend, inputs, attrs) {
    const [dy, x, bias] = inputs as tf.TensorInfo[];
    const n = tf.util.sizeFromShape(x.shape);
    const I = bias.shape[0];
    const u = [int(I), int(attrs.tanh), int(n / I)];
    const decl = 'I : i32, tanhForm : i32, N : i32,';
    const dxBody = 'result[index] = dy[index] * gelu_slope(x[index] + bias[index % uniforms.I], uniforms.tanhForm);';
    const dx = runThreads(backend, threadProgram('bias_gelu_dx', ['dy', 'x', 'bias'], x.shape, n, decl, dxBody, GELU_WGSL), [dy, x, bias], n, u);
    const dbBody = `
    var acc = 0.0;
    for (var r = 0; r < uniforms.N; r++) { acc = acc + dxs[r * uniforms.I + index]; }
    result[index] = acc;`;
    const db = runThreads(backend, threadProgram('bias_gelu_db', ['dxs'], [I], I, decl, dbBody), [dx], I, u);
    return [dx, db];
  },
});

export function biasGeluComposite(x: tf.Tensor2D, bias: tf.Tensor, form: GeluForm): tf.Tensor2D {
  const z = tf.add(x, bias);
  if (form === 'gelu') return tf.mul(tf.mul(z, 0.5), tf.add(1, tf.erf(tf.mul(z, Math.SQRT1_2))));
  const inner = tf.mul(TANH_C, tf.add(z, tf.mul(0.044715, tf.pow(z, 3))));
  return tf.mul(tf.mul(z, 0.5), tf.add(1, tf.tanh(inner)));
}

export function biasGelu(x: tf.Tensor2D, bias: tf.Tensor, form: GeluForm): tf.Tensor2D {
  if (!useFused(BIAS_GELU)) return biasGeluComposite(x, bias, form);
  const attrs = { tanh: form === 'gelu_new' ? 1 : 0 };
  return fusedOp(
    [x, bias],
    ([xs, b]) => ({ value: runFused(BIAS_GELU, [xs, b], attrs)[0], keep: [xs, b] }),
    (dy, [xs, b]) => runFused(BIAS_GELU_GRAD, [dy, xs, b], attrs),
  ) as tf.Tensor2D;
}
