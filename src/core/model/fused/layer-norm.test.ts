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
]);
