import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { setupBackend } from '../../../../cli/backend.js';
import './index.js';
import { replacedOnWasm } from './wasm-shared.js';

describe('wasm Identity and same-dtype Cast share the buffer', () => {
  it('a clone and a float32 cast add no buffer and outlive their source; a dtype change still converts', async () => {
    await setupBackend('wasm', { threads: 1 });
        const x = tf.tensor([1.5, -2, 3.25], [3]);
    // The engine counts bytes per tensor, shared or not; buffers count once.
    const before = tf.memory().numDataBuffers;
    const clone = tf.clone(x);
    const same = tf.cast(x, 'float32');
    expect(tf.memory().numDataBuffers).toBe(before);
    expect(clone.dataId).toBe(x.dataId);
    const asInt = tf.cast(x, 'int32');
    expect(tf.memory().numDataBuffers).toBe(before + 1);
    x.dispose();
    expect(Array.from(await clone.data())).toEqual([1.5, -2, 3.25]);
    expect(Array.from(await same.data())).toEqual([1.5, -2, 3.25]);
    expect(Array.from(await asInt.data())).toEqual([1, -2, 3]);
    tf.dispose([clone, same, asInt]);
  });

  it('gradients through composite ops are unchanged', async () => {
    await setupBackend('wasm', { threads: 1 });
    const f = (a: tf.Tensor) => tf.sum(tf.mul(tf.exp(a), tf.square(a)));
    const a = tf.tensor([0.5, -1, 2]);
    const g = tf.grad(f)(a);
    // d/da e^a a^2 = e^a (a^2 + 2a)
    const want = [0.5, -1, 2].map((v) => Math.exp(v) * (v * v + 2 * v));
    (await g.data()).forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
    tf.dispose([a, g]);
  });

  it('Add of one shape runs on the SIMD module; a broadcast Add still runs tfjs-wasm own kernel; both exact', async () => {
    await setupBackend('wasm', { threads: 2 });
    expect(replacedOnWasm('Add')).toBe(true);
    const a = tf.tensor([1.5, -2, 3.25, 0.1, 7, 8], [2, 3]);
    const b = tf.tensor([0.5, 2, -3.25, 0.2, 1, -8], [2, 3]);
    expect(Array.from(await tf.add(a, b).data())).toEqual([1.5 + 0.5, 0, 0, Math.fround(Math.fround(0.1) + Math.fround(0.2)), 8, 0]);
    expect(Array.from(await tf.add(a, tf.tensor1d([1, 2, 3])).data())).toEqual([2.5, 0, 6.25, 1.1, 9, 11].map(Math.fround));
    const ints = tf.add(tf.tensor1d([1, 2], 'int32'), tf.tensor1d([3, 4], 'int32'));
    expect(ints.dtype).toBe('int32');
    expect(Array.from(await ints.data())).toEqual([4, 6]);
  });
});
