import * as tf from '@tensorflow/tfjs';
import { defineFusedKernel, fusedOp, runFused, useFused, type HostInput } from './kernel.js';
import { int, runThreads, threadProgram } from './webgpu.js';

/**
 * The weighted QA loss sum_b w_b * (CE(start_b) + CE(end_b)) / 2 over logits [B, L] and int32
 * positions [B] clamped to [0, L), in one kernel; its gradient is w_b / 2 * (softmax - onehot) * dy.
 */

const clampPos = (p: number, L: number): number => Math.min(Math.max(p, 0), L - 1);

function rowCe(z: Float32Array, base: number, L: number, pos: number): number {
  let max = -Infinity;
  for (let j = 0; j < L; j++) max = Math.max(max, z[base + j]);
  let sum = 0;
  for (let j = 0; j < L; j++) sum += Math.exp(z[base + j] - max);
  return max + Math.log(sum) - z[base + clampPos(pos, L)];
}

function hostForward(inputs: (HostInput | undefined)[], outputs: Float32Array[]): void {
  const [sIn, eIn, spIn, epIn, wIn] = inputs as HostInput[];
  const [B, L] = sIn.shape;
  const s = sIn.values as Float32Array;
  const e = eIn.values as Float32Array;
  let loss = 0;
  for (let b = 0; b < B; b++) {
    loss += wIn.values[b] * 0.5 * (rowCe(s, b * L, L, spIn.values[b]) + rowCe(e, b * L, L, epIn.values[b]));
  }
  outputs[0][0] = loss;
}

function rowGrad(z: Float32Array, out: Float32Array, base: number, L: number, pos: number, coef: number): void {
  let max = -Infinity;
  for (let j = 0; j < L; j++) max = Math.max(max, z[base + j]);
  let sum = 0;
  for (let j = 0; j < L; j++) sum += Math.exp(z[base + j] - max);
  const target = clampPos(pos, L);
  for (let j = 0; j < L; j++) out[base + j] = coef * (Math.exp(z[base + j] - max) / sum - (j === target ? 1 : 0));
}

function hostBackward(inputs: (HostInput | undefined)[], outputs: Float32Array[]): void {
  const [dyIn, sIn, eIn, spIn, epIn, wIn] = inputs as HostInput[];
  const [B, L] = sIn.shape;
  for (let b = 0; b < B; b++) {
    const coef = dyIn.values[0] * wIn.values[b] * 0.5;
    rowGrad(sIn.values as Float32Array, outputs[0], b * L, L, spIn.values[b], coef);
    rowGrad(eIn.values as Float32Array, outputs[1], b * L, L, epIn.values[b], coef);
  }
}

const ROW_WGSL = `
  fn row_lse(base : i32, L : i32, which : i32) -> vec2<f32> {
    var mx = -3.402823e+38;
    for (var j = 0; j < L; j++) { mx = max(mx, logit(which, base + j)); }
    var sum = 0.0;
    for (var j = 0; j < L; j++) { sum = sum + exp(logit(which, base + j) - mx); }
    return vec2<f32>(mx, sum);
  }`;

const LOGIT_START_END = `
  fn logit(which : i32, i : i32) -> f32 {
    if (which == 0) { return startLogits[i]; }
    return endLogits[i];
  }`;

export const QA_CROSS_ENTROPY = defineFusedKernel({
  name: 'BertQaCrossEntropy',
  inputNames: ['startLogits', 'endLogits', 'startPositions', 'endPositions', 'rowWeights'],
  outputShapes: () => [[]],
  host: hostForward,
  webgpu(backend, inputs) {
    const [B, L] = inputs[0]!.shape;
    const body = `
    let L = uniforms.L;
    var loss = 0.0;
    for (var b = 0; b < uniforms.B; b++) {
      let base = b * L;
      let s = row_lse(base, L, 0);
      let e = row_lse(base, L, 1);
      let ce = s.x + log(s.y) - startLogits[base + clamp(startPositions[b], 0, L - 1)]
        + e.x + log(e.y) - endLogits[base + clamp(endPositions[b], 0, L - 1)];
      loss = loss + rowWeights[b] * 0.5 * ce;
    }
    result[0] = loss;`;
    const names = ['startLogits', 'endLogits', 'startPositions', 'endPositions', 'rowWeights'];
    // Computed as a [1] tensor, handed back as the scalar it is (same single value).
    const program = threadProgram('qa_ce', names, [1], 1, 'B : i32, L : i32,', body, LOGIT_START_END + ROW_WGSL);
    const out = runThreads(backend, program, inputs as tf.TensorInfo[], 1, [int(B), int(L)]);
    return [{ ...out, shape: [] }];
  },
});

export const QA_CROSS_ENTROPY_GRAD = defineFusedKernel({
  name: 'BertQaCrossEntropyGrad',
  inputNames: ['dy', 'startLogits', 'endLogits', 'startPositions', 'endPositions', 'rowWeights'],
  outputShapes: (shapes) => [shapes[1], shapes[2]],
  host: hostBackward,
  webgpu(backend, inputs) {
    const [dy, start, end, sp, ep, w] = inputs as tf.TensorInfo[];
    const [B, L] = start.shape;
    const side = (which: number, positions: string) => {
      const body = `
      let L = uniforms.L;
      let base = index * L;
      let st = row_lse(base, L, ${which});
      let label = clamp(${positions}[index], 0, L - 1);
      let coef = dy[0] * rowWeights[index] * 0.5;
      for (var j = 0; j < L; j++) {
        result[base + j] = coef * (exp(logit(${which}, base + j) - st.x) / st.y - select(0.0, 1.0, j == label));
      }`;
      const names = ['dy', 'startLogits', 'endLogits', positions, 'rowWeights'];
      const program = threadProgram(`qa_ce_grad_${which}`, names, [B, L], B, 'L : i32,', body, LOGIT_START_END + ROW_WGSL);
      return runThreads(backend, program, [dy, start, end, which === 0 ? sp : ep, w], B, [int(L)]);
    };
    return [side(0, 'startPositions'), side(1, 'endPositions')];
  },
});

/** Cross-entropy of each row of logits [B, L] against int positions [B], clamped to [0, L): shape [B]. */
export function rowCrossEntropy(logits: tf.Tensor2D, positions: tf.Tensor1D): tf.Tensor1D {
  const L = logits.shape[1];
  // Clamped in float32: the wasm backend's clipByValue ignores the bounds on int32 tensors.
  const clamped = tf.cast(tf.clipByValue(tf.cast(positions, 'float32'), 0, L - 1), 'int32');
  return tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits, -1), tf.oneHot(clamped, L)), -1)) as tf.Tensor1D;
}

export function qaCrossEntropyComposite(
  startLogits: tf.Tensor2D,
  endLogits: tf.Tensor2D,
  startPositions: tf.Tensor1D,
  endPositions: tf.Tensor1D,
  rowWeights: tf.Tensor1D,
): tf.Scalar {
  const perRow = tf.mul(tf.add(rowCrossEntropy(startLogits, startPositions), rowCrossEntropy(endLogits, endPositions)), 0.5);
  return tf.sum(tf.mul(perRow, rowWeights));
}

export function qaCrossEntropy(
  startLogits: tf.Tensor2D,
  endLogits: tf.Tensor2D,
  startPositions: tf.Tensor1D,
  endPositions: tf.Tensor1D,
  rowWeights: tf.Tensor1D,
): tf.Scalar {
  if (!useFused(QA_CROSS_ENTROPY)) return qaCrossEntropyComposite(startLogits, endLogits, startPositions, endPositions, rowWeights);
  const labels = [startPositions, endPositions, rowWeights];
  return fusedOp(
    [startLogits, endLogits],
    ([s, e]) => ({ value: runFused(QA_CROSS_ENTROPY, [s, e, ...labels])[0], keep: [s, e, ...labels] }),
    (dy, kept) => runFused(QA_CROSS_ENTROPY_GRAD, [dy, ...kept]),
  ) as tf.Scalar;
}
