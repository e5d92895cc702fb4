import type { PairPrediction } from '../../workers/pair-api.js';

export type PairFilter = 'all' | 'wrong' | 'right' | 'confident-wrong';

/** Confident: the predicted label's probability is at least this. */
export const CONFIDENT = 0.9;

/** The evaluated pairs a filter keeps; unlabelled pairs are neither right nor wrong (only 'all' keeps them). */
export function pairFilter(rows: readonly PairPrediction[], filter: PairFilter): PairPrediction[] {
  return rows.filter((r) => {
    if (filter === 'all') return true;
    if (r.label === null) return false;
    const right = r.predicted === r.label;
    if (filter === 'right') return right;
    if (filter === 'wrong') return !right;
    return !right && r.probabilities[r.predicted] >= CONFIDENT;
  });
}
