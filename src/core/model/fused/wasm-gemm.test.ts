import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { setupBackend } from '../../../../cli/backend.js';
import { uniformGenerator } from '../../util/prng.js';
import { PLAIN_MEMORY_RELAXED_WASM, PLAIN_MEMORY_WASM } from './wasm-simd.generated.js';
import { replacedOnWasm } from './wasm-shared.js';
import { relaxedSimd, simdKernels, type SimdKernels } from './wasm-simd.js';

/**
 * C = A B (+ bias) in float64 over float32 inputs, with A [M, K] or stored [K, M], B [K, N] or
 * [N, K]; and for each element the sum of its terms' magnitudes, the scale of float32 rounding.
 */
function reference(A: Float32Array, B: Float32Array, M: number, K: number, N: number, tA: boolean, tB: boolean, bias: Float32Array | null) {
  const C = new Float64Array(M * N);
  const scale = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = bias ? bias[j] : 0;
      let m = Math.abs(s);
      for (let k = 0; k < K; k++) {
        const t = (tA ? A[k * M + i] : A[i * K + k]) * (tB ? B[j * K + k] : B[k * N + j]);
        s += t;
        m += Math.abs(t);
      }
      C[i * N + j] = s;
      scale[i * N + j] = m;
    }
  }
  return { C, scale };
}

function instantiate(base64: string, memory: WebAssembly.Memory): SimdKernels {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as unknown as SimdKernels;
}

describe('the SIMD matrix product (assembly/gemm.ts)', () => {
  it('Node runs the relaxed-SIMD build once the wasm backend is set up', async () => {
    await setupBackend('wasm', { threads: 1 });
    expect(relaxedSimd()).toBe(true);
  });

  // Shapes around the 4 x 8 tile and the 256-deep, 128-row and 256-column blocks, both builds.
  const shapes: [number, number, number][] = [[1, 1, 1], [3, 0, 5], [4, 8, 8], [5, 7, 9], [13, 257, 17], [129, 300, 263], [64, 512, 40]];
  for (const [variant, base64] of [['SIMD', PLAIN_MEMORY_WASM], ['relaxed-SIMD', PLAIN_MEMORY_RELAXED_WASM]] as const) {
    it(`${variant} build: every transpose, bias, batch and ragged edge matches float64 to 1e-6 of the terms' magnitude`, async () => {
      await setupBackend('wasm', { threads: 1 });
      const memory = new WebAssembly.Memory({ initial: 256 });
      const k = instantiate(base64, memory);
      const f32 = new Float32Array(memory.buffer);
      const rand = uniformGenerator(7);
      for (const [M, K, N] of shapes) {
        for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]]) {
          const S = 2;
          const hasBias = M % 2 === 1;
          // Operands at odd float offsets: no alignment is assumed.
          const a = 4 * 3;
          const b = a + 4 * (S * M * K + 1);
          const c = b + 4 * (S * K * N + 1);
          const bias = c + 4 * (S * M * N + 1);
          const scratch = bias + 4 * (N + 1);
          for (let i = 0; i < scratch / 4; i++) f32[i] = rand() * 2 - 1;
          k.gemm(a, tA ? 1 : K, tA ? M : 1, M * K, b, tB ? 1 : N, tB ? K : 1, K * N, c, N, M * N, hasBias ? bias : 0, M, K, 0, S, 0, N, scratch);
          for (let s = 0; s < S; s++) {
            const want = reference(f32.subarray(a / 4 + s * M * K), f32.subarray(b / 4 + s * K * N), M, K, N, tA, tB, hasBias ? f32.subarray(bias / 4) : null);
            const got = f32.subarray(c / 4 + s * M * N, c / 4 + (s + 1) * M * N);
            let worst = 0;
            want.C.forEach((w, i) => (worst = Math.max(worst, Math.abs(got[i] - w) / Math.max(1e-30, want.scale[i]))));
            expect(worst, `${M}x${K}x${N} tA=${tA} tB=${tB} slice ${s}`).toBeLessThan(1e-6);
          }
          // Nothing past C is written.
          expect(f32[c / 4 + S * M * N]).not.toBe(0);
        }
      }
    });
  }

  it('a column range and a slice range write only their part', async () => {
    await setupBackend('wasm', { threads: 1 });
    const memory = new WebAssembly.Memory({ initial: 64 });
    const k = instantiate(PLAIN_MEMORY_WASM, memory);
    const f32 = new Float32Array(memory.buffer);
    const [M, K, N, S] = [6, 5, 20, 3];
    const [a, b, c] = [0, 4 * S * M * K, 4 * S * (M * K + K * N)];
    const scratch = c + 4 * S * M * N;
    const rand = uniformGenerator(3);
    for (let i = 0; i < c / 4; i++) f32[i] = rand();
    f32.fill(-7, c / 4, scratch / 4);
    k.gemm(a, K, 1, M * K, b, N, 1, K * N, c, N, M * N, 0, M, K, 1, 2, 8, 19, scratch);
    const want = reference(f32.subarray(a / 4 + M * K), f32.subarray(b / 4 + K * N), M, K, N, false, false, null).C;
    for (let s = 0; s < S; s++) {
      for (let i = 0; i < M * N; i++) {
        const j = i % N;
        const v = f32[c / 4 + s * M * N + i];
        if (s === 1 && j >= 8 && j < 19) expect(v).toBeCloseTo(want[i], 5);
        else expect(v).toBe(-7);
      }
    }
  });
});

describe('tfjs-wasm BatchMatMul and _FusedMatMul on the SIMD product', () => {
  it('tf.matMul, fused bias and broadcast batches match the cpu backend; other cases still run', async () => {
    const rand = uniformGenerator(11);
    const values = (n: number) => Float32Array.from({ length: n }, () => rand() * 2 - 1);
    const cases: { a: number[]; b: number[]; tA: boolean; tB: boolean; bias?: number }[] = [
      { a: [7, 9], b: [9, 5], tA: false, tB: false },
      { a: [9, 7], b: [5, 9], tA: true, tB: true },
      { a: [2, 3, 6, 4], b: [2, 3, 4, 5], tA: false, tB: false },
      { a: [2, 3, 6, 4], b: [4, 5], tA: false, tB: false },
      { a: [6, 4], b: [3, 5, 4], tA: false, tB: true },
      { a: [10, 33], b: [12, 33], tA: false, tB: true, bias: 12 },
      // Batch dims that broadcast both ways: tfjs-wasm's own kernel runs it.
      { a: [2, 1, 3, 4], b: [1, 2, 4, 5], tA: false, tB: false },
    ];
    const data = cases.map((c) => ({ a: values(c.a.reduce((x, y) => x * y)), b: values(c.b.reduce((x, y) => x * y)), bias: c.bias ? values(c.bias) : null }));
    const run = () =>
      cases.map((c, i) => {
        const [a, b] = [tf.tensor(data[i].a, c.a), tf.tensor(data[i].b, c.b)];
        const bias = data[i].bias ? tf.tensor1d(data[i].bias!) : undefined;
        const y = bias ? tf.fused.matMul({ a, b, transposeA: c.tA, transposeB: c.tB, bias }) : tf.matMul(a, b, c.tA, c.tB);
        const out = { shape: y.shape, values: y.dataSync().slice() };
        tf.dispose([a, b, y, ...(bias ? [bias] : [])]);
        return out;
      });
    await setupBackend('cpu');
    const want = run();
    await setupBackend('wasm', { threads: 1 });
    const prof = await tf.profile(() => {
      const got = run();
      got.forEach((g, i) => {
        expect(g.shape).toEqual(want[i].shape);
        g.values.forEach((v, j) => expect(Math.abs(v - want[i].values[j]), `case ${i} [${j}]`).toBeLessThan(1e-5));
      });
    });
    expect(prof.kernelNames).toContain('BatchMatMul');
    expect(prof.kernelNames).toContain('_FusedMatMul');
    expect(simdKernels(tf.backend())).not.toBeNull();
    expect(replacedOnWasm('BatchMatMul') && replacedOnWasm('_FusedMatMul')).toBe(true);
    // An activation is not the SIMD product's: tfjs-wasm's own kernel still runs it.
    const r = tf.fused.matMul({ a: tf.tensor2d([[1, -2]]), b: tf.tensor2d([[3], [4]]), activation: 'relu' });
    expect(Array.from(r.dataSync())).toEqual([0]);
  });
});
