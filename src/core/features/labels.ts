import type { LabelRule, SpanLabel } from './types';

/**
 * Finds the answer's token span among tokens first..last (inclusive) of `starts`/`ends`, or
 * returns null when the rule gives the window no span. The answer is [answerStart, answerEnd) in
 * the same units as the offsets.
 *
 * fully-inside (the studio's rule, PIPELINE section 4): only a window holding the whole answer gets
 * a span. partial-overlap reproduces circulating tutorial code that tests
 * `start_of_window > answer_end or end_of_window < answer_start`, which also labels windows holding
 * only part of the answer (or touching it); its span is then clipped to the window's context.
 */
export function labelSpan(
  starts: ArrayLike<number>,
  ends: ArrayLike<number>,
  first: number,
  last: number,
  answerStart: number,
  answerEnd: number,
  rule: LabelRule,
): SpanLabel | null {
  if (first > last) return null;
  if (rule === 'fully-inside') {
    if (!(starts[first] <= answerStart && ends[last] >= answerEnd)) return null;
  } else if (starts[first] > answerEnd || ends[last] < answerStart) return null;
  let i = first;
  while (i <= last && starts[i] <= answerStart) i++;
  let j = last;
  while (j >= first && ends[j] >= answerEnd) j--;
  let start = i - 1;
  let end = j + 1;
  if (rule === 'partial-overlap') {
    start = Math.min(Math.max(start, first), last);
    end = Math.min(Math.max(end, first), last);
  }
  return { start, end };
}

/**
 * Labels one window given per-token offsets and sequence ids (as in a FeatureWindow). Returns
 * window positions; (0, 0), the [CLS] token, when the rule gives no span.
 */
export function labelWindow(
  offsets: ReadonlyArray<readonly [number, number] | null>,
  sequenceIds: ReadonlyArray<number | null>,
  answerStart: number,
  answerEnd: number,
  rule: LabelRule = 'fully-inside',
): SpanLabel {
  let first = -1;
  let last = -2;
  for (let i = 0; i < sequenceIds.length; i++) {
    if (sequenceIds[i] === 1 && offsets[i]) {
      if (first < 0) first = i;
      last = i;
    }
  }
  const starts = offsets.map((o) => (o ? o[0] : -1));
  const ends = offsets.map((o) => (o ? o[1] : -1));
  return labelSpan(starts, ends, first, last, answerStart, answerEnd, rule) ?? { start: 0, end: 0 };
}
