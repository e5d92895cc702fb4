import * as tf from '@tensorflow/tfjs';
import { fusedSuite, randomArray } from './fused.test-util.js';
import { attentionProbs } from './attention.js';

const [B, A, L] = [2, 3, 7];
const shape = [B, A, L, L];
const scores = { shape, values: randomArray(B * A * L * L, 1, 4) };
// The second row's last two keys are padding.
const maskAdd = () => [tf.tensor2d(Array.from({ length: B * L }, (_, i) => (i >= 2 * L - 2 ? -1e9 : 0)), [B, L])];
const run = (rate: number) => (xs: tf.Tensor[], c: tf.Tensor[]) =>
  attentionProbs(xs[0] as tf.Tensor4D, c[0] as tf.Tensor2D, { scale: 0.35, rate, seed: 1234 });

fusedSuite('attention core (scale + mask + softmax + dropout)', [
  { name: 'no dropout', inputs: [scores], constants: maskAdd, run: run(0), kernels: ['BertAttentionProbs', 'BertAttentionProbsGrad'] },
  { name: 'dropout 0.3', inputs: [scores], constants: maskAdd, run: run(0.3), kernels: ['BertAttentionProbs', 'BertAttentionProbsGrad'] },
]);
