import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { activeWasmThreads, chooseBackend, parseThreads, setupBackend } from './backend.js';

async function product(): Promise<Float32Array> {
  const a = tf.tensor2d(Float32Array.from({ length: 64 * 96 }, (_, i) => Math.sin(i)), [64, 96]);
  const b = tf.tensor2d(Float32Array.from({ length: 96 * 80 }, (_, i) => Math.cos(i)), [96, 80]);
  const c = tf.matMul(a, b);
  const out = (await c.data()) as Float32Array;
  tf.dispose([a, b, c]);
  return out;
}

describe('Node backends', () => {
  it('runs wasm multi-threaded in Node, with the same results as one thread and as cpu', async () => {
    await setupBackend('cpu');
    const reference = await product();
    await setupBackend('wasm', { threads: 1 });
    expect(await activeWasmThreads()).toBe(1);
    const single = await product();
    await setupBackend('wasm', { threads: 2 });
    expect(await activeWasmThreads()).toBe(2);
    const threaded = await product();
    expect(threaded).toEqual(single);
    for (let i = 0; i < reference.length; i++) expect(threaded[i]).toBeCloseTo(reference[i], 3);
  }, 60_000);

  it('defaults to wasm when no hardware WebGPU adapter exists, and honours --backend', async () => {
    // Dawn finds no adapter on a machine without a GPU (and SwiftShader counts as software): wasm.
    const chosen = await chooseBackend(undefined);
    if (chosen.backend === 'webgpu') expect(chosen.why).toMatch(/hardware WebGPU adapter/);
    else expect(chosen).toMatchObject({ backend: 'wasm', why: expect.stringMatching(/fastest here/) });
    expect(await chooseBackend('cpu')).toEqual({ backend: 'cpu', why: 'from --backend' });
    await expect(chooseBackend('cuda')).rejects.toThrow(/--backend must be one of cpu, wasm, webgpu/);
    expect(parseThreads(undefined)).toBe(0);
    expect(() => parseThreads('-1')).toThrow(/--threads/);
  });
});
