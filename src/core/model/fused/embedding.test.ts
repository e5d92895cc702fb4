import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { setupBackend } from '../../../../cli/backend.js';
import { fusedSuite, randomArray } from './fused.test-util.js';
import { embeddingLookup } from './embedding.js';

const [rows, W] = [11, 8];
// Repeated ids accumulate; id 0 is padding in the first case.
const ids = () => [tf.tensor1d([3, 0, 3, 7, 10, 0, 3, 1], 'int32')];
const table = { shape: [rows, W], values: randomArray(rows * W, 12) };
const kernels = ['BertEmbeddingGrad', 'BertEmbeddingRows'];

fusedSuite('embedding scatter-add gradient', [
  { name: 'with a padding row', inputs: [table], constants: ids, run: (xs, c) => embeddingLookup(xs[0], c[0] as tf.Tensor1D, 0), kernels },
  { name: 'without a padding row', inputs: [table], constants: ids, run: (xs, c) => embeddingLookup(xs[0], c[0] as tf.Tensor1D), kernels },
]);

it('an id outside the table is refused with its position on wasm', async () => {
  await setupBackend('wasm');
  const t = tf.zeros([4, 2]);
  const bad = tf.tensor1d([1, 4], 'int32');
  expect(() => embeddingLookup(t, bad)).toThrow('id 4 at position 1 is outside the table\'s 4 rows');
  tf.dispose([t, bad]);
});
