import { describe, expect, it } from 'vitest';
import { SeededRng } from '../train/rng';
import { consecutiveRows, lengthGroupedOrder, padBatch, paddingCost, type FixedRows, type RaggedRows } from './batcher';

function ragged(lengths: number[]): RaggedRows {
  const rowStart = new Int32Array(lengths.length + 1);
  lengths.forEach((l, i) => (rowStart[i + 1] = rowStart[i] + l));
  const inputIds = new Int32Array(rowStart[lengths.length]);
  for (let i = 0; i < inputIds.length; i++) inputIds[i] = 100 + i;
  const tokenTypeIds = new Int32Array(inputIds.length).fill(1);
  return { count: lengths.length, rowStart, inputIds, tokenTypeIds };
}

describe('padBatch', () => {
  it('pads the chosen rows to the longest of them with pad id, type 0 and mask 0 (dynamic padding)', () => {
    const data = ragged([3, 1, 2]);
    const b = padBatch(data, [2, 1], { padId: 0 });
    expect(b).toMatchObject({ rows: 2, realRows: 2, length: 2, padding: 1 });
    expect(Array.from(b.inputIds)).toEqual([104, 105, 103, 0]);
    expect(Array.from(b.tokenTypeIds)).toEqual([1, 1, 1, 0]);
    expect(Array.from(b.attentionMask)).toEqual([1, 1, 1, 0]);
    expect(padBatch(data, [0, 1, 2], { padId: 7 }).length).toBe(3);
    expect(padBatch(data, [1], { padId: 7, minLength: 4 }).inputIds).toEqual(Int32Array.from([103, 7, 7, 7]));
  });

  it('copies fixed-length rows with their own mask and fills a fixed shape with padding rows that attend one position', () => {
    const data: FixedRows = {
      count: 3,
      length: 3,
      inputIds: [1, 5, 2, 1, 6, 2, 1, 7, 0],
      tokenTypeIds: Uint8Array.from([0, 1, 1, 0, 1, 1, 0, 1, 0]),
      attentionMask: Uint8Array.from([1, 1, 1, 1, 1, 1, 1, 1, 0]),
    };
    const b = padBatch(data, [2, 0], { padId: 9, batchRows: 4 });
    expect(b).toMatchObject({ rows: 4, realRows: 2, length: 3, padding: 0 });
    expect(Array.from(b.inputIds)).toEqual([1, 7, 0, 1, 5, 2, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(b.tokenTypeIds)).toEqual([0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(b.attentionMask)).toEqual([1, 1, 0, 1, 1, 1, 1, 0, 0, 1, 0, 0]);
    // Ragged rows get the same padding rows.
    const r = padBatch(ragged([2]), consecutiveRows(0, 1), { padId: 9, batchRows: 2 });
    expect(Array.from(r.attentionMask)).toEqual([1, 1, 1, 0]);
    expect(Array.from(r.inputIds)).toEqual([100, 101, 0, 0]);
  });
});

describe('lengthGroupedOrder (group_by_length)', () => {
  it('sorts each megabatch longest first and puts the longest row of all first, as LengthGroupedSampler does', () => {
    // 8 rows, batch 1: megabatch multiplier min(8 / 4, 50) = 2, so megabatches of 2.
    const lengths = [5, 1, 9, 3, 2, 8, 4, 7];
    const order = [0, 1, 2, 3, 4, 5, 6, 7];
    // Megabatches [0,1] [2,3] [4,5] [6,7] sorted: [0,1] [2,3] [5,4] [7,6]; the longest (row 2) swaps with row 0.
    expect(Array.from(lengthGroupedOrder(order, lengths, 1))).toEqual([2, 1, 0, 3, 5, 4, 7, 6]);
  });

  it('is a permutation that needs less padding than the shuffled order on real-like lengths', () => {
    const rng = new SeededRng(3);
    const lengths = Array.from({ length: 400 }, () => 20 + Math.floor(rng.next() * 70));
    const order = rng.permutation(400);
    const grouped = lengthGroupedOrder(order, lengths, 8);
    expect([...grouped].sort((a, b) => a - b)).toEqual([...order].sort((a, b) => a - b));
    const plain = paddingCost(order, lengths, 8);
    const less = paddingCost(grouped, lengths, 8);
    expect(less.tokens).toBe(plain.tokens);
    expect(less.padding).toBeLessThan(plain.padding / 3);
  });
});
