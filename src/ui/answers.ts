import type { SquadAnswer } from '../core/squad/types.js';
import { indexMap } from '../core/util/codepoints.js';

/** An answer's span in JavaScript string indices: answer_start counts code points, JS strings count UTF-16 units. */
export function answerSpanUtf16(context: string, answer: SquadAnswer): { start: number; end: number } {
  const map = indexMap(context);
  const start = map.toUtf16(answer.answer_start);
  const cpLength = [...answer.text].length;
  return { start, end: map.toUtf16(answer.answer_start + cpLength) };
}
