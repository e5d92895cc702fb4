// Batching for every task: padding (dynamic, as DataCollatorWithPadding, or to a fixed shape), and
// the length-grouped order of Trainer's group_by_length. Pure: no tensors here.
import type { SeededRng } from '../train/rng.js';

/** Rows of different lengths in flat arrays: row r is rowStart[r] .. rowStart[r + 1] - 1. */
export interface RaggedRows {
  count: number;
  rowStart: Int32Array;
  inputIds: Int32Array;
  tokenTypeIds: Int32Array;
}

/** Rows already padded to one length with their own mask (QA windows): row r is r * length .. (r + 1) * length - 1. */
export interface FixedRows {
  count: number;
  length: number;
  inputIds: ArrayLike<number>;
  tokenTypeIds: ArrayLike<number>;
  attentionMask: ArrayLike<number>;
}

export interface PadOptions {
  /** Id of the padding tokens added after a row's last token (the tokenizer's [PAD]). */
  padId: number;
  /** Rows in the batch when a caller needs a fixed shape; rows past the given ones are padding rows. */
  batchRows?: number;
  /** Tokens per row at least, when a caller needs a fixed shape. */
  minLength?: number;
}

export interface PaddedBatch {
  /** Rows in the batch, padding rows included. */
  rows: number;
  /** The given rows; rows past these are padding rows. */
  realRows: number;
  /** Tokens per row: the longest of the batch's rows (or minLength, or the rows' fixed length). */
  length: number;
  inputIds: Int32Array;
  tokenTypeIds: Int32Array;
  attentionMask: Int32Array;
  /** Padding tokens added to the given rows. */
  padding: number;
}

function isFixed(data: RaggedRows | FixedRows): data is FixedRows {
  return (data as RaggedRows).rowStart === undefined;
}

function copyRow(dst: Int32Array, at: number, src: ArrayLike<number>, from: number, len: number): void {
  if (ArrayBuffer.isView(src)) dst.set((src as unknown as Int32Array).subarray(from, from + len), at);
  else for (let k = 0; k < len; k++) dst[at + k] = src[from + k];
}

/**
 * The one way a batch is padded, for every task, in training and inference alike. Rows shorter than
 * the batch are padded on the right with pad id, token type 0 and mask 0, as DataCollatorWithPadding
 * does. Padding rows (up to `batchRows`) are id 0, type 0, mask 1 on the first position only: no row is
 * wholly masked (its softmax stays finite, so weight-0 rows give exact zero gradients), and a padding
 * row never reaches a real one, so its outputs are simply dropped.
 */
export function padBatch(data: RaggedRows | FixedRows, rows: ArrayLike<number>, options: PadOptions): PaddedBatch {
  const fixed = isFixed(data);
  const batchRows = Math.max(rows.length, options.batchRows ?? 0);
  let length = options.minLength ?? 0;
  if (fixed) length = Math.max(length, data.length);
  else for (let i = 0; i < rows.length; i++) length = Math.max(length, data.rowStart[rows[i] + 1] - data.rowStart[rows[i]]);
  const n = batchRows * length;
  const inputIds = new Int32Array(n);
  const tokenTypeIds = new Int32Array(n);
  const attentionMask = new Int32Array(n);
  let padding = 0;
  for (let i = 0; i < rows.length; i++) {
    const o = i * length;
    let len: number;
    if (fixed) {
      len = data.length;
      const src = rows[i] * len;
      copyRow(inputIds, o, data.inputIds, src, len);
      copyRow(tokenTypeIds, o, data.tokenTypeIds, src, len);
      copyRow(attentionMask, o, data.attentionMask, src, len);
    } else {
      const a = data.rowStart[rows[i]];
      len = data.rowStart[rows[i] + 1] - a;
      inputIds.set(data.inputIds.subarray(a, a + len), o);
      tokenTypeIds.set(data.tokenTypeIds.subarray(a, a + len), o);
      attentionMask.fill(1, o, o + len);
    }
    inputIds.fill(options.padId, o + len, o + length);
    padding += length - len;
  }
  for (let i = rows.length; i < batchRows; i++) attentionMask[i * length] = 1;
  return { rows: batchRows, realRows: rows.length, length, inputIds, tokenTypeIds, attentionMask, padding };
}

/** Rows first .. first + count - 1, for batches taken in order. */
export function consecutiveRows(first: number, count: number): Int32Array {
  const rows = new Int32Array(count);
  for (let r = 0; r < count; r++) rows[r] = first + r;
  return rows;
}

/**
 * Trainer's LengthGroupedSampler applied to an order (a seeded permutation): split it into
 * megabatches of `min(n / (4 * batchSize), 50)` (at least 1) batches, sort each by length, longest
 * first, and move the longest row of all to the very front so an out-of-memory shows at step 1.
 */
export function lengthGroupedOrder(order: ArrayLike<number>, lengths: ArrayLike<number>, batchSize: number): Int32Array {
  const n = order.length;
  const mult = Math.min(Math.floor(n / (batchSize * 4)), 50) || 1;
  const size = mult * batchSize;
  const megabatches: number[][] = [];
  for (let i = 0; i < n; i += size) {
    const mb = Array.from({ length: Math.min(size, n - i) }, (_, k) => order[i + k]);
    // A stable sort, as Python's sorted(): equal lengths keep their shuffled order.
    mb.sort((a, b) => lengths[b] - lengths[a]);
    megabatches.push(mb);
  }
  let maxIdx = 0;
  for (let m = 1; m < megabatches.length; m++) {
    if (lengths[megabatches[m][0]] > lengths[megabatches[maxIdx][0]]) maxIdx = m;
  }
  if (megabatches.length > 0) [megabatches[0][0], megabatches[maxIdx][0]] = [megabatches[maxIdx][0], megabatches[0][0]];
  return Int32Array.from(megabatches.flat());
}

/** Real and padding tokens when `order` is cut into consecutive batches of `batchSize` and each is padded to its longest row. */
export function paddingCost(order: ArrayLike<number>, lengths: ArrayLike<number>, batchSize: number): { tokens: number; padding: number } {
  let tokens = 0;
  let padding = 0;
  for (let i = 0; i < order.length; i += batchSize) {
    const end = Math.min(order.length, i + batchSize);
    let longest = 0;
    let sum = 0;
    for (let k = i; k < end; k++) {
      longest = Math.max(longest, lengths[order[k]]);
      sum += lengths[order[k]];
    }
    tokens += sum;
    padding += longest * (end - i) - sum;
  }
  return { tokens, padding };
}

/** What decides the rows of an epoch's batches, in TrainOptions' names. */
export interface EpochOrderOptions {
  batchSize: number;
  shuffle: boolean;
  groupByLength?: boolean;
}

/**
 * The row order of the next epoch, as the Trainer draws it: a permutation from `rng` when shuffling
 * (dataset order otherwise), then grouped by length when asked and lengths are known. Each call
 * advances `rng` by one epoch, so calling it e times from a fresh SeededRng(seed) gives epoch e.
 */
export function epochOrder(rng: SeededRng, n: number, options: EpochOrderOptions, lengths?: ArrayLike<number>): Int32Array {
  const order = options.shuffle ? rng.permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
  return options.groupByLength && lengths ? lengthGroupedOrder(order, lengths, options.batchSize) : order;
}

/** Where one row lands in an epoch's batches and how much padding its batch gives it. */
export interface RowPlacement {
  /** 0-based batch of the epoch, and how many batches the epoch has. */
  batch: number;
  batches: number;
  /** The batch's rows in order, and the row's position among them. */
  rows: number[];
  position: number;
  /** The batch's longest row (the first such) and its length: every row is padded to it. */
  longestRow: number;
  longest: number;
  /** Padding tokens this row gets, and the whole batch's. */
  padding: number;
  batchPadding: number;
}

/** The batch `row` falls in when `order` is cut into consecutive batches of `batchSize`, each padded to its longest row. */
export function rowPlacement(order: ArrayLike<number>, lengths: ArrayLike<number>, batchSize: number, row: number): RowPlacement {
  let at = -1;
  for (let i = 0; i < order.length; i++) if (order[i] === row) at = i;
  if (at < 0) throw new Error(`row ${row} is not in the order (${order.length} rows)`);
  const batch = Math.floor(at / batchSize);
  const rows = Array.from({ length: Math.min(batchSize, order.length - batch * batchSize) }, (_, k) => order[batch * batchSize + k]);
  let longestRow = rows[0];
  for (const r of rows) if (lengths[r] > lengths[longestRow]) longestRow = r;
  const longest = lengths[longestRow];
  return {
    batch,
    batches: Math.ceil(order.length / batchSize),
    rows,
    position: at - batch * batchSize,
    longestRow,
    longest,
    padding: longest - lengths[row],
    batchPadding: paddingCost(rows, lengths, batchSize).padding,
  };
}
