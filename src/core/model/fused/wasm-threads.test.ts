import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { setupBackend } from '../../../../cli/backend.js';
import { fusedAdamW } from '../../train/fused.js';
import { uniformGenerator } from '../../util/prng.js';
import { attentionProbs } from './attention.js';
import { biasGelu } from './bias-gelu.js';
import { embeddingLookup } from './embedding.js';
import { layerNorm } from './layer-norm.js';
import { residualDropout } from './residual-dropout.js';
import { simdKernels } from './wasm-simd.js';
import { runParallel, threadsFor } from './wasm-threads.js';

/**
 * Splitting a job among threads changes no element's arithmetic: every op below gives the same bits
 * on 2 threads (the caller and one helper) as on 1. Sizes are above the thresholds that split.
 */
function values(n: number, seed: number): Float32Array {
  const r = uniformGenerator(seed);
  return Float32Array.from({ length: n }, () => r() * 2 - 1);
}

const [B, A, L, H, I] = [3, 2, 64, 96, 384];
const ops: Record<string, () => tf.Tensor[]> = {
  'matMul (by columns)': () => [tf.matMul(tf.tensor(values(700 * 300, 1), [700, 300]), tf.tensor(values(300 * 200, 2), [300, 200]))],
  'matMul, transposed (by slices)': () => [tf.matMul(tf.tensor(values(6 * 90 * 80, 3), [6, 90, 80]), tf.tensor(values(6 * 70 * 90, 4), [6, 70, 90]), true, true)],
  'attention probs with dropout': () => [
    attentionProbs(tf.tensor(values(B * A * L * L, 5), [B, A, L, L]) as tf.Tensor4D, tf.tensor(values(B * L, 6), [B, L]) as tf.Tensor2D, { scale: 0.125, rate: 0.1, seed: 7 }),
  ],
  'bias + gelu': () => [biasGelu(tf.tensor(values(B * L * I, 8), [B * L, I]), tf.tensor1d(values(I, 9)), 'gelu')],
  'bias + gelu, gradients (by columns)': () => {
    const [x, bias] = [tf.tensor(values(B * L * I, 20), [B * L, I]) as tf.Tensor2D, tf.tensor1d(values(I, 21))];
    const w = tf.tensor(values(B * L * I, 22), [B * L, I]);
    return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(biasGelu(a as tf.Tensor2D, b, 'gelu'), w)))([x, bias]);
  },
  'embedding gradient (by columns)': () => {
    const table = tf.tensor(values(1000 * H * 2, 23), [1000, H * 2]);
    const ids = tf.tensor1d(Array.from({ length: B * L * 4 }, (_, i) => (i * 37) % 300), 'int32');
    const w = tf.tensor(values(B * L * 4 * H * 2, 24), [B * L * 4, H * 2]);
    return [tf.grad((t: tf.Tensor) => tf.sum(tf.mul(embeddingLookup(t, ids, 0), w)))(table)];
  },
  'layer norm': () => [layerNorm(tf.tensor(values(B * L * H * 4, 10), [B * L * 4, H]), tf.tensor1d(values(H, 11)), tf.tensor1d(values(H, 12)), 1e-12)],
  'add (same shape)': () => [tf.add(tf.tensor(values(1 << 18, 25), [512, 512]), tf.tensor(values(1 << 18, 26), [512, 512]))],
  'residual dropout': () => [residualDropout(tf.tensor(values(1 << 18, 13), [1 << 18]), tf.tensor(values(1 << 18, 14), [1 << 18]), 0.1, 15)],
  AdamW: () => {
    const n = 1 << 18;
    const [p, m, v, g] = [16, 17, 18, 19].map((seed) => tf.tensor(values(n, seed).map(seed === 18 ? Math.abs : (x) => x), [n]));
    return fusedAdamW(p, m, v, g, { beta1: 0.9, beta2: 0.999, sqrtBc2: 0.03, eps: 1e-8, decay: 0.999, stepSize: 1e-3, gradScale: 0.5 });
  },
};

async function bits(op: () => tf.Tensor[]): Promise<Uint32Array[]> {
  const outs = tf.tidy(op);
  const data = await Promise.all(outs.map(async (t) => new Uint32Array(Float32Array.from(await t.data()).buffer)));
  tf.dispose(outs);
  return data;
}

describe('wasm jobs split among helper threads', () => {
  it('2 threads run a helper alongside the caller', async () => {
    await setupBackend('wasm', { threads: 2 });
    expect(threadsFor(simdKernels(tf.backend())!)).toBe(2);
  });

  for (const [name, op] of Object.entries(ops)) {
    it(`${name}: the same bits on 2 threads as on 1`, async () => {
      await setupBackend('wasm', { threads: 1 });
      const one = await bits(op);
      await setupBackend('wasm', { threads: 2 });
      const two = await bits(op);
      expect(two.length).toBe(one.length);
      two.forEach((t, i) => expect(t).toEqual(one[i]));
      expect(one[0].some((x) => x !== 0)).toBe(true);
    });
  }

  it('a share that traps on a helper throws a clear error instead of hanging, and the threads go on working', async () => {
    await setupBackend('wasm', { threads: 2 });
    const k = simdKernels(tf.backend())!;
    const x = tf.tensor(values(256, 30), [4, 64]);
    const y = tf.zerosLike(x);
    const offset = (t: tf.Tensor) => (tf.backend() as unknown as { dataIdMap: { get(id: object): { memoryOffset: number } } }).dataIdMap.get(t.dataId).memoryOffset;
    const [xs, gamma, ys] = [offset(x), offset(x), offset(y)];
    // The helper's rows start past the end of the heap (4 GiB - 64 KiB): a memory access trap.
    const outside = 2 ** 32 - 65536;
    expect(() => runParallel(k, 'layerNorm', [[xs, gamma, gamma, ys, 2, 64, 1e-12], [outside, gamma, gamma, outside, 2, 64, 1e-12]])).toThrow(/helper thread 1 failed on its share/);
    tf.dispose([x, y]);
    const again = await bits(ops['layer norm']);
    expect(again[0].some((v) => v !== 0)).toBe(true);
  });
});
