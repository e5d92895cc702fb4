import * as tf from '@tensorflow/tfjs';
import { type BackendKernels, defineComposedKernel, fusedOp, runFused, useFused } from './kernel.js';
import { transposesAreFree } from './wasm-shared.js';

/**
 * A dense layer y = x W^T + b with a Hugging Face weight [out, in], optionally reading its input in
 * attention-head layout [B, A, L, D] and/or writing its output in it, forward and backward as one
 * kernel each. Inside, the backend's own matmul/transpose/sum kernels do the work: on webgpu and on
 * wasm's SIMD product the transpose flags are free; on cpu every product is plain (a transpose flag
 * there runs 10-30x slower).
 */
export interface HeadLayout {
  /** Input is [B, A, L, D] (the attention context), merged to [B*L, A*D] inside. */
  headsIn?: boolean;
  /** Output is split to [B, A, L, D] (queries, keys, values). */
  headsOut?: boolean;
  B: number;
  L: number;
  A: number;
}

const HEADS_PERM = [0, 2, 1, 3];

function rows(k: BackendKernels, x: tf.TensorInfo, attrs: Record<string, number>, width: number): tf.TensorInfo {
  const N = attrs.B * attrs.L;
  if (!attrs.headsIn) return k.view(x, [1, N, width]);
  return k.view(k.transpose(x, HEADS_PERM), [1, N, width]);
}

const LINEAR = defineComposedKernel('BertLinear', ['x', 'weight', 'bias?'], (k, [x, weight, bias], attrs) => {
  const [out, inDim] = weight.shape;
  const { B, L, A } = attrs;
  const xs = rows(k, x, attrs, inDim);
  const flags = k.transposesAreFree;
  const w = flags ? k.view(weight, [1, out, inDim]) : k.view(k.transpose(weight, [1, 0]), [1, inDim, out]);
  const y = bias ? k.matMulBias(xs, w, bias, flags) : k.matMul(xs, w, false, flags);
  if (!attrs.headsOut) return [k.view(y, [B * L, out])];
  return [k.transpose(k.view(y, [B, L, A, out / A]), HEADS_PERM)];
});

const LINEAR_GRAD = defineComposedKernel('BertLinearGrad', ['dy', 'x', 'weight'], (k, [dy, x, weight], attrs) => {
  const [out, inDim] = weight.shape;
  const { B, L, A } = attrs;
  const N = B * L;
  const dyRows = attrs.headsOut ? k.view(k.transpose(dy, HEADS_PERM), [1, N, out]) : k.view(dy, [1, N, out]);
  const xs = rows(k, x, attrs, inDim);
  const dxRows = k.matMul(dyRows, k.view(weight, [1, out, inDim]));
  const dx = attrs.headsIn ? k.transpose(k.view(dxRows, [B, L, A, inDim / A]), HEADS_PERM) : k.view(dxRows, x.shape);
  // On cpu: with a wide input (the feed-forward output layer) dW^T = x^T dy, transposed back, runs faster.
  const plain = (left: tf.TensorInfo, width: number, right: tf.TensorInfo) =>
    k.matMul(k.view(k.transpose(k.view(left, [N, width]), [1, 0]), [1, width, N]), right);
  const dw =
    k.transposesAreFree
      ? k.matMul(dyRows, xs, true, false)
      : inDim > out
        ? k.transpose(k.view(plain(xs, inDim, dyRows), [inDim, out]), [1, 0])
        : plain(dyRows, out, xs);
  const grads = [dx, k.view(dw, [out, inDim])];
  return attrs.hasBias ? [...grads, k.sum(k.view(dyRows, [N, out]), [0])] : grads;
});

/** x with its last two axes swapped. */
function swapLast<T extends tf.Tensor>(x: T): T {
  const perm = x.shape.map((_, i) => i);
  [perm[x.rank - 2], perm[x.rank - 1]] = [perm[x.rank - 1], perm[x.rank - 2]];
  return tf.transpose(x, perm) as T;
}

/**
 * a @ b with optional transposes of either operand, forward and backward. On webgpu and on wasm's
 * SIMD product the flags run at full speed, and tfjs's own gradient is used. On cpu a BatchMatMul
 * with a transpose flag runs 10-30x slower than a plain one, and tfjs's gradient uses those flags;
 * there every product is plain and the transposes are explicit copies, which cost a fraction of it.
 */
export function matMul<T extends tf.Tensor>(a: T, b: T, transposeA = false, transposeB = false): T {
  if (transposesAreFree()) return tf.matMul(a as tf.Tensor, b as tf.Tensor, transposeA, transposeB) as T;
  // Keeps the operands as given and builds each gradient from them with at most activation-sized
  // transposes, each product in its own tidy: no weight-sized copy outlives the op that made it.
  return fusedOp(
    [a, b],
    ([x, y]) => ({ value: tf.tidy(() => tf.matMul(transposeA ? swapLast(x) : x, transposeB ? swapLast(y) : y)), keep: [x, y] }),
    (dy, [x0, y0]) => {
      // d(left) = dy @ right^T and d(right) = left^T @ dy, with right^T = y0 when transposeB, left^T = x0 when transposeA.
      const dx = tf.tidy(() => (transposeA ? tf.matMul(transposeB ? swapLast(y0) : y0, swapLast(dy)) : tf.matMul(dy, transposeB ? y0 : swapLast(y0))));
      const dyArg = tf.tidy(() => (transposeB ? tf.matMul(swapLast(dy), transposeA ? swapLast(x0) : x0) : tf.matMul(transposeA ? x0 : swapLast(x0), dy)));
      return [dx, dyArg];
    },
  ) as T;
}

export function linearComposite(x: tf.Tensor, weight: tf.Tensor2D, bias: tf.Tensor1D | undefined, layout: HeadLayout): tf.Tensor {
  const { B, L, A } = layout;
  const [out, inDim] = weight.shape;
  const rowsIn = layout.headsIn ? tf.reshape(tf.transpose(x, HEADS_PERM), [B * L, inDim]) : x;
  const product = matMul(rowsIn as tf.Tensor2D, weight, false, true);
  const y = bias ? tf.add(product, bias) : product;
  return layout.headsOut ? tf.transpose(tf.reshape(y, [B, L, A, out / A]), HEADS_PERM) : y;
}

/**
 * x W^T (+ b). The weight is read through the closure in the backward pass (parameters outlive
 * it); only x is saved.
 */
export function linear(x: tf.Tensor, weight: tf.Tensor2D, bias: tf.Tensor1D | undefined, layout: HeadLayout): tf.Tensor {
  if (!useFused(LINEAR)) return linearComposite(x, weight, bias, layout);
  const attrs = { B: layout.B, L: layout.L, A: layout.A, headsIn: layout.headsIn ? 1 : 0, headsOut: layout.headsOut ? 1 : 0, hasBias: bias ? 1 : 0 };
  return fusedOp(
    bias ? [x, weight, bias] : [x, weight],
    ([xs, w, b]) => ({ value: runFused(LINEAR, [xs, w, b], attrs)[0], keep: [xs] }),
    (dy, [xs]) => runFused(LINEAR_GRAD, [dy, xs, weight], attrs),
  );
}
