import * as tf from '@tensorflow/tfjs';
import { fusedSuite, randomArray } from './fused.test-util.js';
import { layerNorm } from './layer-norm.js';

const [N, H] = [6, 20];
// Rows with an offset and spread, as a residual stream has; one row with a small variance.
const x = randomArray(N * H, 3, 2).map((v, i) => (Math.floor(i / H) === 5 ? 0.5 + v * 0.05 : v + Math.floor(i / H)));

fusedSuite('LayerNorm', [
  {
    name: 'eps 1e-12',
    inputs: [
      { shape: [N, H], values: x },
      { shape: [H], values: randomArray(H, 4).map((v) => 1 + v / 2) },
      { shape: [H], values: randomArray(H, 5) },
    ],
    run: (xs) => layerNorm(xs[0] as tf.Tensor2D, xs[1], xs[2], 1e-12),
    kernels: ['BertLayerNorm', 'BertLayerNormGrad'],
  },
  {
    // A width that is not a multiple of 4 takes the SIMD kernels' scalar tails.
    name: 'width 11',
    inputs: [
      { shape: [4, 11], values: randomArray(44, 13, 3) },
      { shape: [11], values: randomArray(11, 14).map((v) => 1 + v / 2) },
      { shape: [11], values: randomArray(11, 15) },
    ],
    run: (xs) => layerNorm(xs[0] as tf.Tensor2D, xs[1], xs[2], 1e-12),
    kernels: ['BertLayerNorm', 'BertLayerNormGrad'],
  },
]);
