// What the golden tests of every head share: the files transformers wrote (golden/, made by
// scripts/golden/*.py), the tolerances, and the comparison of gradients by parameter name.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';

export const GOLDEN_DIR = fileURLToPath(new URL('./golden/', import.meta.url));

export async function readGolden<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(`${GOLDEN_DIR}${file}`, 'utf8')) as T;
}

// transformers' own float32 logits sit about 2e-6 from float64 on these models (make_golden.py
// prints it), so these bounds leave room for a different summation order and nothing else:
// gelu and gelu_new already differ by about 3e-4 in the logits.
export const LOGIT_TOL = 1e-4;
export const LOSS_TOL = 1e-5;
export const GRAD_TOL = 1e-4;

export type GoldenGrads = Record<string, { shape: number[]; data: number[] }>;

export function maxAbsDiff(actual: ArrayLike<number>, expected: readonly number[]): number {
  expect(actual.length).toBe(expected.length);
  let m = 0;
  for (let i = 0; i < actual.length; i++) m = Math.max(m, Math.abs(actual[i] - expected[i]));
  return m;
}

/** Every golden gradient within GRAD_TOL, compared as a whole so that a failure names every parameter that is off. */
export async function expectGradsClose(grads: ReadonlyMap<string, tf.Tensor>, expected: GoldenGrads): Promise<void> {
  const worst: Record<string, number> = {};
  for (const [name, want] of Object.entries(expected)) {
    const g = grads.get(name);
    expect(g, name).toBeDefined();
    expect(g!.shape).toEqual(want.shape);
    worst[name] = maxAbsDiff(await g!.data(), want.data);
  }
  expect(Object.entries(worst).filter(([, d]) => !(d < GRAD_TOL))).toEqual([]);
}
