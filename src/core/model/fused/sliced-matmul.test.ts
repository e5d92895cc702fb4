import * as tf from '@tensorflow/tfjs';
import { fusedSuite, randomArray } from './fused.test-util.js';
import { matMul } from './linear.js';
import { SLICED_MATMUL, SWAP_LAST } from './sliced-matmul.js';

const param = (shape: number[], seed: number) => ({ shape, values: randomArray(shape.reduce((a, b) => a * b), seed) });
const kernels = [SLICED_MATMUL, SWAP_LAST];

// Attention's products: scores = q k^T and context = probs v, batch [B, A] = [2, 3].
fusedSuite('batched matMul (one XNNPACK product per slice on wasm)', [
  {
    name: 'q k^T',
    inputs: [param([2, 3, 7, 5], 40), param([2, 3, 6, 5], 41)],
    run: (xs) => matMul(xs[0] as tf.Tensor4D, xs[1] as tf.Tensor4D, false, true),
    kernels,
  },
  {
    name: 'probs v',
    inputs: [param([2, 3, 7, 6], 42), param([2, 3, 6, 5], 43)],
    run: (xs) => matMul(xs[0] as tf.Tensor4D, xs[1] as tf.Tensor4D),
    kernels,
  },
  {
    name: 'a^T b^T',
    inputs: [param([2, 2, 6, 7], 44), param([2, 2, 5, 6], 45)],
    run: (xs) => matMul(xs[0] as tf.Tensor4D, xs[1] as tf.Tensor4D, true, true),
    kernels,
  },
]);
