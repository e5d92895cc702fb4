// Train/eval split of a sentence-pair dataset: seeded, by row, keeping each label's share on both
// sides (as `train_test_split(stratify_by_column="label")` does), rows kept in file order.
import type { PairExample } from '../tasks/mrpc/types.js';
import { uniformGenerator } from '../util/prng.js';

export interface PairSplitPlan {
  train: number;
  eval: number;
}

function evalCounts(groups: number[], evalFraction: number): number[] | { problem: string } {
  if (!(evalFraction > 0 && evalFraction < 1)) return { problem: `the eval share must be between 0 and 1 (exclusive), got ${evalFraction}` };
  const total = groups.reduce((a, b) => a + b, 0);
  if (total < 2) return { problem: 'a split needs at least 2 pairs' };
  const counts = groups.map((n) => Math.round(n * evalFraction));
  const sum = counts.reduce((a, b) => a + b, 0);
  // Both sides keep at least one pair, even when rounding per label would empty one.
  const big = groups.indexOf(Math.max(...groups));
  if (sum === 0) counts[big] = 1;
  if (sum === total) counts[big] -= 1;
  return counts;
}

/** Label groups in a fixed order: equivalent, not equivalent, unlabelled. */
function groupsOf(labels: readonly (0 | 1 | null)[]): number[][] {
  const g: number[][] = [[], [], []];
  labels.forEach((l, i) => g[l === 1 ? 0 : l === 0 ? 1 : 2].push(i));
  return g;
}

/** How many pairs each side gets, or why the split cannot be made. */
export function pairSplitPlan(counts: { positives: number; negatives: number; pairs: number }, evalFraction: number): PairSplitPlan | { problem: string } {
  const e = evalCounts([counts.positives, counts.negatives, counts.pairs - counts.positives - counts.negatives], evalFraction);
  if (!Array.isArray(e)) return e;
  const nEval = e.reduce((a, b) => a + b, 0);
  return { train: counts.pairs - nEval, eval: nEval };
}

export function splitPairs(examples: readonly PairExample[], evalFraction: number, seed: number): { train: PairExample[]; eval: PairExample[] } {
  const groups = groupsOf(examples.map((e) => e.label));
  const e = evalCounts(groups.map((g) => g.length), evalFraction);
  if (!Array.isArray(e)) throw new Error(e.problem);
  const rand = uniformGenerator(seed);
  const inEval = new Set<number>();
  groups.forEach((g, k) => {
    const order = g.slice();
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const i of order.slice(0, e[k])) inEval.add(i);
  });
  return { train: examples.filter((_, i) => !inEval.has(i)), eval: examples.filter((_, i) => inEval.has(i)) };
}
