import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BERT_DEFAULTS, type BertConfig, BertForQuestionAnswering, estimateModel } from '../model/index.js';
import { markedFeatures, setCpu } from './fixtures.test-util.js';
import { profileTrainStep } from './profile.js';
import { Trainer } from './trainer.js';

beforeAll(setCpu);

function config(H: number, layers: number, A: number, I: number, vocab: number): BertConfig {
  return { ...BERT_DEFAULTS, vocab_size: vocab, hidden_size: H, num_hidden_layers: layers, num_attention_heads: A, intermediate_size: I, max_position_embeddings: 256 };
}

async function profile(c: BertConfig, B: number, L: number, options: { gradientCheckpointing?: boolean; gradAccumSteps?: number } = {}) {
  const model = BertForQuestionAnswering.init(c, 1);
  const features = markedFeatures(B * (options.gradAccumSteps ?? 1), L, 3);
  // The fixture's token ids go up to 63; keep them inside small vocabularies.
  for (let i = 0; i < features.inputIds.length; i++) (features.inputIds as Int32Array)[i] %= Math.min(64, c.vocab_size);
  const trainer = new Trainer(model, features, { batchSize: B, maxSteps: 3, ...options });
  const result = await profileTrainStep(trainer);
  trainer.dispose();
  model.dispose();
  return result;
}

describe('profileTrainStep', () => {
  it('reports the peak, kernels by name and the step, and leaks nothing', async () => {
    const p = await profile(config(32, 2, 2, 64, 100), 2, 16);
    expect(p.kernelCount).toBe(Object.values(p.kernelsByName).reduce((a, b) => a + b, 0));
    expect(p.kernelsByName.StudioAdamW).toBe(2 * 16 + 7);
    expect(p.peakBytes).toBeGreaterThan(p.startBytes);
    expect(p.newBytes).toBe(0);
    expect(p.newTensors).toBe(0);
    expect(p.metrics.step).toBe(1);
    expect(Number.isFinite(p.metrics.loss)).toBe(true);
  });

  // Weights dominate this config (as in BERT-base at short lengths), so the peak is set by how the
  // optimizer, the norm and accumulation handle gradients: 4.7x the floor before they were fused.
  it('peaks within 1.2x torch floor of 16 bytes per parameter; accumulating adds one parameter\'s gradient and sum', async () => {
    const c = config(128, 2, 2, 512, 1000);
    const largest = c.vocab_size * c.hidden_size;
    const single = await profile(c, 1, 4);
    expect(single.peakBytes).toBeLessThan(1.2 * single.floorBytes);
    const accumulated = await profile(c, 1, 4, { gradAccumSteps: 3 });
    expect(accumulated.peakBytes).toBeLessThan(1.2 * accumulated.floorBytes + 2 * 4 * largest);
  });
});

describe('estimateModel against the measured peak', () => {
  // Configs off the fitting grid, every term of the fit varied: [H, layers, heads, intermediate, batch, length].
  const cases: [number, number, number, number, number, number][] = [
    [64, 2, 4, 256, 3, 80],
    [96, 3, 2, 192, 1, 144],
  ];
  for (const gradientCheckpointing of [false, true]) {
    for (const [H, layers, A, I, B, L] of cases) {
      it(`is within 15% for H ${H}, ${layers} layers, ${A} heads, I ${I}, batch ${B}, length ${L}${gradientCheckpointing ? ', checkpointed' : ''}`, async () => {
        const c = config(H, layers, A, I, 512);
        const measured = await profile(c, B, L, { gradientCheckpointing });
        const estimated = estimateModel(c, B, L, { gradientCheckpointing }).trainingBytes;
        expect(Math.abs(estimated / measured.peakBytes - 1)).toBeLessThan(0.15);
      });
    }
  }

  it('shows checkpointing cutting the activation memory of BERT-base at L 384, to fit batch 8 in 4 GB', () => {
    const base = { ...BERT_DEFAULTS };
    const plain = estimateModel(base, 8, 384);
    const checkpointed = estimateModel(base, 8, 384, { gradientCheckpointing: true });
    expect(checkpointed.activationBytes).toBeLessThan(plain.activationBytes / 4);
    expect(plain.trainingBytes).toBeGreaterThan(4e9);
    expect(checkpointed.trainingBytes).toBeLessThan(4e9);
    expect(checkpointed.trainingStepFlops).toBeGreaterThan(plain.trainingStepFlops);
    expect(tf.memory().numTensors).toBe(0);
  });
});
