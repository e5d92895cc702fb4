// `npm run bench -- train-profile`: where one training step's time goes, kernel by kernel, on the
// wasm backend in Node (every wasm kernel is synchronous, so tf.profile's kernelTimeMs is its real
// time), next to PyTorch's own profile of the same step (torch.profiler, same thread count).
//   BENCH_CONFIGS=tiny:8,mini:8   presets[:batch] (default tiny:8,mini:8)
//   BENCH_SEQ=384                 tokens per window
//   BENCH_THREADS=N               wasm threads (default: every core)
//   BENCH_BACKENDS=wasm           backend to profile (wasm or cpu)
//   BENCH_TORCH=0                 skip PyTorch's profile
//   BENCH_TOP=15                  rows per table
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { type BackendName, activeWasmThreads, parseThreads, setupBackend } from '../../cli/backend.js';
import { BERT_PRESETS, BertForQuestionAnswering } from '../../src/core/model/index.js';
import { Trainer } from '../../src/core/train/index.js';
import { SEQ_LENGTH, parseConfigs, positiveInt, randomFeatures, type TrainConfig } from './measure.js';
import { torchUnavailable } from './pytorch.js';

/** Kernels whose time is matrix products (the fused dense layer: its matmuls plus a bias add and, in its gradient, a transpose and a row sum). */
const MATMUL_KERNELS = new Set(['BatchMatMul', '_FusedMatMul', 'BertLinear', 'BertLinearGrad', 'StudioSlicedMatMul']);

interface KernelRow {
  name: string;
  ms: number;
  count: number;
  /** Bytes the kernel's outputs hold (float32 assumed; int32 is the same size). */
  outBytes: number;
}

export interface StepProfile {
  stepMs: number;
  kernelMs: number;
  matmulMs: number;
  kernels: number;
  /** tf.profile's peak: bytes of live tensors, a buffer shared by several (reshape, clone) counted each time. */
  peakBytes: number;
  /** The wasm heap's size after the step: what the backend really holds (it never shrinks). */
  heapBytes?: number;
  rows: KernelRow[];
}

/** One trainer step under tf.profile: wall time, time inside kernels per kernel name, outputs' bytes. */
export async function profileStep(trainer: Trainer): Promise<StepProfile> {
  // Profiling otherwise reads back every kernel's output to check it for NaN.
  const check = tf.env().getBool('CHECK_COMPUTATION_FOR_ERRORS');
  tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', false);
  const t0 = performance.now();
  let info;
  try {
    info = await tf.profile(async () => {
      await trainer.step();
    });
  } finally {
    tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', check);
  }
  const stepMs = performance.now() - t0;
  const byName = new Map<string, KernelRow>();
  for (const k of info.kernels) {
    // tf.customGrad's forward function is recorded as a kernel named "forward" around the kernels it runs.
    if (k.name === 'forward') continue;
    const row = byName.get(k.name) ?? { name: k.name, ms: 0, count: 0, outBytes: 0 };
    row.ms += k.kernelTimeMs as number;
    row.count += 1;
    for (const s of k.outputShapes) row.outBytes += 4 * (s ?? []).reduce((a, b) => a * b, 1);
    byName.set(k.name, row);
  }
  const rows = [...byName.values()].sort((a, b) => b.ms - a.ms);
  const kernelMs = rows.reduce((a, r) => a + r.ms, 0);
  const matmulMs = rows.filter((r) => MATMUL_KERNELS.has(r.name)).reduce((a, r) => a + r.ms, 0);
  const heap = (tf.backend() as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8?.buffer.byteLength;
  return { stepMs, kernelMs, matmulMs, kernels: info.kernels.filter((k) => k.name !== 'forward').length, peakBytes: info.peakBytes, heapBytes: heap, rows };
}

function pct(a: number, b: number): string {
  return `${((100 * a) / b).toFixed(1)}%`;
}

export function formatProfile(p: StepProfile, top: number): string[] {
  const lines = [
    `step ${p.stepMs.toFixed(0)} ms: kernels ${p.kernelMs.toFixed(0)} ms (${pct(p.kernelMs, p.stepMs)}), ` +
      `between kernels ${(p.stepMs - p.kernelMs).toFixed(0)} ms; matmuls ${p.matmulMs.toFixed(0)} ms (${pct(p.matmulMs, p.stepMs)}); ` +
      `${p.kernels} kernels, peak ${(p.peakBytes / 2 ** 20).toFixed(0)} MB${p.heapBytes ? ` (wasm heap ${(p.heapBytes / 2 ** 20).toFixed(0)} MB)` : ''}`,
    `  ${'kernel'.padEnd(26)} ${'ms'.padStart(8)} ${'share'.padStart(6)} ${'count'.padStart(6)} ${'out MB'.padStart(8)}`,
  ];
  for (const r of p.rows.slice(0, top)) {
    lines.push(`  ${r.name.padEnd(26)} ${r.ms.toFixed(1).padStart(8)} ${pct(r.ms, p.stepMs).padStart(6)} ${String(r.count).padStart(6)} ${(r.outBytes / 2 ** 20).toFixed(1).padStart(8)}`);
  }
  return lines;
}

async function profileConfig(config: TrainConfig): Promise<StepProfile> {
  const model = BertForQuestionAnswering.init({ ...BERT_PRESETS[config.preset] }, 0);
  const trainer = new Trainer(model, randomFeatures(config.batch * 3, config.seq, model.config.vocab_size, 1), {
    batchSize: config.batch,
    maxSteps: 3,
    shuffle: false,
  });
  try {
    await trainer.step();
    await trainer.step();
    return await profileStep(trainer);
  } finally {
    trainer.dispose();
    model.dispose();
  }
}

interface TorchProfile {
  stepMs: number;
  matmulMs: number;
  top: { name: string; ms: number; count: number }[];
}

function torchProfile(config: TrainConfig, threads: number): TorchProfile | string {
  const python = process.env.BENCH_PYTHON ?? 'python3';
  const why = torchUnavailable(python);
  if (why) return why;
  const script = fileURLToPath(new URL('./pytorch_train.py', import.meta.url));
  const r = spawnSync(python, [script, '--device', 'cpu', '--threads', String(threads), '--profile', '--configs', JSON.stringify([{ ...config, steps: 1 }])], { encoding: 'utf8' });
  if (r.status !== 0) return `pytorch_train.py --profile failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`;
  const last = r.stdout.trim().split('\n').pop()!;
  return (JSON.parse(last) as { profile: TorchProfile }).profile;
}

export async function run(): Promise<void> {
  const backend = (process.env.BENCH_BACKENDS ?? 'wasm') as BackendName;
  await setupBackend(backend, { threads: parseThreads(process.env.BENCH_THREADS) });
  const threads = (await activeWasmThreads()) ?? 1;
  const top = positiveInt(process.env.BENCH_TOP, 15, 'BENCH_TOP');
  const configs = parseConfigs(process.env.BENCH_CONFIGS ?? 'tiny:8,mini:8', 8, 1, positiveInt(process.env.BENCH_SEQ, SEQ_LENGTH, 'BENCH_SEQ'));
  console.log(`${backend}, ${threads} thread(s): one training step (the third) under tf.profile; time per kernel name, summed.`);
  for (const config of configs) {
    const p = await profileConfig(config);
    console.log(`\n${config.preset} batch ${config.batch} seq ${config.seq}, ours:`);
    for (const l of formatProfile(p, top)) console.log(l);
    if (process.env.BENCH_TORCH === '0') continue;
    const t = torchProfile(config, threads);
    if (typeof t === 'string') {
      console.log(`PyTorch: ${t}`);
      continue;
    }
    console.log(`PyTorch cpu, ${threads} thread(s), same step: ${t.stepMs.toFixed(0)} ms, matmuls (mm/addmm/bmm, self time) ${t.matmulMs.toFixed(0)} ms (${pct(t.matmulMs, t.stepMs)})`);
    for (const r of t.top.slice(0, top)) console.log(`  ${r.name.padEnd(34)} ${r.ms.toFixed(1).padStart(8)} ${pct(r.ms, t.stepMs).padStart(6)} ${String(r.count).padStart(6)}`);
    console.log(
      `ratio now ${(t.stepMs / p.stepMs).toFixed(2)}x torch; if only our matmuls remained: ${(t.stepMs / p.matmulMs).toFixed(2)}x; ` +
        `our matmuls over torch's: ${(p.matmulMs / t.matmulMs).toFixed(2)}x the time`,
    );
  }
}
