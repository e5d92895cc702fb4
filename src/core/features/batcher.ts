// Batching of ragged (unpadded) token rows: dynamic padding as DataCollatorWithPadding does it, and
// the length-grouped order of Trainer's group_by_length. Pure: no tensors here.
import type { SeededRng } from '../train/rng.js';

/** Rows of different lengths in flat arrays: row r is rowStart[r] .. rowStart[r + 1] - 1. */
export interface RaggedRows {
  count: number;
  rowStart: Int32Array;
  inputIds: Int32Array;
  tokenTypeIds: Int32Array;
}

export interface PaddedBatch {
  rows: number;
  /** Tokens per row: the longest of the batch's rows. */
  length: number;
  inputIds: Int32Array;
  tokenTypeIds: Int32Array;
  attentionMask: Int32Array;
  /** Padding tokens added. */
  padding: number;
}

/**
 * Pads the given rows to the longest of them (right padding: pad id, token type 0, mask 0), as
 * DataCollatorWithPadding does; `minLength` pads further when a caller needs a fixed shape.
 */
export function padRows(data: RaggedRows, rows: ArrayLike<number>, padId: number, minLength = 0): PaddedBatch {
  let length = minLength;
  for (let i = 0; i < rows.length; i++) length = Math.max(length, data.rowStart[rows[i] + 1] - data.rowStart[rows[i]]);
  const n = rows.length * length;
  const inputIds = new Int32Array(n).fill(padId);
  const tokenTypeIds = new Int32Array(n);
  const attentionMask = new Int32Array(n);
  let padding = 0;
  for (let i = 0; i < rows.length; i++) {
    const a = data.rowStart[rows[i]];
    const len = data.rowStart[rows[i] + 1] - a;
    inputIds.set(data.inputIds.subarray(a, a + len), i * length);
    tokenTypeIds.set(data.tokenTypeIds.subarray(a, a + len), i * length);
    attentionMask.fill(1, i * length, i * length + len);
    padding += length - len;
  }
  return { rows: rows.length, length, inputIds, tokenTypeIds, attentionMask, padding };
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
