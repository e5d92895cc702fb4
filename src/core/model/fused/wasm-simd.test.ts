import { execFileSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { setupBackend } from '../../../../cli/backend.js';
import { dropoutNoise } from './dropout.js';
import { simdKernels } from './wasm-simd.js';

describe('SIMD kernels for the wasm backend (assembly/kernels.ts)', () => {
  it('the committed modules are a compile of assembly/', () => {
    // Exits 1, naming the file, when the bytes differ.
    const out = execFileSync(process.execPath, ['scripts/build-wasm-kernels.mjs', '--check'], { encoding: 'utf8' });
    expect(out).toContain('matches');
  }, 60_000);

  for (const threads of [1, 2]) {
    it(`instantiate on the ${threads > 1 ? 'shared' : 'plain'} memory of ${threads}-thread wasm and write in place`, async () => {
      await setupBackend('wasm', { threads });
      const k = simdKernels(tf.backend());
      expect(k).not.toBeNull();
      const x = tf.tensor([3, 4, 0, 1, 2], [5]);
      const offset = (tf.backend() as unknown as { dataIdMap: { get(id: object): { memoryOffset: number } } }).dataIdMap.get(x.dataId).memoryOffset;
      expect(k!.sumSquares(offset, 5)).toBe(30);
      x.dispose();
    });
  }
});

describe('dropout noise on wasm', () => {
  it('is bit-identical to tf.randomUniform for the same seed', async () => {
    await setupBackend('wasm', { threads: 1 });
    for (const [shape, seed] of [[[3, 5], 1], [[2, 3, 7, 7], 123456789], [[1000], 0], [[1 << 20], 42]] as [number[], number][]) {
      const ours = dropoutNoise(shape, seed);
      const theirs = tf.randomUniform(shape, 0, 1, 'float32', seed);
      expect(ours.shape).toEqual(shape);
      const [a, b] = [await ours.data(), await theirs.data()];
      const [ua, ub] = [new Uint32Array(a.buffer, a.byteOffset, a.length), new Uint32Array(b.buffer, b.byteOffset, b.length)];
      expect(ua.length).toBe(ub.length);
      expect(ua.findIndex((x, i) => x !== ub[i]), 'first differing element').toBe(-1);
      tf.dispose([ours, theirs]);
    }
  });
});
