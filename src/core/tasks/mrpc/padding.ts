// What dynamic padding and group_by_length save over fixed-shape batches, for the Train panel.
import { epochOrder, lengthGroupedOrder, paddingCost } from '../../features/batcher.js';
import { SeededRng } from '../../train/rng.js';

/** Padding tokens over one epoch of rows with these lengths, padded three ways. */
export interface PaddingReport {
  realTokens: number;
  /** Every row padded to max_length (a fixed-shape batch). */
  fixed: number;
  /** Each batch padded to its longest row, rows in the run's first-epoch order (seeded shuffle, or file order). */
  dynamic: number;
  /** The same order grouped by length (group_by_length), then padded per batch. */
  grouped: number;
}

export function paddingReport(lengths: ArrayLike<number>, maxLength: number, batchSize: number, seed: number, shuffle = true): PaddingReport {
  const order = epochOrder(new SeededRng(seed), lengths.length, { batchSize, shuffle });
  const dynamic = paddingCost(order, lengths, batchSize);
  const grouped = paddingCost(lengthGroupedOrder(order, lengths, batchSize), lengths, batchSize);
  return { realTokens: dynamic.tokens, fixed: lengths.length * maxLength - dynamic.tokens, dynamic: dynamic.padding, grouped: grouped.padding };
}
