import * as tf from '@tensorflow/tfjs';
import { defineFusedKernel, fusedOp, runFused, useFused, type HostInput } from './kernel.js';
import { float, int, runThreads, threadProgram } from './webgpu.js';
import { runRows } from './wasm-threads.js';

/**
 * LayerNorm over the last axis of x [N, H]: (x - mean) / sqrt(var + eps) * gamma + beta. Forward is
 * one pass per row; backward recomputes the row statistics from x instead of saving them.
 */

function rowStats(x: Float32Array, base: number, H: number, eps: number): [number, number] {
  let mean = 0;
  for (let h = 0; h < H; h++) mean += x[base + h];
  mean /= H;
  let v = 0;
  for (let h = 0; h < H; h++) {
    const d = x[base + h] - mean;
    v += d * d;
  }
  return [mean, 1 / Math.sqrt(v / H + eps)];
}

function hostForward(inputs: (HostInput | undefined)[], outputs: Float32Array[], attrs: Record<string, number>): void {
  const [xIn, gIn, bIn] = inputs as HostInput[];
  const x = xIn.values as Float32Array;
  const gamma = gIn.values as Float32Array;
  const beta = bIn.values as Float32Array;
  const y = outputs[0];
  const H = xIn.shape[xIn.shape.length - 1];
  const N = x.length / H;
  for (let n = 0; n < N; n++) {
    const base = n * H;
    const [mean, rstd] = rowStats(x, base, H, attrs.eps);
    for (let h = 0; h < H; h++) y[base + h] = (x[base + h] - mean) * rstd * gamma[h] + beta[h];
  }
}

/** dx = rstd * (g - mean(g) - xhat * mean(g * xhat)) with g = dy * gamma; dgamma = sum dy * xhat; dbeta = sum dy. */
function hostBackward(inputs: (HostInput | undefined)[], outputs: Float32Array[], attrs: Record<string, number>): void {
  const [dyIn, xIn, gIn] = inputs as HostInput[];
  const dy = dyIn.values as Float32Array;
  const x = xIn.values as Float32Array;
  const gamma = gIn.values as Float32Array;
  const [dx, dgammaOut, dbetaOut] = outputs;
  const H = xIn.shape[xIn.shape.length - 1];
  const N = x.length / H;
  const dgamma = new Float64Array(H);
  const dbeta = new Float64Array(H);
  for (let n = 0; n < N; n++) {
    const base = n * H;
    const [mean, rstd] = rowStats(x, base, H, attrs.eps);
    let sumG = 0;
    let sumGX = 0;
    for (let h = 0; h < H; h++) {
      const xhat = (x[base + h] - mean) * rstd;
      const d = dy[base + h];
      const g = d * gamma[h];
      sumG += g;
      sumGX += g * xhat;
      dgamma[h] += d * xhat;
      dbeta[h] += d;
    }
    sumG /= H;
    sumGX /= H;
    for (let h = 0; h < H; h++) {
      const xhat = (x[base + h] - mean) * rstd;
      dx[base + h] = rstd * (dy[base + h] * gamma[h] - sumG - xhat * sumGX);
    }
  }
  dgammaOut.set(dgamma);
  dbetaOut.set(dbeta);
}

const STATS_WGSL = `
    let H = uniforms.H;
    let base = row * H;
    var mean = 0.0;
    for (var h = 0; h < H; h++) { mean = mean + x[base + h]; }
    mean = mean / f32(H);
    var v = 0.0;
    for (var h = 0; h < H; h++) { let d = x[base + h] - mean; v = v + d * d; }
    let rstd = inverseSqrt(v / f32(H) + uniforms.eps);`;

export const LAYER_NORM = defineFusedKernel({
  name: 'BertLayerNorm',
  inputNames: ['x', 'gamma', 'beta'],
  outputShapes: (shapes) => [shapes[0]],
  host: hostForward,
  simd(k, [x, gamma, beta], [y], [shape], attrs) {
    const H = shape[shape.length - 1];
    runRows(k, 'layerNorm', tf.util.sizeFromShape(shape) / H, 64, (r0, r1) => [x + 4 * r0 * H, gamma, beta, y + 4 * r0 * H, r1 - r0, H, attrs.eps]);
    return true;
  },
  webgpu(backend, inputs, attrs) {
    const x = inputs[0]!;
    const H = x.shape[x.shape.length - 1];
    const N = tf.util.sizeFromShape(x.shape) / H;
    const body = `let row = index;${STATS_WGSL}
    for (var h = 0; h < H; h++) { result[base + h] = (x[base + h] - mean) * rstd * gamma[h] + beta[h]; }`;
    const program = threadProgram('layer_norm', ['x', 'gamma', 'beta'], x.shape, N, 'H : i32, eps : f32,', body);
    return [runThreads(backend, program, inputs as tf.TensorInfo[], N, [int(H), float(attrs.eps)])];
  },
});

export const LAYER_NORM_GRAD = defineFusedKernel({
  name: 'BertLayerNormGrad',
  inputNames: ['dy', 'x', 'gamma'],
  outputShapes: (shapes) => [shapes[1], shapes[2], shapes[2]],
  host: hostBackward,
  simd(k, [dy, x, gamma], [dx, dgamma, dbeta], shapes, attrs) {
    const H = shapes[1][shapes[1].length - 1];
    k.layerNormGrad(dy, x, gamma, dx, dgamma, dbeta, tf.util.sizeFromShape(shapes[1]) / H, H, attrs.eps);
    return true;
  },
  webgpu(backend, inputs, attrs) {
    const [dy, x, gamma] = inputs as tf.TensorInfo[];
    const H = x.shape[x.shape.length - 1];
    const N = tf.util.sizeFromShape(x.shape) / H;
    const u = [int(H), float(attrs.eps), int(N)];
    const decl = 'H : i32, eps : f32, N : i32,';
    // Row statistics [N, 2] once, then dx by rows and the two parameter gradients by columns.
    const statsBody = `let row = index;${STATS_WGSL}
    result[2 * row] = mean;
    result[2 * row + 1] = rstd;`;
    const stats = runThreads(backend, threadProgram('layer_norm_stats', ['x'], [N, 2], N, decl, statsBody), [x], N, u);
    const dxBody = `
    let H = uniforms.H;
    let base = index * H;
    let mean = stats[2 * index];
    let rstd = stats[2 * index + 1];
    var sumG = 0.0;
    var sumGX = 0.0;
    for (var h = 0; h < H; h++) {
      let g = dy[base + h] * gamma[h];
      sumG = sumG + g;
      sumGX = sumGX + g * (x[base + h] - mean) * rstd;
    }
    sumG = sumG / f32(H);
    sumGX = sumGX / f32(H);
    for (var h = 0; h < H; h++) {
      result[base + h] = rstd * (dy[base + h] * gamma[h] - sumG - (x[base + h] - mean) * rstd * sumGX);
    }`;
    const dx = runThreads(backend, threadProgram('layer_norm_dx', ['dy', 'x', 'gamma', 'stats'], x.shape, N, decl, dxBody), [dy, x, gamma, stats], N, u);
    const column = (term: string) => `
    let H = uniforms.H;
    var acc = 0.0;
    for (var n = 0; n < uniforms.N; n++) {
      let i = n * H + index;
      acc = acc + ${term};
    }
    result[index] = acc;`;
    const dgamma = runThreads(
      backend,
      threadProgram('layer_norm_dgamma', ['dy', 'x', 'stats'], [H], H, decl, column('dy[i] * (x[i] - stats[2 * n]) * stats[2 * n + 1]')),
      [dy, x, stats],
      H,
      u,
    );
    const dbeta = runThreads(backend, threadProgram('layer_norm_dbeta', ['dy'], [H], H, decl, column('dy[i]')), [dy], H, u);
    backend.disposeData(stats.dataId);
    return [dx, dgamma, dbeta];
  },
});

export function layerNormComposite(x: tf.Tensor2D, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor2D {
  const mean = tf.mean(x, -1, true);
  const centered = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centered), -1, true);
  const normed = tf.mul(centered, tf.rsqrt(tf.add(variance, eps)));
  return tf.add(tf.mul(normed, gamma), beta);
}

export function layerNorm(x: tf.Tensor2D, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor2D {
  if (!useFused(LAYER_NORM)) return layerNormComposite(x, gamma, beta, eps);
  return fusedOp(
    [x, gamma, beta],
    ([xs, g, b]) => ({ value: runFused(LAYER_NORM, [xs, g, b], { eps })[0], keep: [xs, g] }),
    (dy, [xs, g]) => runFused(LAYER_NORM_GRAD, [dy, xs, g], { eps }),
  ) as tf.Tensor2D;
}
