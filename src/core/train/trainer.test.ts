import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BertForQuestionAnswering, type HostParams } from '../model/index.js';
import { TINY, markedFeatures, setCpu, sliceFeatures } from './fixtures.test-util.js';
import { weightedLossAndGrads } from './loss.js';
import { Trainer, type StepMetrics, type TrainOptions } from './trainer.js';

beforeAll(setCpu);

const NO_NOISE: Partial<TrainOptions> = { dropout: false, warmupRatio: 0, weightDecay: 0.01, learningRate: 1e-3 };

function maxAbsDiff(a: HostParams, b: HostParams): number {
  let worst = 0;
  for (const [name, t] of a) {
    const u = b.get(name)!.data;
    for (let i = 0; i < t.data.length; i++) worst = Math.max(worst, Math.abs(t.data[i] - u[i]));
  }
  return worst;
}

async function paramsAfter(features: ReturnType<typeof markedFeatures>, options: Partial<TrainOptions>, steps: number): Promise<HostParams> {
  const model = BertForQuestionAnswering.init(TINY, 7);
  const trainer = new Trainer(model, features, options);
  for (let i = 0; i < steps; i++) await trainer.step();
  const out = await model.toHostParams();
  trainer.dispose();
  model.dispose();
  return out;
}

describe('Trainer', () => {
  it('accumulating k micro-batches equals one batch k times larger', async () => {
    const features = markedFeatures(12, 16, 1);
    const base = { ...NO_NOISE, maxSteps: 2 };
    const big = await paramsAfter(features, { ...base, batchSize: 12, gradAccumSteps: 1 }, 1);
    const accumulated = await paramsAfter(features, { ...base, batchSize: 4, gradAccumSteps: 3 }, 1);
    const init = await paramsAfter(features, base, 0);
    // The step really moved the parameters, by the same amount both ways.
    expect(maxAbsDiff(big, init)).toBeGreaterThan(1e-4);
    expect(maxAbsDiff(big, accumulated)).toBeLessThan(1e-5);
  });

  it('padding rows of a partial batch contribute nothing to loss or gradients', async () => {
    const features = markedFeatures(4, 16, 2);
    const model = BertForQuestionAnswering.init(TINY, 3);
    const L = features.length;
    const make = (rows: number) =>
      ({
        batch: {
          inputIds: tf.tensor2d(Int32Array.from(features.inputIds).slice(0, rows * L), [rows, L], 'int32'),
          tokenTypeIds: tf.tensor2d(Int32Array.from(features.tokenTypeIds).slice(0, rows * L), [rows, L], 'int32'),
          attentionMask: tf.tensor2d(Int32Array.from(features.attentionMask).slice(0, rows * L), [rows, L], 'int32'),
        },
        starts: tf.tensor1d(Int32Array.from(features.startPositions).slice(0, rows), 'int32'),
        ends: tf.tensor1d(Int32Array.from(features.endPositions).slice(0, rows), 'int32'),
      });
    // Three real rows alone, against the same three plus a fourth real (not blank) row given weight 0.
    const three = make(3);
    const four = make(4);
    const a = weightedLossAndGrads(model, three.batch, three.starts, three.ends, tf.tensor1d([1 / 3, 1 / 3, 1 / 3]));
    const b = weightedLossAndGrads(model, four.batch, four.starts, four.ends, tf.tensor1d([1 / 3, 1 / 3, 1 / 3, 0]));
    const plain = model.loss(three.batch, three.starts, three.ends);
    expect(b.loss.dataSync()[0]).toBeCloseTo(a.loss.dataSync()[0], 6);
    expect(a.loss.dataSync()[0]).toBeCloseTo(plain.dataSync()[0], 6);
    for (const [name, g] of a.grads) {
      const d = tf.tidy(() => tf.max(tf.abs(tf.sub(g, b.grads.get(name)!))).dataSync()[0]);
      expect(d, name).toBeLessThan(1e-6);
    }

    // Through the Trainer: 3 features in a batch of 4 (one padding row) train exactly like a batch of 3.
    const three3 = sliceFeatures(features, 0, 3);
    const padded = await paramsAfter(three3, { ...NO_NOISE, batchSize: 4, maxSteps: 2 }, 2);
    const exact = await paramsAfter(three3, { ...NO_NOISE, batchSize: 3, maxSteps: 2 }, 2);
    expect(maxAbsDiff(padded, exact)).toBeLessThan(1e-6);
    tf.dispose([a.loss, b.loss, plain, ...a.grads.values(), ...b.grads.values()]);
    for (const m of [three, four]) tf.dispose([m.batch.inputIds, m.batch.tokenTypeIds, m.batch.attentionMask, m.starts, m.ends]);
    model.dispose();
  });

  it('overfits 32 features to near-zero loss', async () => {
    const features = markedFeatures(32, 16, 3);
    const model = BertForQuestionAnswering.init(TINY, 11);
    const trainer = new Trainer(model, features, { dropout: false, learningRate: 3e-3, batchSize: 16, warmupRatio: 0.05, weightDecay: 0.01, maxSteps: 300 });
    const before = await trainer.evalLoss(features);
    let evalLoss = before;
    let steps = 0;
    while (!trainer.done) {
      await trainer.step();
      steps++;
      if (steps % 25 === 0) {
        evalLoss = await trainer.evalLoss(features);
        if (evalLoss < 0.05) break;
      }
    }
    expect(before).toBeGreaterThan(2);
    expect(evalLoss).toBeLessThan(0.05);
    console.log(`overfit: loss ${before.toFixed(3)} -> ${evalLoss.toFixed(4)} in ${steps} steps`);
    trainer.dispose();
    model.dispose();
  });

  it('resumes exactly: 3 steps, state(), a new Trainer restores, 3 more equal 6 uninterrupted steps', async () => {
    // 10 features, batch 4, k 2: every step spans micro-batches and step 3 crosses an epoch boundary.
    const features = markedFeatures(10, 16, 4);
    const options: Partial<TrainOptions> = { learningRate: 2e-3, batchSize: 4, gradAccumSteps: 2, warmupRatio: 0.2, maxSteps: 6, seed: 1234 };

    const straightModel = BertForQuestionAnswering.init(TINY, 5);
    const straight = new Trainer(straightModel, features, options);
    const straightLosses: number[] = [];
    const straightLrs: number[] = [];
    for (let i = 0; i < 6; i++) {
      const m = await straight.step();
      straightLosses.push(m.loss);
      straightLrs.push(m.lr);
    }

    const firstModel = BertForQuestionAnswering.init(TINY, 5);
    const first = new Trainer(firstModel, features, options);
    const resumedLosses: number[] = [];
    for (let i = 0; i < 3; i++) resumedLosses.push((await first.step()).loss);
    const state = await first.state();
    first.dispose();
    firstModel.dispose();
    expect(state.params.size).toBe(straightModel.params.size);
    expect(state.optimizer.exp_avg.size).toBe(straightModel.params.size);
    expect(state.step).toBe(3);
    expect(state.optimizer.step).toBe(3);

    // A different init seed and different options: everything must come from the state.
    const secondModel = BertForQuestionAnswering.init(TINY, 99);
    const second = new Trainer(secondModel, features, { ...options, seed: 1 });
    second.restore(structuredClone(state));
    const lrs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const m = await second.step();
      resumedLosses.push(m.loss);
      lrs.push(m.lr);
    }
    expect(second.done).toBe(true);
    expect(lrs).toEqual(straightLrs.slice(3));
    resumedLosses.forEach((l, i) => expect(Math.abs(l - straightLosses[i]), `step ${i + 1}`).toBeLessThan(1e-6));
    const a = await straightModel.toHostParams();
    const b = await secondModel.toHostParams();
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-6);
    // The losses differ from step to step (dropout and data change), so equality is not trivial.
    expect(new Set(straightLosses.map((l) => l.toFixed(6))).size).toBe(6);
    for (const t of [straight, second]) t.dispose();
    for (const m of [straightModel, secondModel]) m.dispose();
  });

  it('keeps tensor count and bytes flat over 60 steps', async () => {
    const features = markedFeatures(11, 16, 5);
    const model = BertForQuestionAnswering.init(TINY, 6);
    const trainer = new Trainer(model, features, { batchSize: 4, gradAccumSteps: 2, maxSteps: 62 });
    await trainer.step();
    await trainer.evalLoss(features);
    await trainer.step();
    const before = tf.memory();
    for (let i = 0; i < 60; i++) await trainer.step();
    await trainer.evalLoss(features);
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    trainer.dispose();
    model.dispose();
    // Building and disposing a trainer (its optimizer moments) leaves nothing behind either.
    const empty = tf.memory().numTensors;
    const again = BertForQuestionAnswering.init(TINY, 6);
    new Trainer(again, features, { maxSteps: 1 }).dispose();
    again.dispose();
    expect(tf.memory().numTensors).toBe(empty);
  });

  it('skips non-finite steps without touching parameters or moments, and advises a pause after 3 in a row', async () => {
    const features = markedFeatures(8, 16, 6);
    const model = BertForQuestionAnswering.init(TINY, 8);
    const trainer = new Trainer(model, features, { batchSize: 4, maxSteps: 10, nonFinitePatience: 3 });
    const ok = await trainer.step();
    expect(ok.skipped).toBeUndefined();
    const good = await model.toHostParams();
    const poisoned: HostParams = new Map(good);
    poisoned.set('qa_outputs.bias', { shape: [2], data: new Float32Array([Number.NaN, 0]) });
    model.setParams(poisoned);
    const optBefore = (await trainer.state()).optimizer;
    const reports: StepMetrics[] = [];
    for (let i = 0; i < 3; i++) reports.push(await trainer.step());
    expect(reports.map((r) => r.skipped)).toEqual([true, true, true]);
    expect(Number.isNaN(reports[0].loss)).toBe(true);
    expect(reports.map((r) => r.pause_advised ?? false)).toEqual([false, false, true]);
    expect(reports[2].advice).toMatch(/learning rate/);
    expect(reports.map((r) => r.step)).toEqual([2, 3, 4]);
    const state = await trainer.state();
    expect(state.optimizer.step).toBe(1);
    for (const [name, t] of state.optimizer.exp_avg) expect(Array.from(t.data), name).toEqual(Array.from(optBefore.exp_avg.get(name)!.data));
    const now = await model.toHostParams();
    for (const [name, t] of good) {
      if (name === 'qa_outputs.bias') continue;
      expect(Array.from(now.get(name)!.data), name).toEqual(Array.from(t.data));
    }
    // Healthy again: the next step updates and the streak resets.
    model.setParams(good);
    const healed = await trainer.step();
    expect(healed.skipped).toBeUndefined();
    expect(Number.isFinite(healed.loss)).toBe(true);
    expect((await trainer.state()).optimizer.step).toBe(2);
    trainer.dispose();
    model.dispose();
  });

  it('walks epochs with a seeded reshuffle, reports fractional epochs and stops at the planned step count', async () => {
    const features = markedFeatures(10, 16, 7);
    const model = BertForQuestionAnswering.init(TINY, 9);
    // 10 features in batches of 4 -> 3 micro-batches -> 2 updates per epoch (the second has 1 micro-batch).
    const trainer = new Trainer(model, features, { batchSize: 4, gradAccumSteps: 2, epochs: 2, warmupRatio: 0.25 });
    expect(trainer.totalSteps).toBe(4);
    expect(trainer.warmupSteps).toBe(1);
    const seen: StepMetrics[] = [];
    const perms: Int32Array[] = [];
    while (!trainer.done) {
      seen.push(await trainer.step());
      perms.push((await trainer.state()).cursor.permutation);
    }
    expect(seen.map((m) => m.samples)).toEqual([8, 2, 8, 2]);
    expect(seen.map((m) => m.epoch)).toEqual([0.8, 1, 1.8, 2]);
    expect(seen.map((m) => m.lr)).toEqual([0, 1, 2 / 3, 1 / 3].map((x) => x * trainer.options.learningRate));
    expect(Array.from(perms[0]).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(perms[2])).not.toEqual(Array.from(perms[0]));
    for (const m of seen) {
      expect(m.grad_norm).toBeGreaterThan(0);
      expect(m.samples_per_s).toBeGreaterThan(0);
    }
    await expect(trainer.step()).rejects.toThrow(/complete/);
    trainer.dispose();
    model.dispose();
  });

  it('evaluates loss with dropout off, independent of batch size, matching the model loss', async () => {
    const features = markedFeatures(7, 16, 8);
    const model = BertForQuestionAnswering.init(TINY, 10);
    const trainer = new Trainer(model, features, { maxSteps: 1 });
    const a = await trainer.evalLoss(features, 3);
    const b = await trainer.evalLoss(features, 7);
    const c = await trainer.evalLoss(features, 7);
    expect(a).toBeCloseTo(b, 5);
    expect(b).toBe(c);
    const L = features.length;
    const batch = {
      inputIds: tf.tensor2d(Int32Array.from(features.inputIds), [7, L], 'int32'),
      tokenTypeIds: tf.tensor2d(Int32Array.from(features.tokenTypeIds), [7, L], 'int32'),
      attentionMask: tf.tensor2d(Int32Array.from(features.attentionMask), [7, L], 'int32'),
    };
    const loss = model.loss(batch, tf.tensor1d(Int32Array.from(features.startPositions), 'int32'), tf.tensor1d(Int32Array.from(features.endPositions), 'int32'));
    expect(b).toBeCloseTo(loss.dataSync()[0], 5);
    tf.dispose([loss, batch.inputIds, batch.tokenTypeIds, batch.attentionMask]);
    trainer.dispose();
    model.dispose();
  });

  it('rejects bad options and mismatched checkpoints with clear errors', async () => {
    const features = markedFeatures(4, 16, 9);
    const model = BertForQuestionAnswering.init(TINY, 12);
    expect(() => new Trainer(model, features, { batchSize: 0 })).toThrow(/Batch size is 0/);
    expect(() => new Trainer(model, features, { learningRate: -1 })).toThrow(/Learning rate/);
    expect(() => new Trainer(model, { ...features, count: 5 })).toThrow(/inputIds has/);
    const trainer = new Trainer(model, features, { maxSteps: 1 });
    const state = await trainer.state();
    const other = new Trainer(model, markedFeatures(5, 16, 9), { maxSteps: 1 });
    expect(() => other.restore(state)).toThrow(/4 features/);
    for (const t of [trainer, other]) t.dispose();
    model.dispose();
  });
});
