// `npx tsx scripts/fit-memory-estimate.ts`: measures one Trainer step's peak (profileTrainStep; cpu, or BACKEND=wasm)
// over small configs that vary every term of the Model panel's memory estimate, fits the activation
// coefficients by relative least squares and prints them for ACTIVATION_FIT in
// src/core/model/estimate.ts. Rerun it when the model's ops change how much a step holds.
import { type BackendName, setupBackend } from '../cli/backend.js';
import { BERT_DEFAULTS, BertForQuestionAnswering } from '../src/core/model/index.js';
import { Trainer, profileTrainStep } from '../src/core/train/index.js';

type Point = { H: number; layers: number; A: number; I: number; B: number; L: number };

const GRID: Point[] = [
  [64, 2, 2, 128, 1, 64],
  [64, 2, 2, 128, 4, 64],
  [64, 2, 4, 128, 2, 128],
  [128, 2, 2, 512, 2, 64],
  [128, 3, 4, 256, 1, 128],
  [64, 3, 4, 512, 4, 96],
  [128, 2, 8, 256, 2, 128],
  [96, 2, 2, 384, 3, 160],
  [64, 4, 4, 128, 4, 64],
  [128, 2, 2, 256, 1, 192],
].map(([H, layers, A, I, B, L]) => ({ H, layers, A, I, B, L }));

async function activationBytes(p: Point, gradientCheckpointing: boolean): Promise<number> {
  const config = { ...BERT_DEFAULTS, vocab_size: 512, hidden_size: p.H, num_hidden_layers: p.layers, num_attention_heads: p.A, intermediate_size: p.I, max_position_embeddings: 512 };
  const model = BertForQuestionAnswering.init(config, 1);
  const n = p.B * p.L;
  const ids = Int32Array.from({ length: n }, (_, i) => 1 + ((i * 7) % 500));
  const features = {
    count: p.B,
    length: p.L,
    inputIds: ids,
    tokenTypeIds: new Int32Array(n),
    attentionMask: new Int32Array(n).fill(1),
    startPositions: new Int32Array(p.B).fill(1),
    endPositions: new Int32Array(p.B).fill(2),
  };
  const trainer = new Trainer(model, features, { batchSize: p.B, maxSteps: 1, gradientCheckpointing });
  const profile = await profileTrainStep(trainer);
  trainer.dispose();
  model.dispose();
  return profile.peakBytes - profile.floorBytes;
}

/** Solves min sum ((x . c - y) / y)^2 through the normal equations. */
function fit(rows: number[][], ys: number[]): number[] {
  const k = rows[0].length;
  const a = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  rows.forEach((r, n) => {
    const w = 1 / ys[n] ** 2;
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) a[i][j] += w * r[i] * r[j];
      a[i][k] += w * r[i] * ys[n];
    }
  });
  for (let i = 0; i < k; i++) {
    for (let r = i + 1; r < k; r++) {
      const f = a[r][i] / a[i][i];
      for (let c = i; c <= k; c++) a[r][c] -= f * a[i][c];
    }
  }
  const c = new Array<number>(k).fill(0);
  for (let i = k - 1; i >= 0; i--) c[i] = (a[i][k] - a[i].slice(i + 1, k).reduce((s, v, j) => s + v * c[i + 1 + j], 0)) / a[i][i];
  return c;
}

await setupBackend((process.env.BACKEND ?? 'cpu') as BackendName);
const F32 = 4;
for (const checkpointed of [false, true]) {
  const rows: number[][] = [];
  const ys: number[] = [];
  for (const p of GRID) {
    const T = p.B * p.L;
    const S = p.B * p.A * p.L * p.L;
    const bytes = await activationBytes(p, checkpointed);
    // One checkpoint (the layer input) per layer is known exactly; the rest is fitted.
    if (checkpointed) {
      rows.push([T * p.H, T * p.I, S]);
      ys.push(bytes - p.layers * T * p.H * F32);
    } else {
      rows.push([p.layers * T * p.H, p.layers * T * p.I, p.layers * S, T * p.H]);
      ys.push(bytes);
    }
    console.error(`${checkpointed ? 'checkpointed' : 'plain'} ${JSON.stringify(p)}: ${(bytes / 1e6).toFixed(1)} MB`);
  }
  const c = fit(rows, ys).map((v) => +(v / F32).toFixed(1));
  const worst = Math.max(...rows.map((r, n) => Math.abs(r.reduce((s, v, i) => s + v * c[i] * F32, 0) / ys[n] - 1)));
  const fields = checkpointed
    ? `{ perLayerTH: 1, layerTH: ${c[0]}, layerTI: ${c[1]}, layerS: ${c[2]} }`
    : `{ perLayerTH: ${c[0]}, perLayerTI: ${c[1]}, perLayerS: ${c[2]}, embeddingTH: ${c[3]} }`;
  console.log(`${checkpointed ? 'checkpointed' : 'plain'}: ${fields}  (worst activation error ${(worst * 100).toFixed(1)}%)`);
}
