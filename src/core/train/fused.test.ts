import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { type BackendName, installNodeWebGpu, setupBackend } from '../../../cli/backend.js';
import { uniformGenerator } from '../util/prng.js';
import { AdamW, adamwComposite } from './adamw.js';
import { globalNorm } from './clip.js';
import { type AdamWStepAttrs, ADAMW_KERNEL, SUM_SQUARES_KERNEL, fusedAdamW, hasFusedOptimizer, sumOfSquares } from './fused.js';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const requested = (process.env.FUSED_TEST_BACKENDS ?? 'cpu,wasm,webgpu').split(',') as BackendName[];
let webgpuProblem: string | null = null;
if (requested.includes('webgpu')) webgpuProblem = await installNodeWebGpu();
// Dawn reads LD_LIBRARY_PATH at process start: without SwiftShader in it, a child re-runs the webgpu suite.
const webgpuInChild = webgpuProblem !== null && !process.env.FUSED_TEST_CHILD && existsSync(SWIFTSHADER_ICD);

function values(n: number, seed: number, lo: number, hi: number): Float32Array {
  const next = uniformGenerator(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * next());
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return m;
}

const ATTRS: AdamWStepAttrs = { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 3e-4 / (1 - 0.9 ** 3), sqrtBc2: Math.sqrt(1 - 0.999 ** 3), decay: 1 - 3e-4 * 0.01, gradScale: 0.37 };

function backendSuite(backend: BackendName): void {
  describe(`fused optimizer kernels on ${backend}`, () => {
    it('are registered for the backend', async () => {
      await setupBackend(backend);
      expect(hasFusedOptimizer()).toBe(true);
    });

    // Sizes: odd, one workgroup, several, and more than one element per GPU thread.
    for (const n of [1, 7, 256, 1000, 300_001]) {
      it(`AdamW on ${n} values equals the composite ops within 1e-6, with and without decay and clipping`, async () => {
        await setupBackend(backend);
        const p = tf.tensor1d(values(n, 1, -2, 2));
        const m = tf.tensor1d(values(n, 2, -0.1, 0.1));
        const v = tf.tensor1d(values(n, 3, 0, 0.01));
        const g = tf.tensor1d(values(n, 4, -3, 3));
        for (const attrs of [ATTRS, { ...ATTRS, decay: 1, gradScale: 1 }]) {
          const before = tf.memory().numTensors;
          const fused = fusedAdamW(p, m, v, g, attrs);
          const reference = adamwComposite(p, m, v, g, attrs);
          expect(tf.memory().numTensors).toBe(before + 6);
          for (let k = 0; k < 3; k++) {
            expect(fused[k].shape).toEqual([n]);
            expect(maxRelDiff(await fused[k].data(), await reference[k].data())).toBeLessThan(1e-6);
          }
          // The update must move p, or the comparison says little.
          expect(maxRelDiff(await fused[0].data(), await p.data())).toBeGreaterThan(1e-5);
          tf.dispose([...fused, ...reference]);
        }
        tf.dispose([p, m, v, g]);
      });
    }

    it('sum of squares and the global norm equal the composite ops within 1e-6 (relative)', async () => {
      await setupBackend(backend);
      const grads = [5, 300, 4097, 1].map((n, i) => tf.tensor1d(values(n, 10 + i, -1, 1)));
      for (const g of grads) {
        const fused = sumOfSquares(g);
        const reference = tf.sum(tf.square(g));
        expect(fused.shape).toEqual([]);
        const [a, b] = [(await fused.data())[0], (await reference.data())[0]];
        expect(Math.abs(a - b) / b).toBeLessThan(1e-6);
        tf.dispose([fused, reference]);
      }
      // Fifteen gradients: more than one AddN chunk.
      const many = Array.from({ length: 15 }, (_, i) => tf.tensor2d(values(12, 30 + i, -1, 1), [3, 4]));
      let expected = 0;
      for (const g of many) for (const x of await g.data()) expected += x * x;
      const norm = globalNorm(many);
      expect(Math.abs((await norm.data())[0] - Math.sqrt(expected)) / Math.sqrt(expected)).toBeLessThan(1e-6);
      tf.dispose([norm, ...grads, ...many]);
    });

    it('AdamW.apply runs one fused kernel per parameter and frees each gradient once applied', async () => {
      await setupBackend(backend);
      const params = new Map<string, tf.Variable>([
        ['dense.weight', tf.variable(tf.tensor2d(values(12, 50, -1, 1), [3, 4]), true, `fused_${backend}_w`)],
        ['dense.bias', tf.variable(tf.tensor1d(values(3, 51, -1, 1)), true, `fused_${backend}_b`)],
      ]);
      const opt = new AdamW(params, { weightDecay: 0.01 });
      const grads = new Map([...params].map(([name, p]) => [name, tf.randomNormal(p.shape, 0, 1, 'float32', 5)] as const));
      const before = tf.memory().numTensors;
      const profile = await tf.profile(() => opt.apply(grads, 1e-3, 0.5, { disposeGrads: true }));
      expect(profile.kernels.map((k) => k.name)).toEqual([ADAMW_KERNEL, ADAMW_KERNEL]);
      expect([...grads.values()].every((g) => g.isDisposed)).toBe(true);
      expect(tf.memory().numTensors).toBe(before - 2);
      opt.dispose();
      tf.dispose([...params.values()]);
    });

    it(`the norm is one ${SUM_SQUARES_KERNEL} per gradient plus a few AddNs`, async () => {
      await setupBackend(backend);
      const grads = Array.from({ length: 20 }, (_, i) => tf.ones([i + 1]));
      const profile = await tf.profile(() => globalNorm(grads).dispose());
      const names = profile.kernels.map((k) => k.name);
      expect(names.filter((k) => k === SUM_SQUARES_KERNEL).length).toBe(20);
      expect(names.length).toBeLessThanOrEqual(20 + 5);
      tf.dispose(grads);
    });
  });
}

for (const backend of requested) {
  if (backend === 'webgpu' && webgpuProblem !== null) {
    if (webgpuInChild) {
      it('webgpu fused kernels pass in a child process with SwiftShader', async (ctx) => {
        const env = {
          ...process.env,
          LD_LIBRARY_PATH: ['/usr/lib/chromium', process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
          VK_ICD_FILENAMES: SWIFTSHADER_ICD,
          FUSED_TEST_BACKENDS: 'webgpu',
          FUSED_TEST_CHILD: '1',
        };
        const file = fileURLToPath(import.meta.url);
        const vitest = fileURLToPath(new URL('../../../node_modules/vitest/vitest.mjs', import.meta.url));
        const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
          const child = spawn(process.execPath, [vitest, 'run', '--reporter', 'verbose', file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
          let output = '';
          child.stdout.on('data', (d: Buffer) => (output += d.toString()));
          child.stderr.on('data', (d: Buffer) => (output += d.toString()));
          child.on('close', (c) => resolve({ code: c, output }));
        });
        if (code !== 0) console.error(output);
        expect(code).toBe(0);
        if (/skipped/i.test(output)) ctx.skip('webgpu skipped in the child');
      });
    } else {
      it.skip(`webgpu: ${webgpuProblem}`, () => {});
    }
    continue;
  }
  backendSuite(backend);
}
