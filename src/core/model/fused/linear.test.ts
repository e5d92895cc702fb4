import * as tf from '@tensorflow/tfjs';
import { fusedSuite, randomArray } from './fused.test-util.js';
import { linear, matMul, type HeadLayout } from './linear.js';

const [B, L, A, D, I] = [2, 3, 2, 4, 5];
const H = A * D;
const kernels = ['BertLinear', 'BertLinearGrad'];
const param = (shape: number[], seed: number) => ({ shape, values: randomArray(shape.reduce((a, b) => a * b), seed) });
const layout: HeadLayout = { B, L, A };

fusedSuite('linear (x W^T + b, head layouts)', [
  {
    name: 'rows in, rows out, with bias',
    inputs: [param([B * L, I], 20), param([H, I], 21), param([H], 22)],
    run: (xs) => linear(xs[0], xs[1] as tf.Tensor2D, xs[2] as tf.Tensor1D, layout),
    kernels,
  },
  {
    name: 'rows in, heads out (queries)',
    inputs: [param([B * L, I], 23), param([H, I], 24), param([H], 25)],
    run: (xs) => linear(xs[0], xs[1] as tf.Tensor2D, xs[2] as tf.Tensor1D, { ...layout, headsOut: true }),
    kernels,
  },
  {
    name: 'heads in (context), rows out, no bias',
    inputs: [param([B, A, L, D], 26), param([I, H], 27)],
    run: (xs) => linear(xs[0], xs[1] as tf.Tensor2D, undefined, { ...layout, headsIn: true }),
    kernels,
  },
]);

// Attention's products, batch [B, A] = [2, 3]: plain products with explicit transposes on cpu, flags
// on webgpu and on wasm's SIMD product (tfjs's own gradient).
fusedSuite('matMul with transposes (attention products)', [
  {
    name: 'q k^T',
    inputs: [param([2, 3, 7, 5], 40), param([2, 3, 6, 5], 41)],
    run: (xs) => matMul(xs[0] as tf.Tensor4D, xs[1] as tf.Tensor4D, false, true),
    kernels: ['BatchMatMul'],
  },
  {
    name: 'probs v',
    inputs: [param([2, 3, 7, 6], 42), param([2, 3, 6, 5], 43)],
    run: (xs) => matMul(xs[0] as tf.Tensor4D, xs[1] as tf.Tensor4D),
    kernels: ['BatchMatMul'],
  },
  {
    name: 'a^T b^T',
    inputs: [param([2, 2, 6, 7], 44), param([2, 2, 5, 6], 45)],
    run: (xs) => matMul(xs[0] as tf.Tensor4D, xs[1] as tf.Tensor4D, true, true),
    kernels: ['BatchMatMul'],
  },
]);
