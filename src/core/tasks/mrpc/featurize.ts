import type { BertTokenizer } from '../../tokenizer/index';
import type { PairExample } from './types';

/** The smallest max_length that holds [CLS] [SEP] [SEP]. */
export const MIN_PAIR_MAX_LENGTH = 3;
export const DEFAULT_PAIR_MAX_LENGTH = 128;

/**
 * Tokens kept of each sentence under `truncation=True` (longest_first) at `maxLength`, exactly as
 * Hugging Face's Rust tokenizer computes it. With budget M = maxLength - 3, a pair that fits is kept.
 * Otherwise the Rust code compares the two sequences' lengths as its model produced them: it stops
 * tokenizing a sentence once whole words give maxLength tokens, so a sentence counts as `capped`
 * (the tokens of its shortest word prefix holding maxLength tokens; see `wordCappedLength`). With
 * n1 <= n2 those counts (swapped when the first is strictly longer): n2 becomes max(n1, M - n1)
 * (n1 itself when n1 > M); if n1 + n2 still exceeds M, n1 = floor(M/2) and n2 = n1 + M % 2. Checked
 * against npm `tokenizers` on every pair of lengths up to 24 and every real MRPC row (featurize.test.ts).
 */
export function pairTruncation(len1: number, len2: number, maxLength: number, capped: [number, number] = [Math.min(len1, maxLength), Math.min(len2, maxLength)]): [number, number] {
  const M = maxLength - MIN_PAIR_MAX_LENGTH;
  if (len1 + len2 <= M) return [len1, len2];
  let [n1, n2] = capped;
  const swap = n1 > n2;
  if (swap) [n1, n2] = [n2, n1];
  n2 = n1 > M ? n1 : Math.max(n1, M - n1);
  if (n1 + n2 > M) {
    n1 = Math.floor(M / 2);
    n2 = n1 + (M % 2);
  }
  const [k1, k2] = swap ? [n2, n1] : [n1, n2];
  return [Math.min(k1, len1), Math.min(k2, len2)];
}

/**
 * Tokens of the shortest prefix of whole words (pre-tokens) that holds at least `maxLength` tokens,
 * or all of them: how long the Rust tokenizer considers a sentence when it compares the two.
 */
export function wordCappedLength(tokenizer: BertTokenizer, ids: ArrayLike<number>, maxLength: number): number {
  const prefix = tokenizer.config.wordPiece.continuingSubwordPrefix;
  for (let i = maxLength; i < ids.length; i++) {
    if (!(tokenizer.idToToken(ids[i]) ?? '').startsWith(prefix)) return i;
  }
  return ids.length;
}

/** One pair as the model sees it, with what a user needs to inspect it. */
export interface EncodedPair {
  /** `[CLS] s1 [SEP] s2 [SEP]`, unpadded. */
  inputIds: Int32Array;
  /** 0 for `[CLS] s1 [SEP]`, 1 for `s2 [SEP]`. */
  tokenTypeIds: Int32Array;
  /** null for special tokens, 0 first sentence, 1 second. */
  sequenceIds: (0 | 1 | null)[];
  /** [start, end) UTF-16 offsets into the token's own sentence; [0, 0] on specials. */
  offsets: [number, number][];
  /** Tokens of each sentence before truncation. */
  lengths: [number, number];
  /** Tokens of each sentence kept. */
  kept: [number, number];
}

export function checkPairMaxLength(maxLength: number, maxPositionEmbeddings?: number): void {
  if (!Number.isInteger(maxLength) || maxLength < MIN_PAIR_MAX_LENGTH) {
    throw new Error(`max_length must be an integer >= ${MIN_PAIR_MAX_LENGTH} ([CLS] and two [SEP]), got ${maxLength}`);
  }
  if (maxPositionEmbeddings !== undefined && maxLength > maxPositionEmbeddings) {
    throw new Error(`max_length ${maxLength} exceeds the model's max_position_embeddings ${maxPositionEmbeddings}`);
  }
}

/** `tokenizer(s1, s2, truncation=True, max_length=maxLength)` with offsets and what truncation cut. */
export function encodePair(tokenizer: BertTokenizer, sentence1: string, sentence2: string, maxLength: number): EncodedPair {
  checkPairMaxLength(maxLength);
  const a = tokenizer.encode(sentence1);
  const b = tokenizer.encode(sentence2);
  const [k1, k2] = pairTruncation(a.length, b.length, maxLength, [
    wordCappedLength(tokenizer, a.ids, maxLength),
    wordCappedLength(tokenizer, b.ids, maxLength),
  ]);
  const n = k1 + k2 + 3;
  const inputIds = new Int32Array(n);
  const tokenTypeIds = new Int32Array(n);
  const sequenceIds: (0 | 1 | null)[] = new Array(n);
  const offsets: [number, number][] = new Array(n);
  let p = 0;
  const special = (id: number, type: number) => {
    inputIds[p] = id;
    tokenTypeIds[p] = type;
    sequenceIds[p] = null;
    offsets[p++] = [0, 0];
  };
  special(tokenizer.clsId, 0);
  for (let i = 0; i < k1; i++) {
    inputIds[p] = a.ids[i];
    sequenceIds[p] = 0;
    offsets[p++] = [a.starts[i], a.ends[i]];
  }
  special(tokenizer.sepId, 0);
  for (let i = 0; i < k2; i++) {
    inputIds[p] = b.ids[i];
    tokenTypeIds[p] = 1;
    sequenceIds[p] = 1;
    offsets[p++] = [b.starts[i], b.ends[i]];
  }
  special(tokenizer.sepId, 1);
  return { inputIds, tokenTypeIds, sequenceIds, offsets, lengths: [a.length, b.length], kept: [k1, k2] };
}

/**
 * Tokenized pairs as ragged rows (no padding: the batcher pads each batch to its longest row).
 * Row r holds tokens rowStart[r] .. rowStart[r + 1] - 1 of the flat arrays; attention_mask is 1 on all of them.
 */
export interface PairFeatures {
  count: number;
  maxLength: number;
  /** Example ids in row order. */
  ids: string[];
  /** 0/1, or -1 for an unlabelled row. */
  labels: Int32Array;
  rowStart: Int32Array;
  inputIds: Int32Array;
  tokenTypeIds: Int32Array;
  /** Tokens of each row (rowStart differences). */
  lengths: Int32Array;
  /** Rows that truncation shortened. */
  truncated: number;
}

export function featurizePairs(tokenizer: BertTokenizer, examples: readonly PairExample[], maxLength = DEFAULT_PAIR_MAX_LENGTH): PairFeatures {
  checkPairMaxLength(maxLength);
  const encoded = examples.map((e) => encodePair(tokenizer, e.sentence1, e.sentence2, maxLength));
  const count = examples.length;
  const rowStart = new Int32Array(count + 1);
  const lengths = new Int32Array(count);
  let truncated = 0;
  encoded.forEach((e, r) => {
    lengths[r] = e.inputIds.length;
    rowStart[r + 1] = rowStart[r] + e.inputIds.length;
    if (e.kept[0] < e.lengths[0] || e.kept[1] < e.lengths[1]) truncated++;
  });
  const inputIds = new Int32Array(rowStart[count]);
  const tokenTypeIds = new Int32Array(rowStart[count]);
  encoded.forEach((e, r) => {
    inputIds.set(e.inputIds, rowStart[r]);
    tokenTypeIds.set(e.tokenTypeIds, rowStart[r]);
  });
  const labels = Int32Array.from(examples, (e) => (e.label === null ? -1 : e.label));
  return { count, maxLength, ids: examples.map((e) => e.id), labels, rowStart, inputIds, tokenTypeIds, lengths, truncated };
}

/** Row r as the features JSONL writes it: unpadded, label null when unknown. */
export function pairFeatureRow(f: PairFeatures, r: number): { id: string; input_ids: number[]; token_type_ids: number[]; attention_mask: number[]; label: number | null } {
  const a = f.rowStart[r];
  const b = f.rowStart[r + 1];
  return {
    id: f.ids[r],
    input_ids: Array.from(f.inputIds.subarray(a, b)),
    token_type_ids: Array.from(f.tokenTypeIds.subarray(a, b)),
    attention_mask: new Array<number>(b - a).fill(1),
    label: f.labels[r] < 0 ? null : f.labels[r],
  };
}
