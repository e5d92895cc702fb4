import * as tf from '@tensorflow/tfjs';
import { fusedSuite, randomArray } from './fused.test-util.js';
import { qaCrossEntropy } from './qa-cross-entropy.js';

const [B, L] = [3, 9];
// Positions out of range on both sides are clamped; the last row is padding (weight 0).
const constants = () => [
  tf.tensor1d([2, 0, 40], 'int32'),
  tf.tensor1d([5, -3, 1], 'int32'),
  tf.tensor1d([0.5, 0.5, 0], 'float32'),
];

fusedSuite('QA cross-entropy', [
  {
    name: 'weighted start/end',
    inputs: [
      { shape: [B, L], values: randomArray(B * L, 10, 3) },
      { shape: [B, L], values: randomArray(B * L, 11, 3) },
    ],
    constants,
    run: (xs, c) => qaCrossEntropy(xs[0] as tf.Tensor2D, xs[1] as tf.Tensor2D, c[0] as tf.Tensor1D, c[1] as tf.Tensor1D, c[2] as tf.Tensor1D),
    kernels: ['BertQaCrossEntropy', 'BertQaCrossEntropyGrad'],
  },
]);
