import * as tf from '@tensorflow/tfjs';
import { defineFusedKernel, fusedOp, runFused, useFused, type HostInput } from './kernel.js';
import { int, runThreads, threadProgram } from './webgpu.js';
import { runColumns } from './wasm-threads.js';

/**
 * Row lookup whose gradient is one scatter-add of dy [N, W] into a zeroed [rows, W] table.
 * `paddingIdx` (-1: none) gets no gradient, as in torch's nn.Embedding(padding_idx=...), which
 * Hugging Face uses for the word embeddings.
 */

function hostScatter(inputs: (HostInput | undefined)[], outputs: Float32Array[], attrs: Record<string, number>): void {
  const [dyIn, idsIn] = inputs as HostInput[];
  const dy = dyIn.values as Float32Array;
  const ids = idsIn.values;
  const out = outputs[0];
  const W = dyIn.shape[1];
  out.fill(0);
  for (let n = 0; n < ids.length; n++) {
    const id = ids[n];
    if (id === attrs.paddingIdx || id < 0 || id >= attrs.rows) continue;
    const src = n * W;
    const dst = id * W;
    for (let w = 0; w < W; w++) out[dst + w] += dy[src + w];
  }
}

export const EMBEDDING_GRAD = defineFusedKernel({
  name: 'BertEmbeddingGrad',
  inputNames: ['dy', 'ids'],
  outputShapes: (shapes, attrs) => [[attrs.rows, shapes[0][1]]],
  host: hostScatter,
  // Split by columns: every element still adds its tokens in order, as on one thread.
  simd(k, [dy, ids], [out], shapes, attrs) {
    const [N, W] = shapes[0];
    runColumns(k, 'embeddingGrad', W, (c0, c1) => [dy + 4 * c0, ids, out + 4 * c0, N, c1 - c0, W, attrs.rows, attrs.paddingIdx]);
    return true;
  },
  webgpu(backend, inputs, attrs) {
    const [dy, ids] = inputs as tf.TensorInfo[];
    const [N, W] = dy.shape;
    const size = attrs.rows * W;
    const zero = threadProgram('embedding_zero', [], [attrs.rows, W], size, '', 'result[index] = 0.0;');
    const out = runThreads(backend, zero, [], size, []);
    // One thread per column walks the tokens in order: no two threads touch the same element.
    const body = `
    let W = uniforms.W;
    for (var n = 0; n < uniforms.N; n++) {
      let id = ids[n];
      if (id == uniforms.paddingIdx || id < 0 || id >= uniforms.rows) { continue; }
      result[id * W + index] = result[id * W + index] + dy[n * W + index];
    }`;
    const scatter = threadProgram('embedding_scatter', ['dy', 'ids'], [attrs.rows, W], W, 'W : i32, N : i32, paddingIdx : i32, rows : i32,', body);
    runThreads(backend, scatter, [dy, ids], W, [int(W), int(N), int(attrs.paddingIdx), int(attrs.rows)], out);
    return [out];
  },
});

/**
 * The lookup itself on wasm: one row copy per token. tfjs-wasm's GatherV2 walks element by element
 * through generic index arithmetic, about 20x slower than copying rows.
 */
export const EMBEDDING_ROWS = defineFusedKernel({
  name: 'BertEmbeddingRows',
  inputNames: ['table', 'ids'],
  backends: ['wasm'],
  outputShapes: (shapes) => [[shapes[1][0], shapes[0][1]]],
  host([tableIn, idsIn], [out]) {
    const table = tableIn!.values as Float32Array;
    const ids = idsIn!.values;
    const [rows, W] = tableIn!.shape;
    for (let n = 0; n < ids.length; n++) {
      const id = ids[n];
      if (!(id >= 0 && id < rows)) throw new Error(`embedding lookup: id ${id} at position ${n} is outside the table's ${rows} rows`);
      out.set(table.subarray(id * W, id * W + W), n * W);
    }
  },
  webgpu() {
    throw new Error('BertEmbeddingRows runs on wasm only');
  },
});

export function embeddingGradComposite(dy: tf.Tensor2D, ids: tf.Tensor1D, rows: number, paddingIdx?: number): tf.Tensor2D {
  const kept = paddingIdx === undefined ? dy : tf.mul(dy, tf.expandDims(tf.cast(tf.notEqual(ids, paddingIdx), 'float32'), 1));
  return tf.scatterND(tf.reshape(ids, [-1, 1]), kept, [rows, dy.shape[1]]);
}

/**
 * tf.gather of table rows with a scatter-add gradient: tf.gather's own gradient needs
 * UnsortedSegmentSum, which the wasm backend lacks. The ids are kept for the backward pass:
 * tensors a gradient merely closes over are freed after the forward pass.
 */
export function embeddingLookup(table: tf.Tensor, ids: tf.Tensor1D, paddingIdx?: number): tf.Tensor2D {
  const rows = table.shape[0];
  const fused = useFused(EMBEDDING_GRAD);
  return fusedOp(
    [table],
    ([t]) => ({ value: useFused(EMBEDDING_ROWS) && ids.dtype === 'int32' ? runFused(EMBEDDING_ROWS, [t, ids])[0] : tf.gather(t, ids), keep: [ids] }),
    (dy, [idx]) =>
      fused
        ? runFused(EMBEDDING_GRAD, [dy, idx], { rows, paddingIdx: paddingIdx ?? -1 })[0]
        : embeddingGradComposite(dy as tf.Tensor2D, idx as tf.Tensor1D, rows, paddingIdx),
  ) as tf.Tensor2D;
}
