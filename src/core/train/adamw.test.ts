import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW, decaysWeight } from './adamw.js';
import { clipByGlobalNorm, clipCoefficient, globalNorm } from './clip.js';
import { setCpu } from './fixtures.test-util.js';
import { linearWarmupDecay, scheduledLearningRate, warmupSteps } from './schedule.js';

beforeAll(setCpu);

/** torch.optim.AdamW's update for one tensor, in float64. */
function adamwReference(
  p: number[],
  grads: number[][],
  lrs: number[],
  opts: { b1: number; b2: number; eps: number; wd: number },
): number[] {
  const x = [...p];
  const m = x.map(() => 0);
  const v = x.map(() => 0);
  grads.forEach((g, s) => {
    const t = s + 1;
    const lr = lrs[s];
    for (let i = 0; i < x.length; i++) {
      x[i] = x[i] * (1 - lr * opts.wd);
      m[i] = opts.b1 * m[i] + (1 - opts.b1) * g[i];
      v[i] = opts.b2 * v[i] + (1 - opts.b2) * g[i] * g[i];
      const mHat = m[i] / (1 - opts.b1 ** t);
      const denom = Math.sqrt(v[i]) / Math.sqrt(1 - opts.b2 ** t) + opts.eps;
      x[i] = x[i] - lr * (mHat / denom);
    }
  });
  return x;
}

describe('AdamW', () => {
  it('decays weights only, not biases or LayerNorm parameters', () => {
    expect(decaysWeight('bert.encoder.layer.0.attention.self.query.weight')).toBe(true);
    expect(decaysWeight('bert.embeddings.word_embeddings.weight')).toBe(true);
    expect(decaysWeight('qa_outputs.weight')).toBe(true);
    expect(decaysWeight('qa_outputs.bias')).toBe(false);
    expect(decaysWeight('bert.embeddings.LayerNorm.weight')).toBe(false);
    expect(decaysWeight('bert.encoder.layer.3.output.LayerNorm.bias')).toBe(false);
  });

  it('matches torch.optim.AdamW over two steps, with decay on weights only', () => {
    const init = {
      'dense.weight': [0.5, -1.25, 2.0, 0.03],
      'dense.bias': [0.1, -0.2],
      'enc.LayerNorm.weight': [1.0, 0.9],
    };
    const grads = [
      { 'dense.weight': [0.3, -0.01, 4.0, 0], 'dense.bias': [-1e-3, 2.5], 'enc.LayerNorm.weight': [0.2, -0.7] },
      { 'dense.weight': [-0.6, 0.02, 3.0, 1e-4], 'dense.bias': [5e-3, -2.5], 'enc.LayerNorm.weight': [0.1, 0.7] },
    ];
    const lrs = [1e-2, 5e-3];
    const wd = 0.1;
    const params = new Map<string, tf.Variable>(
      Object.entries(init).map(([name, values], i) => [name, tf.variable(tf.tensor1d(values), true, `adamw_test_${i}_${name}`)]),
    );
    const opt = new AdamW(params, { weightDecay: wd });
    for (let s = 0; s < 2; s++) {
      const g = new Map(Object.entries(grads[s]).map(([name, values]) => [name, tf.tensor1d(values)] as const));
      opt.apply(g, lrs[s]);
      tf.dispose([...g.values()]);
      expect(opt.step).toBe(s + 1);
      for (const [name, p] of params) {
        const key = name as keyof typeof init;
        const expected = adamwReference(
          init[key],
          grads.slice(0, s + 1).map((gr) => gr[key]),
          lrs.slice(0, s + 1),
          { b1: 0.9, b2: 0.999, eps: 1e-8, wd: decaysWeight(name) ? wd : 0 },
        );
        const actual = Array.from(p.dataSync());
        actual.forEach((a, i) => expect(a).toBeCloseTo(expected[i], 6));
      }
    }
    opt.dispose();
    tf.dispose([...params.values()]);
  });

  it('round-trips its moments and step through state()/restore()', async () => {
    const p = new Map([['w.weight', tf.variable(tf.tensor1d([1, 2, 3]), true, 'adamw_state_w')]]);
    const opt = new AdamW(p, { weightDecay: 0.01 });
    const g = new Map([['w.weight', tf.tensor1d([0.5, -0.5, 1])]]);
    opt.apply(g, 0.1);
    const saved = await opt.state();
    const other = new AdamW(p);
    other.restore(saved);
    expect(other.step).toBe(1);
    expect(Array.from(other.expAvg.get('w.weight')!.dataSync())).toEqual(Array.from(saved.exp_avg.get('w.weight')!.data));
    expect(Array.from(other.expAvgSq.get('w.weight')!.dataSync())).toEqual(Array.from(saved.exp_avg_sq.get('w.weight')!.data));
    tf.dispose([...g.values(), ...p.values()]);
    opt.dispose();
    other.dispose();
  });
});

describe('linear schedule with warmup', () => {
  it('uses ceil(ratio * total) warmup steps', () => {
    expect(warmupSteps(0.1, 100)).toBe(10);
    expect(warmupSteps(0.1, 95)).toBe(10);
    expect(warmupSteps(0.06, 50)).toBe(3);
    expect(warmupSteps(0, 50)).toBe(0);
  });

  it('rises linearly from 0, peaks at the end of warmup, falls linearly to 0', () => {
    const total = 100;
    const w = 10;
    expect(linearWarmupDecay(0, total, w)).toBe(0);
    expect(linearWarmupDecay(1, total, w)).toBeCloseTo(0.1, 12);
    expect(linearWarmupDecay(5, total, w)).toBeCloseTo(0.5, 12);
    expect(linearWarmupDecay(10, total, w)).toBe(1);
    expect(linearWarmupDecay(55, total, w)).toBeCloseTo(0.5, 12);
    expect(linearWarmupDecay(99, total, w)).toBeCloseTo(1 / 90, 12);
    expect(linearWarmupDecay(100, total, w)).toBe(0);
    expect(linearWarmupDecay(120, total, w)).toBe(0);
    expect(scheduledLearningRate(3e-4, 55, total, w)).toBeCloseTo(1.5e-4, 15);
  });

  it('starts at the peak without warmup', () => {
    expect(linearWarmupDecay(0, 8, 0)).toBe(1);
    expect(linearWarmupDecay(4, 8, 0)).toBe(0.5);
  });
});

describe('clipping by global norm', () => {
  it('computes the norm over all tensors and scales by max / (norm + 1e-6) above the bound', async () => {
    const grads = new Map<string, tf.Tensor>([
      ['a', tf.tensor2d([[3, 0], [0, 4]])],
      ['b', tf.tensor1d([12])],
    ]);
    const n = globalNorm(grads.values());
    expect(n.dataSync()[0]).toBeCloseTo(13, 5);
    n.dispose();
    const clipped = await clipByGlobalNorm(grads, 1);
    expect(clipped.norm).toBeCloseTo(13, 5);
    const scale = 1 / (13 + 1e-6);
    expect(clipped.scale).toBeCloseTo(scale, 10);
    expect(Array.from(clipped.grads.get('a')!.dataSync())).toEqual([3, 0, 0, 4].map((x) => Math.fround(Math.fround(x) * Math.fround(scale))));
    expect(clipped.grads.get('b')!.dataSync()[0]).toBeCloseTo(12 * scale, 6);
    const after = globalNorm(clipped.grads.values());
    expect(after.dataSync()[0]).toBeCloseTo(1, 5);
    tf.dispose([after, ...grads.values(), ...clipped.grads.values()]);
  });

  it('leaves gradients within the bound as they are', () => {
    expect(clipCoefficient(0.5, 1)).toBe(1);
    expect(clipCoefficient(2, 1)).toBeCloseTo(0.5, 6);
    // torch clamps the coefficient at 1 (a norm well under the bound is never scaled up) but the
    // 1e-6 in the denominator still scales a norm within 1e-6 of the bound by a hair, as torch does.
    expect(clipCoefficient(1 - 1e-5, 1)).toBe(1);
    expect(clipCoefficient(1, 1)).toBe(1 / (1 + 1e-6));
  });
});
