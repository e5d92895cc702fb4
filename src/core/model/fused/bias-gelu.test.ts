import * as tf from '@tensorflow/tfjs';
import { fusedSuite, randomArray } from './fused.test-util.js';
import { biasGelu, type GeluForm } from './bias-gelu.js';

const [N, I] = [5, 24];
const inputs = [
  { shape: [N, I], values: randomArray(N * I, 6, 4) },
  { shape: [I], values: randomArray(I, 7) },
];
const kernels = ['BertBiasGelu', 'BertBiasGeluGrad'];
const run = (form: GeluForm) => (xs: tf.Tensor[]) => biasGelu(xs[0] as tf.Tensor2D, xs[1], form);

fusedSuite('bias + GELU', [
  { name: 'erf form (gelu)', inputs, run: run('gelu'), kernels },
  { name: 'tanh form (gelu_new)', inputs, run: run('gelu_new'), kernels },
  // A width that is not a multiple of 4 takes the SIMD kernels' scalar tails.
  {
    name: 'erf form, width 7',
    inputs: [
      { shape: [3, 7], values: randomArray(21, 16, 4) },
      { shape: [7], values: randomArray(7, 17) },
    ],
    run: run('gelu'),
    kernels,
  },
]);
