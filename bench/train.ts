// Training throughput at sequence length 384 for the tiny/mini/small presets (vocab 30522) on every
// backend Node has, with model FLOP/s from estimateModel. Ratios: against a plain 1024^3 matmul on
// the same backend (the ceiling a step's matmuls could reach), and against wasm for the same model.
// SwiftShader WebGPU is a CPU emulation (~35x slower than wasm): it gets one timed step of tiny at batch 1.
// `npm run bench -- train-quality` instead trains a small model from scratch on SQuAD dev and scores it.
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { type BackendName, setupBackend } from '../cli/backend.js';
import { BERT_PRESETS, type BertPresetName, BertForQuestionAnswering, estimateModel } from '../src/core/model/index.js';
import { SeededRng, Trainer, type TrainFeatures } from '../src/core/train/index.js';
import { trainQuality } from '../src/core/train/quality.test-util.js';

const L = 384;

interface Plan {
  preset: BertPresetName;
  batch: number;
  steps: number;
}

/** Per backend, what fits in a few minutes on two cores; the first step of each is an untimed warm-up. */
const PLANS: Record<BackendName, Plan[]> = {
  wasm: [
    { preset: 'tiny', batch: 4, steps: 3 },
    { preset: 'mini', batch: 2, steps: 2 },
    { preset: 'small', batch: 1, steps: 1 },
  ],
  cpu: [
    { preset: 'tiny', batch: 2, steps: 1 },
    { preset: 'mini', batch: 1, steps: 1 },
  ],
  webgpu: [{ preset: 'tiny', batch: 1, steps: 1 }],
};

function randomFeatures(count: number, vocab: number, seed: number): TrainFeatures {
  const rng = new SeededRng(seed);
  const inputIds = Int32Array.from({ length: count * L }, () => Math.floor(rng.next() * vocab));
  const tokenTypeIds = Int32Array.from({ length: count * L }, (_, i) => (i % L >= 32 ? 1 : 0));
  const startPositions = Int32Array.from({ length: count }, () => 32 + Math.floor(rng.next() * 300));
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

async function matmulGflops(): Promise<number> {
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

interface Row {
  backend: BackendName;
  preset: BertPresetName;
  batch: number;
  samplesPerS: number;
  gflops: number;
  ceiling: number;
}

async function measure(backend: BackendName, plan: Plan, ceiling: number): Promise<Row> {
  const config = { ...BERT_PRESETS[plan.preset], max_position_embeddings: 512 };
  const model = BertForQuestionAnswering.init(config, 0);
  const trainer = new Trainer(model, randomFeatures(plan.batch * (plan.steps + 1), config.vocab_size, 1), {
    batchSize: plan.batch,
    maxSteps: plan.steps + 1,
    shuffle: false,
  });
  await trainer.step();
  let ms = 0;
  for (let i = 0; i < plan.steps; i++) ms += (await trainer.step()).step_ms;
  trainer.dispose();
  model.dispose();
  const flops = estimateModel(config, plan.batch, L).trainingStepFlops * plan.steps;
  return { backend, preset: plan.preset, batch: plan.batch, samplesPerS: (plan.batch * plan.steps * 1000) / ms, gflops: flops / ms / 1e6, ceiling };
}

export async function run(): Promise<void> {
  console.log(`Training step (forward + backward + AdamW), seq ${L}, dropout on, vocab 30522; model FLOPs = estimateModel().trainingStepFlops`);
  const rows: Row[] = [];
  // BENCH_BACKENDS=webgpu (comma-separated) measures a subset.
  const only = process.env.BENCH_BACKENDS?.split(',');
  for (const backend of ['wasm', 'cpu', 'webgpu'] as BackendName[]) {
    if (only && !only.includes(backend)) continue;
    try {
      await setupBackend(backend);
    } catch (err) {
      console.log(`${backend}: skipped (${err instanceof Error ? err.message : String(err)})`);
      continue;
    }
    const ceiling = await matmulGflops();
    console.log(`${backend}: 1024^3 matmul ${ceiling.toFixed(2)} GFLOP/s`);
    for (const plan of PLANS[backend]) {
      const row = await measure(backend, plan, ceiling);
      rows.push(row);
      console.log(`  ${plan.preset.padEnd(5)} batch ${plan.batch}: ${row.samplesPerS.toFixed(2)} samples/s, ${row.gflops.toFixed(2)} GFLOP/s`);
    }
  }
  const wasm = new Map(rows.filter((r) => r.backend === 'wasm').map((r) => [r.preset, r]));
  console.log('\nbackend preset batch  samples/s  model GFLOP/s  x matmul ceiling  x wasm (same model)');
  for (const r of rows) {
    const ref = wasm.get(r.preset);
    const vsWasm = ref ? (r.samplesPerS / ref.samplesPerS).toFixed(3) : 'n/a';
    console.log(
      `${r.backend.padEnd(7)} ${r.preset.padEnd(6)} ${String(r.batch).padStart(5)} ${r.samplesPerS.toFixed(2).padStart(10)} ${r.gflops.toFixed(2).padStart(14)} ${(r.gflops / r.ceiling).toFixed(3).padStart(17)} ${vsWasm.padStart(20)}`,
    );
  }
}

/** Small BERT from scratch on SQuAD dev articles 0-37, scored on 38-47 against a position-only baseline. */
export async function runQuality(): Promise<void> {
  // Several minutes of training: only when asked for by name, not in a plain `npm run bench`.
  if (!process.argv.includes('train-quality')) {
    console.log('skipped: run `npm run bench -- train-quality` (several minutes)');
    return;
  }
  const backend = (process.env.TRAIN_QUALITY_BACKEND ?? 'wasm') as BackendName;
  await setupBackend(backend);
  const r = await trainQuality({ ...QUALITY_SETUP, sharedDir: resolve(process.cwd(), '../shared'), onProgress: (line) => console.log(line) });
  console.log(JSON.stringify({ backend, ...r }, null, 1));
}

export const QUALITY_SETUP = {
  maxLength: 128,
  stride: 32,
  hidden: 64,
  layers: 2,
  steps: 400,
  // Dropout off: a from-scratch model this short of data and steps underfits, it does not overfit.
  train: { learningRate: 3e-3, batchSize: 16, warmupRatio: 0.1, weightDecay: 0.01, seed: 1, dropout: false },
};
