import { labelSpan } from './labels';
import type { FeatureBatch, FeatureWindow, LabelRule, SpanLabel } from './types';

/** Context token range of window w as window positions [first, last]; first > last when empty. */
export function contextRange(batch: FeatureBatch, w: number): { first: number; last: number } {
  const L = batch.length;
  const base = w * L;
  let first = -1;
  let last = -2;
  for (let i = 0; i < L; i++) {
    if (batch.sequenceIds[base + i] === 1) {
      if (first < 0) first = i;
      last = i;
    }
  }
  return first < 0 ? { first: 0, last: -1 } : { first, last };
}

/** Labels window w of a batch under either rule, from the example's answer (0, 0 when none). */
export function labelBatchWindow(batch: FeatureBatch, w: number, rule: LabelRule): SpanLabel {
  const ex = batch.examples[batch.exampleIndex[w]];
  if (ex.answerStart === null || ex.answerEnd === null) return { start: 0, end: 0 };
  const { first, last } = contextRange(batch, w);
  const L = batch.length;
  const starts = new Int32Array(L);
  const ends = new Int32Array(L);
  for (let i = 0, o = 2 * w * L; i < L; i++, o += 2) {
    starts[i] = batch.offsets[o];
    ends[i] = batch.offsets[o + 1];
  }
  return labelSpan(starts, ends, first, last, ex.answerStart, ex.answerEnd, rule) ?? { start: 0, end: 0 };
}

/** Window w as plain arrays, with both labels, for the Feature Inspector. */
export function getWindow(batch: FeatureBatch, w: number): FeatureWindow {
  if (w < 0 || w >= batch.count) throw new RangeError(`window ${w} out of range 0..${batch.count - 1}`);
  const L = batch.length;
  const base = w * L;
  const exampleIndex = batch.exampleIndex[w];
  let windowInExample = 0;
  while (w - windowInExample - 1 >= 0 && batch.exampleIndex[w - windowInExample - 1] === exampleIndex) windowInExample++;
  const sequenceIds: (0 | 1 | null)[] = [];
  const offsets: ([number, number] | null)[] = [];
  for (let i = 0; i < L; i++) {
    const s = batch.sequenceIds[base + i];
    sequenceIds.push(s === 0 ? 0 : s === 1 ? 1 : null);
    const a = batch.offsets[2 * (base + i)];
    offsets.push(a < 0 ? null : [a, batch.offsets[2 * (base + i) + 1]]);
  }
  return {
    index: w,
    exampleIndex,
    exampleId: batch.examples[exampleIndex].id,
    windowInExample,
    inputIds: Array.from(batch.inputIds.subarray(base, base + L)),
    tokenTypeIds: Array.from(batch.tokenTypeIds.subarray(base, base + L)),
    attentionMask: Array.from(batch.attentionMask.subarray(base, base + L)),
    sequenceIds,
    offsets,
    startPosition: batch.startPositions[w],
    endPosition: batch.endPositions[w],
    partialOverlap: labelBatchWindow(batch, w, 'partial-overlap'),
  };
}
