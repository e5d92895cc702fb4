import * as tf from '@tensorflow/tfjs';
import { BERT_DEFAULTS, type BertConfig } from '../model/index.js';
import { SeededRng } from './rng.js';
import type { TrainFeatures } from './trainer.js';

export const TINY: BertConfig = {
  ...BERT_DEFAULTS,
  vocab_size: 64,
  hidden_size: 32,
  num_hidden_layers: 2,
  num_attention_heads: 2,
  intermediate_size: 64,
  max_position_embeddings: 32,
};

export const START_MARK = 5;
export const END_MARK = 6;

/**
 * Random windows whose answer is marked: token 5 at the start position and token 6 at the end, so a
 * tiny model can learn the task quickly. Layout: [CLS]=1, 3 question tokens, [SEP]=2, context, [SEP], padding 0.
 */
export function markedFeatures(count: number, length: number, seed: number): TrainFeatures {
  const rng = new SeededRng(seed);
  const ids = new Int32Array(count * length);
  const types = new Uint8Array(count * length);
  const mask = new Uint8Array(count * length);
  const starts = new Int32Array(count);
  const ends = new Int32Array(count);
  const randomToken = () => 10 + Math.floor(rng.next() * 54);
  for (let f = 0; f < count; f++) {
    const o = f * length;
    const used = length - Math.floor(rng.next() * (length / 4));
    ids[o] = 1;
    for (let i = 1; i <= 3; i++) ids[o + i] = randomToken();
    ids[o + 4] = 2;
    for (let i = 5; i < used - 1; i++) {
      ids[o + i] = randomToken();
      types[o + i] = 1;
    }
    ids[o + used - 1] = 2;
    types[o + used - 1] = 1;
    mask.fill(1, o, o + used);
    const s = 5 + Math.floor(rng.next() * (used - 8));
    const e = s + Math.floor(rng.next() * Math.min(3, used - 2 - s));
    ids[o + s] = START_MARK;
    if (e > s) ids[o + e] = END_MARK;
    starts[f] = s;
    ends[f] = e;
  }
  return { count, length, inputIds: ids, tokenTypeIds: types, attentionMask: mask, startPositions: starts, endPositions: ends };
}

/** Rows [from, to) of a feature set as a new one. */
export function sliceFeatures(f: TrainFeatures, from: number, to: number): TrainFeatures {
  const L = f.length;
  const take = (a: ArrayLike<number>, w: number) => Array.from({ length: (to - from) * w }, (_, i) => a[from * w + i]);
  return {
    count: to - from,
    length: L,
    inputIds: take(f.inputIds, L),
    tokenTypeIds: take(f.tokenTypeIds, L),
    attentionMask: take(f.attentionMask, L),
    startPositions: take(f.startPositions, 1),
    endPositions: take(f.endPositions, 1),
  };
}

export async function setCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}
