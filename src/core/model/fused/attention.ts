import * as tf from '@tensorflow/tfjs';
import { DROPOUT_WGSL, dropoutNoise, dropoutParams, keptScale } from './dropout.js';
import { defineFusedKernel, fusedOp, runFused, useFused, type HostInput } from './kernel.js';
import { float, int, runThreads, threadProgram } from './webgpu.js';
import { runRows } from './wasm-threads.js';

/**
 * Attention core: probs = dropout(softmax(scores * scale + maskAdd)) over the last axis, with scores
 * [B, A, L, L] and an additive key mask [B, L]. The backward pass recomputes the softmax from the
 * saved scores (one row at a time) instead of keeping the probabilities.
 */
export interface AttentionOptions {
  scale: number;
  /** Dropout on the probabilities; 0 (or no seed) disables it. */
  rate: number;
  seed: number;
}

interface RowParams {
  rows: number;
  len: number;
  perBatch: number;
}

function rowParams(shape: number[]): RowParams {
  const [B, A, Lq, Lk] = shape;
  return { rows: B * A * Lq, len: Lk, perBatch: A * Lq };
}

/** Softmax of row r of scores*scale + mask into out[base..base+len), in double, rounded once. */
function softmaxRow(s: Float32Array, m: Float32Array, out: Float32Array, base: number, mBase: number, len: number, scale: number): void {
  let max = -Infinity;
  for (let j = 0; j < len; j++) {
    const z = Math.fround(Math.fround(s[base + j] * scale) + m[mBase + j]);
    out[base + j] = z;
    if (z > max) max = z;
  }
  let sum = 0;
  for (let j = 0; j < len; j++) {
    const e = Math.exp(out[base + j] - max);
    out[base + j] = e;
    sum += e;
  }
  for (let j = 0; j < len; j++) out[base + j] /= sum;
}

function hostForward(inputs: (HostInput | undefined)[], outputs: Float32Array[], attrs: Record<string, number>): void {
  const [scores, mask, noise] = inputs as HostInput[];
  const s = scores.values as Float32Array;
  const m = mask.values as Float32Array;
  const out = outputs[0];
  const { rows, len, perBatch } = rowParams(scores.shape);
  for (let r = 0; r < rows; r++) {
    const base = r * len;
    softmaxRow(s, m, out, base, Math.floor(r / perBatch) * len, len, attrs.scale);
    if (noise) {
      const u = noise.values as Float32Array;
      for (let j = base; j < base + len; j++) out[j] = out[j] * keptScale(u[j], attrs.keep, attrs.dropScale);
    }
  }
}

function hostBackward(inputs: (HostInput | undefined)[], outputs: Float32Array[], attrs: Record<string, number>): void {
  const [dyIn, scores, mask, noise] = inputs as HostInput[];
  const dy = dyIn.values as Float32Array;
  const s = scores.values as Float32Array;
  const m = mask.values as Float32Array;
  const u = noise?.values as Float32Array | undefined;
  const dx = outputs[0];
  const { rows, len, perBatch } = rowParams(scores.shape);
  const g = new Float64Array(len);
  for (let r = 0; r < rows; r++) {
    const base = r * len;
    softmaxRow(s, m, dx, base, Math.floor(r / perBatch) * len, len, attrs.scale);
    let dot = 0;
    for (let j = 0; j < len; j++) {
      g[j] = u ? dy[base + j] * keptScale(u[base + j], attrs.keep, attrs.dropScale) : dy[base + j];
      dot += g[j] * dx[base + j];
    }
    for (let j = 0; j < len; j++) dx[base + j] = attrs.scale * dx[base + j] * (g[j] - dot);
  }
}

const SOFTMAX_ROW_WGSL = (target: string) => `
    let len = uniforms.len;
    let base = index * len;
    let mBase = (index / uniforms.perBatch) * len;
    var mx = -3.402823e+38;
    for (var j = 0; j < len; j++) {
      mx = max(mx, scores[base + j] * uniforms.scale + maskAdd[mBase + j]);
    }
    var sum = 0.0;
    for (var j = 0; j < len; j++) {
      sum = sum + exp(scores[base + j] * uniforms.scale + maskAdd[mBase + j] - mx);
    }
    let inv = 1.0 / sum;
    ${target}`;

function gpuUniforms(shape: number[], attrs: Record<string, number>) {
  const { rows, len, perBatch } = rowParams(shape);
  return { rows, uniforms: [int(len), int(perBatch), float(attrs.scale), float(attrs.keep), float(attrs.dropScale)] };
}

const UNIFORMS = 'len : i32, perBatch : i32, scale : f32, keep : f32, dropScale : f32,';

export const ATTENTION_PROBS = defineFusedKernel({
  name: 'BertAttentionProbs',
  inputNames: ['scores', 'maskAdd', 'noise?'],
  outputShapes: (shapes) => [shapes[0]],
  host: hostForward,
  simd(k, [scores, mask, noise], [out], [shape], attrs) {
    const { rows, len, perBatch } = rowParams(shape);
    // Split by batch item: each has its own mask row.
    runRows(k, 'attentionProbs', rows / perBatch, 1, (b0, b1) => {
      const at = (p: number) => (p ? p + 4 * b0 * perBatch * len : 0);
      return [at(scores), mask + 4 * b0 * len, at(noise), at(out), (b1 - b0) * perBatch, len, perBatch, attrs.scale, attrs.keep, attrs.dropScale];
    });
    return true;
  },
  webgpu(backend, inputs, attrs) {
    const [scores, , noise] = inputs;
    const { rows, uniforms } = gpuUniforms(scores!.shape, attrs);
    const drop = noise ? ' * kept_scale(noise[base + j], uniforms.keep, uniforms.dropScale)' : '';
    const body = SOFTMAX_ROW_WGSL(`
    for (var j = 0; j < len; j++) {
      result[base + j] = exp(scores[base + j] * uniforms.scale + maskAdd[mBase + j] - mx) * inv${drop};
    }`);
    const names = noise ? ['scores', 'maskAdd', 'noise'] : ['scores', 'maskAdd'];
    const program = threadProgram(`attention_probs_${names.length}`, names, scores!.shape, rows, UNIFORMS, body, DROPOUT_WGSL);
    return [runThreads(backend, program, inputs.filter((t) => t) as tf.TensorInfo[], rows, uniforms)];
  },
});

export const ATTENTION_PROBS_GRAD = defineFusedKernel({
  name: 'BertAttentionProbsGrad',
  inputNames: ['dy', 'scores', 'maskAdd', 'noise?'],
  outputShapes: (shapes) => [shapes[1]],
  host: hostBackward,
  simd(k, [dy, scores, mask, noise], [dx], shapes, attrs) {
    const { rows, len, perBatch } = rowParams(shapes[1]);
    runRows(k, 'attentionProbsGrad', rows / perBatch, 1, (b0, b1) => {
      const at = (p: number) => (p ? p + 4 * b0 * perBatch * len : 0);
      return [at(dy), at(scores), mask + 4 * b0 * len, at(noise), at(dx), (b1 - b0) * perBatch, len, perBatch, attrs.scale, attrs.keep, attrs.dropScale];
    });
    return true;
  },
  webgpu(backend, inputs, attrs) {
    const [, scores, , noise] = inputs;
    const { rows, uniforms } = gpuUniforms(scores!.shape, attrs);
    const g = noise ? 'dy[base + j] * kept_scale(noise[base + j], uniforms.keep, uniforms.dropScale)' : 'dy[base + j]';
    const body = SOFTMAX_ROW_WGSL(`
    var dot = 0.0;
    for (var j = 0; j < len; j++) {
      dot = dot + ${g} * exp(scores[base + j] * uniforms.scale + maskAdd[mBase + j] - mx) * inv;
    }
    for (var j = 0; j < len; j++) {
      let p = exp(scores[base + j] * uniforms.scale + maskAdd[mBase + j] - mx) * inv;
      result[base + j] = uniforms.scale * p * (${g} - dot);
    }`);
    const names = noise ? ['dy', 'scores', 'maskAdd', 'noise'] : ['dy', 'scores', 'maskAdd'];
    const program = threadProgram(`attention_probs_grad_${names.length}`, names, scores!.shape, rows, UNIFORMS, body, DROPOUT_WGSL);
    return [runThreads(backend, program, inputs.filter((t) => t) as tf.TensorInfo[], rows, uniforms)];
  },
});

/** The stock-op version, also the oracle for the fused kernels. */
export function attentionProbsComposite(scores: tf.Tensor4D, maskAdd: tf.Tensor2D, options: AttentionOptions): tf.Tensor4D {
  const [B, , , L] = scores.shape;
  const logits = tf.add(tf.mul(scores, options.scale), tf.reshape(maskAdd, [B, 1, 1, L]));
  const probs = tf.softmax(logits, -1) as tf.Tensor4D;
  return options.rate > 0 ? (tf.dropout(probs, options.rate, undefined, options.seed) as tf.Tensor4D) : probs;
}

export function attentionProbs(scores: tf.Tensor4D, maskAdd: tf.Tensor2D, options: AttentionOptions): tf.Tensor4D {
  if (!useFused(ATTENTION_PROBS)) return attentionProbsComposite(scores, maskAdd, options);
  const { keep, scale: dropScale } = dropoutParams(options.rate);
  const attrs = { scale: options.scale, keep, dropScale };
  return fusedOp(
    [scores],
    ([x]) => {
      const noise = options.rate > 0 ? dropoutNoise(scores.shape, options.seed) : undefined;
      const value = runFused(ATTENTION_PROBS, [x, maskAdd, noise], attrs)[0];
      return { value, keep: noise ? [x, maskAdd, noise] : [x, maskAdd] };
    },
    (dy, kept) => runFused(ATTENTION_PROBS_GRAD, [dy, ...kept], attrs)[0],
  ) as tf.Tensor4D;
}
