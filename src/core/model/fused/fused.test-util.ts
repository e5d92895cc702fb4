import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { type BackendName, installNodeWebGpu, setupBackend } from '../../../../cli/backend.js';
import { uniformGenerator } from '../../util/prng.js';
import { setFusedKernels } from './kernel.js';

/**
 * The one harness every fused-op test uses: the op's composite path on cpu is the oracle; the fused
 * kernel runs on each backend and must match it (values and input gradients) within 1e-5, relative
 * to magnitudes above 1. Webgpu runs when an adapter is present in this process; `webgpu.test.ts`
 * re-runs this folder in a child with SwiftShader for runs that lack one.
 */
export const TOLERANCE = 1e-5;

const fromEnv = process.env.FUSED_TEST_BACKENDS?.split(',') as BackendName[] | undefined;
export const BACKENDS: BackendName[] = fromEnv ?? ['cpu', 'wasm', ...((await installNodeWebGpu()) === null ? (['webgpu'] as const) : [])];

export function randomArray(n: number, seed: number, scale = 1): Float32Array {
  const r = uniformGenerator(seed);
  return Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale);
}

export interface FusedCase {
  name: string;
  /** Float inputs the gradient is taken for, as host arrays (rebuilt on each backend). */
  inputs: { shape: number[]; values: Float32Array }[];
  /** Other tensors the op reads (ids, positions, masks), rebuilt on each backend. */
  constants?: () => tf.Tensor[];
  /** The op under test; `fused` selects the path. */
  run: (xs: tf.Tensor[], constants: tf.Tensor[]) => tf.Tensor;
  /** Kernel names that must appear in the fused forward and backward passes. */
  kernels: string[];
}

interface Result {
  value: Float32Array;
  grads: Float32Array[];
  kernelNames: Set<string>;
}

async function evaluate(c: FusedCase, fused: boolean): Promise<Result> {
  setFusedKernels(fused);
  try {
    let value: Float32Array = new Float32Array();
    let grads: Float32Array[] = [];
    const prof = await tf.profile(async () => {
      const xs = c.inputs.map((x) => tf.tensor(x.values, x.shape, 'float32'));
      const consts = c.constants?.() ?? [];
      // Inside tidy: a composite leaves its intermediates behind otherwise.
      const y = tf.tidy(() => c.run(xs, consts));
      // A fixed, non-uniform upstream gradient, so every output element matters.
      const w = tf.tensor(randomArray(y.size, 99), y.shape);
      const f = (...args: tf.Tensor[]) => tf.sum(tf.mul(c.run(args, consts), w));
      const gs = tf.tidy(() => tf.grads(f)(xs));
      value = Float32Array.from(await y.data());
      grads = await Promise.all(gs.map(async (g) => Float32Array.from(await g.data())));
      tf.dispose([...xs, ...consts, y, w, ...gs]);
    });
    return { value, grads, kernelNames: new Set(prof.kernels.map((k) => k.name)) };
  } finally {
    setFusedKernels(true);
  }
}

function worstExcess(a: Float32Array, b: Float32Array): string | null {
  expect(a.length).toBe(b.length);
  let worst = -1;
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs(a[i] - b[i]);
    if (!(err <= TOLERANCE * Math.max(1, Math.abs(b[i])))) {
      if (worst < 0 || err > Math.abs(a[worst] - b[worst])) worst = i;
    }
  }
  return worst < 0 ? null : `[${worst}]: ${a[worst]} vs ${b[worst]}`;
}

/** One describe per backend: the fused kernels against the cpu composite oracle. */
export function fusedSuite(title: string, cases: FusedCase[]): void {
  const oracles = new Map<string, Result>();
  const oracle = async (c: FusedCase): Promise<Result> => {
    if (!oracles.has(c.name)) {
      await setupBackend('cpu');
      oracles.set(c.name, await evaluate(c, false));
    }
    return oracles.get(c.name)!;
  };
  for (const backend of BACKENDS) {
    describe(`${title} on ${backend}`, () => {
      for (const c of cases) {
        it(`${c.name}: fused forward and gradients match the cpu composite within ${TOLERANCE}`, async () => {
          const ref = await oracle(c);
          await setupBackend(backend);
          // The second run checks for leaks: a backend may cache tensors on an op's first use.
          await evaluate(c, true);
          const before = tf.memory().numTensors;
          const got = await evaluate(c, true);
          expect(tf.memory().numTensors).toBe(before);
          // An op not registered for this backend (see its `backends`) must fall back to the composite.
          for (const k of c.kernels) {
            if (tf.getKernel(k, backend)) expect(got.kernelNames, `kernel ${k} ran`).toContain(k);
            else expect(got.kernelNames, `kernel ${k} is not registered on ${backend}`).not.toContain(k);
          }
          expect(worstExcess(got.value, ref.value), 'forward').toBeNull();
          expect(got.grads.length).toBe(ref.grads.length);
          got.grads.forEach((g, i) => expect(worstExcess(g, ref.grads[i]), `gradient of input ${i}`).toBeNull());
          // The oracle must not be trivial.
          expect(ref.value.some((v) => Math.abs(v) > 1e-3)).toBe(true);
        });
      }
    });
  }
}
