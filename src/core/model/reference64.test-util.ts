/**
 * Independent float64 BertForQuestionAnswering for tests: plain loops over Float64Arrays, written
 * from the Hugging Face definition without sharing any code with the tfjs model.
 */
import type { BertConfig } from './config.js';

export type Params64 = Map<string, Float64Array>;

export interface Batch64 {
  batchSize: number;
  seqLength: number;
  inputIds: number[];
  tokenTypeIds: number[];
  attentionMask: number[];
}

export function toParams64(params: Map<string, { data: Float32Array }>): Params64 {
  const out: Params64 = new Map();
  for (const [name, t] of params) out.set(name, Float64Array.from(t.data));
  return out;
}

/** erf to ~1e-13: Taylor series near 0, Laplace continued fraction for erfc in the tails. */
export function erf64(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 100; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  let f = ax;
  for (let k = 120; k >= 1; k--) f = ax + k / 2 / f;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return x > 0 ? 1 - erfc : erfc - 1;
}

function get(p: Params64, name: string): Float64Array {
  const v = p.get(name);
  if (!v) throw new Error(`reference: missing ${name}`);
  return v;
}

/** y[n, o] = sum_i x[n, i] * W[o, i] + b[o] with W in [out, in] layout. */
function dense(x: Float64Array, n: number, inDim: number, w: Float64Array, b: Float64Array, outDim: number): Float64Array {
  const y = new Float64Array(n * outDim);
  for (let r = 0; r < n; r++) {
    for (let o = 0; o < outDim; o++) {
      let acc = b[o];
      for (let i = 0; i < inDim; i++) acc += x[r * inDim + i] * w[o * inDim + i];
      y[r * outDim + o] = acc;
    }
  }
  return y;
}

function layerNorm(x: Float64Array, n: number, h: number, g: Float64Array, b: Float64Array, eps: number): Float64Array {
  const y = new Float64Array(n * h);
  for (let r = 0; r < n; r++) {
    let mean = 0;
    for (let i = 0; i < h; i++) mean += x[r * h + i];
    mean /= h;
    let variance = 0;
    for (let i = 0; i < h; i++) variance += (x[r * h + i] - mean) ** 2;
    variance /= h;
    const inv = 1 / Math.sqrt(variance + eps);
    for (let i = 0; i < h; i++) y[r * h + i] = (x[r * h + i] - mean) * inv * g[i] + b[i];
  }
  return y;
}

function geluScalar(x: number, act: BertConfig['hidden_act']): number {
  if (act === 'gelu') return 0.5 * x * (1 + erf64(x / Math.SQRT2));
  return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
}

export function referenceLogits(config: BertConfig, p: Params64, batch: Batch64): { start: Float64Array; end: Float64Array } {
  const { batchSize: B, seqLength: L } = batch;
  const H = config.hidden_size;
  const A = config.num_attention_heads;
  const D = H / A;
  const I = config.intermediate_size;
  const N = B * L;
  const word = get(p, 'bert.embeddings.word_embeddings.weight');
  const pos = get(p, 'bert.embeddings.position_embeddings.weight');
  const typ = get(p, 'bert.embeddings.token_type_embeddings.weight');
  let x: Float64Array = new Float64Array(N * H);
  for (let b = 0; b < B; b++) {
    for (let l = 0; l < L; l++) {
      const n = b * L + l;
      const id = batch.inputIds[n];
      const t = batch.tokenTypeIds[n];
      for (let h = 0; h < H; h++) x[n * H + h] = word[id * H + h] + pos[l * H + h] + typ[t * H + h];
    }
  }
  x = layerNorm(x, N, H, get(p, 'bert.embeddings.LayerNorm.weight'), get(p, 'bert.embeddings.LayerNorm.bias'), config.layer_norm_eps);
  for (let layer = 0; layer < config.num_hidden_layers; layer++) {
    const pre = `bert.encoder.layer.${layer}`;
    const lin = (inp: Float64Array, name: string, inDim: number, outDim: number) =>
      dense(inp, N, inDim, get(p, `${pre}.${name}.weight`), get(p, `${pre}.${name}.bias`), outDim);
    const q = lin(x, 'attention.self.query', H, H);
    const k = lin(x, 'attention.self.key', H, H);
    const v = lin(x, 'attention.self.value', H, H);
    const ctx = new Float64Array(N * H);
    const scores = new Float64Array(L);
    for (let b = 0; b < B; b++) {
      for (let a = 0; a < A; a++) {
        for (let i = 0; i < L; i++) {
          let max = -Infinity;
          for (let j = 0; j < L; j++) {
            let s = 0;
            for (let d = 0; d < D; d++) s += q[(b * L + i) * H + a * D + d] * k[(b * L + j) * H + a * D + d];
            s = s / Math.sqrt(D) + (batch.attentionMask[b * L + j] ? 0 : -1e9);
            scores[j] = s;
            if (s > max) max = s;
          }
          let z = 0;
          for (let j = 0; j < L; j++) {
            scores[j] = Math.exp(scores[j] - max);
            z += scores[j];
          }
          for (let d = 0; d < D; d++) {
            let acc = 0;
            for (let j = 0; j < L; j++) acc += (scores[j] / z) * v[(b * L + j) * H + a * D + d];
            ctx[(b * L + i) * H + a * D + d] = acc;
          }
        }
      }
    }
    const attnOut = lin(ctx, 'attention.output.dense', H, H);
    for (let i = 0; i < N * H; i++) attnOut[i] += x[i];
    const attn = layerNorm(attnOut, N, H, get(p, `${pre}.attention.output.LayerNorm.weight`), get(p, `${pre}.attention.output.LayerNorm.bias`), config.layer_norm_eps);
    const inter = lin(attn, 'intermediate.dense', H, I);
    for (let i = 0; i < inter.length; i++) inter[i] = geluScalar(inter[i], config.hidden_act);
    const out = lin(inter, 'output.dense', I, H);
    for (let i = 0; i < N * H; i++) out[i] += attn[i];
    x = layerNorm(out, N, H, get(p, `${pre}.output.LayerNorm.weight`), get(p, `${pre}.output.LayerNorm.bias`), config.layer_norm_eps);
  }
  const logits = dense(x, N, H, get(p, 'qa_outputs.weight'), get(p, 'qa_outputs.bias'), 2);
  const start = new Float64Array(N);
  const end = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    start[n] = logits[n * 2];
    end[n] = logits[n * 2 + 1];
  }
  return { start, end };
}

function crossEntropy(logits: Float64Array, B: number, L: number, positions: number[]): number {
  let total = 0;
  for (let b = 0; b < B; b++) {
    const target = Math.min(Math.max(positions[b], 0), L - 1);
    let max = -Infinity;
    for (let l = 0; l < L; l++) max = Math.max(max, logits[b * L + l]);
    let z = 0;
    for (let l = 0; l < L; l++) z += Math.exp(logits[b * L + l] - max);
    total += -(logits[b * L + target] - max - Math.log(z));
  }
  return total / B;
}

export function referenceLoss(config: BertConfig, p: Params64, batch: Batch64, startPositions: number[], endPositions: number[]): number {
  const { start, end } = referenceLogits(config, p, batch);
  return (
    (crossEntropy(start, batch.batchSize, batch.seqLength, startPositions) +
      crossEntropy(end, batch.batchSize, batch.seqLength, endPositions)) /
    2
  );
}
