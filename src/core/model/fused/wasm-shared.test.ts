import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { setupBackend } from '../../../../cli/backend.js';
import './index.js';

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
});
