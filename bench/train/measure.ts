// The training benchmark's measurement, free of Node and DOM APIs: the same code runs in Node, in a
// browser worker and in the GPU pack's bundle, on whichever tfjs backend is active.
import * as tf from '@tensorflow/tfjs';
import { BERT_PRESETS, type BertPresetName, BertForQuestionAnswering, QA_OUTPUTS_BIAS, estimateModel } from '../../src/core/model/index.js';
import { SeededRng, Trainer, type TrainFeatures, profileTrainStep } from '../../src/core/train/index.js';

/** The sequence length of every figure unless BENCH_SEQ says otherwise (kernel counts do not depend on it). */
export const SEQ_LENGTH = 384;
export const PRESET_NAMES: BertPresetName[] = ['tiny', 'mini', 'small', 'base'];

export interface TrainConfig {
  preset: BertPresetName;
  batch: number;
  /** Tokens per window. */
  seq: number;
  /** Timed steps, after one warm-up step and one profiled step. */
  steps: number;
}

export interface TrainResult extends TrainConfig {
  samplesPerS: number;
  stepMs: number;
  /** Model FLOPs (estimateModel) per second of the timed steps, in TFLOP/s. */
  tflops: number;
  kernels: number;
  peakBytes: number;
  /** Kernels launched per kernel name in the profiled step, most frequent first. */
  kernelsByName: Record<string, number>;
}

/** Parses `tiny:8,base:16` (batch after the colon, else `defaultBatch`) into configs; throws naming the bad item. */
export function parseConfigs(spec: string, defaultBatch: number, steps: number, seq = SEQ_LENGTH): TrainConfig[] {
  if (!Number.isInteger(seq) || seq < 8 || seq > 512) throw new Error(`sequence length must be an integer in 8..512, got ${seq}`);
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      const [name, batchText] = item.split(':');
      if (!(PRESET_NAMES as string[]).includes(name)) throw new Error(`bench config "${item}": unknown preset "${name}" (one of ${PRESET_NAMES.join(', ')})`);
      const batch = batchText === undefined ? defaultBatch : Number(batchText);
      if (!Number.isInteger(batch) || batch < 1) throw new Error(`bench config "${item}": batch must be a positive integer`);
      return { preset: name as BertPresetName, batch, seq, steps };
    });
}

export function positiveInt(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${text}"`);
  return n;
}

/** Random SQuAD-shaped windows: a question in the first L/12 tokens, 4-token answers inside the context. */
export function randomFeatures(count: number, L: number, vocab: number, seed: number): TrainFeatures {
  const q = Math.floor(L / 12);
  const rng = new SeededRng(seed);
  const inputIds = Int32Array.from({ length: count * L }, () => Math.floor(rng.next() * vocab));
  const tokenTypeIds = Int32Array.from({ length: count * L }, (_, i) => (i % L >= q ? 1 : 0));
  const startPositions = Int32Array.from({ length: count }, () => q + Math.floor(rng.next() * (L - q - 4)));
  return {
    count,
    length: L,
    inputIds,
    tokenTypeIds,
    attentionMask: new Int32Array(count * L).fill(1),
    startPositions,
    endPositions: startPositions.map((s) => s + 3),
  };
}

export function trainingFlops(preset: BertPresetName, batch: number, seq: number): number {
  return estimateModel(BERT_PRESETS[preset], batch, seq).trainingStepFlops;
}

/**
 * One config through the core Trainer (dropout on, AdamW, clipping): a warm-up step (shader
 * compilation, first allocations), a step under tf.profile for kernels and peak bytes, then timed steps.
 */
export async function measureTraining(config: TrainConfig): Promise<TrainResult> {
  const model = BertForQuestionAnswering.init({ ...BERT_PRESETS[config.preset] }, 0);
  const total = config.steps + 2;
  const trainer = new Trainer(model, randomFeatures(config.batch * total, config.seq, model.config.vocab_size, 1), {
    batchSize: config.batch,
    maxSteps: total,
    shuffle: false,
  });
  try {
    await trainer.step();
    const profile = await profileTrainStep(trainer);
    const t0 = performance.now();
    for (let i = 0; i < config.steps; i++) await trainer.step();
    // A step returns once its loss is read, before a GPU has run its optimizer update: wait for that
    // by reading a 2-float parameter the last update wrote.
    await model.params.get(QA_OUTPUTS_BIAS)!.data();
    const stepMs = (performance.now() - t0) / config.steps;
    return {
      ...config,
      samplesPerS: (config.batch * 1000) / stepMs,
      stepMs,
      tflops: trainingFlops(config.preset, config.batch, config.seq) / stepMs / 1e9,
      kernels: profile.kernelCount,
      peakBytes: profile.peakBytes,
      kernelsByName: profile.kernelsByName,
    };
  } finally {
    trainer.dispose();
    model.dispose();
  }
}

/** The active backend's plain 1024^3 matmul rate: the ceiling a step's matmuls could reach. */
export async function matmulGflops(): Promise<number> {
  const a = tf.randomNormal([1024, 1024]);
  const run = async () => {
    const r = tf.matMul(a, a);
    await r.data();
    r.dispose();
  };
  await run();
  const n = tf.getBackend() === 'webgpu' ? 2 : 4;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await run();
  const ms = (performance.now() - t0) / n;
  a.dispose();
  return (2 * 1024 ** 3) / ms / 1e6;
}
