import { fusedSuite, randomArray } from './fused.test-util.js';
import { residualDropout } from './residual-dropout.js';

const shape = [6, 16];
const inputs = [
  { shape, values: randomArray(96, 8) },
  { shape, values: randomArray(96, 9) },
];

fusedSuite('residual + dropout', [
  {
    name: 'dropout 0.1',
    inputs,
    run: (xs) => residualDropout(xs[0], xs[1], 0.1, 77),
    kernels: ['BertResidualDropout', 'BertDropoutGrad'],
  },
  {
    // A size that is not a multiple of 4 takes the SIMD kernels' scalar tails.
    name: 'dropout 0.3, 15 elements',
    inputs: [
      { shape: [3, 5], values: randomArray(15, 18) },
      { shape: [3, 5], values: randomArray(15, 19) },
    ],
    run: (xs) => residualDropout(xs[0], xs[1], 0.3, 79),
    kernels: ['BertResidualDropout', 'BertDropoutGrad'],
  },
  {
    name: 'dropout 0.5',
    inputs,
    run: (xs) => residualDropout(xs[0], xs[1], 0.5, 78),
    kernels: ['BertResidualDropout', 'BertDropoutGrad'],
  },
]);
