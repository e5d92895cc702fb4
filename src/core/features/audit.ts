import { normalizeAnswer } from '../squad/metric';
import { contextRange, labelBatchWindow } from './window';
import type { FeatureBatch } from './types';

export type AnswerPlacement = 'inside' | 'partial' | 'absent';
export type MismatchReason = 'sub-word boundary' | 'normalisation' | 'whitespace';

/** One window of the audit; a row of the CSV export. */
export interface WindowAuditRow {
  window: number;
  exampleId: string;
  windowInExample: number;
  placement: AnswerPlacement;
  startPosition: number;
  endPosition: number;
  /** The partial-overlap tutorial rule's label, to show where it differs. */
  partialStart: number;
  partialEnd: number;
  gold: string;
  /** The labelled span sliced from the context by its offsets; null when the window has no label. */
  decoded: string | null;
  /** Normalised (SQuAD) equality of decoded and gold; null when the window has no label. */
  match: boolean | null;
  reason: MismatchReason | null;
  /** True on every row of an example whose answer lies wholly in none of its windows. */
  answerInNoWindow: boolean;
}

export interface FeatureAudit {
  rows: WindowAuditRow[];
  /** Ids of examples whose answer is fully inside none of their windows. */
  examplesWithoutWindow: string[];
  /** Ids of examples with a labelled window whose decoded span differs from the gold text. */
  examplesWithMismatch: string[];
  counts: Record<AnswerPlacement, number> & { mismatched: number; partialRuleDiffers: number };
}

function classify(decoded: string, gold: string, spanStart: number, spanEnd: number, a: number, b: number): MismatchReason {
  if (decoded.replace(/\s+/g, '') === gold.replace(/\s+/g, '')) return 'whitespace';
  if (spanStart < a || spanEnd > b) return 'sub-word boundary';
  return 'normalisation';
}

/**
 * Audits a batch built with answers: where each window's answer lies, whether the labelled tokens
 * decode (by offsets) back to the gold text, and why not.
 */
export function auditFeatures(batch: FeatureBatch): FeatureAudit {
  const rows: WindowAuditRow[] = [];
  const counts = { inside: 0, partial: 0, absent: 0, mismatched: 0, partialRuleDiffers: 0 };
  const withoutWindow: string[] = [];
  const withMismatch = new Set<string>();
  const L = batch.length;
  let w = 0;
  while (w < batch.count) {
    const exampleIndex = batch.exampleIndex[w];
    const ex = batch.examples[exampleIndex];
    const context = batch.contexts[ex.contextIndex];
    const first = rows.length;
    let anyInside = false;
    for (let k = 0; w < batch.count && batch.exampleIndex[w] === exampleIndex; w++, k++) {
      const start = batch.startPositions[w];
      const end = batch.endPositions[w];
      const partial = labelBatchWindow(batch, w, 'partial-overlap');
      let placement: AnswerPlacement = 'absent';
      let decoded: string | null = null;
      let match: boolean | null = null;
      let reason: MismatchReason | null = null;
      const a = ex.answerStart;
      const b = ex.answerEnd;
      if (a !== null && b !== null) {
        const { first: f, last: l } = contextRange(batch, w);
        if (f <= l) {
          const lo = batch.offsets[2 * (w * L + f)];
          const hi = batch.offsets[2 * (w * L + l) + 1];
          placement = lo <= a && hi >= b ? 'inside' : lo < b && hi > a ? 'partial' : 'absent';
        }
        if (start !== 0 || end !== 0) {
          const s = batch.offsets[2 * (w * L + start)];
          const e = batch.offsets[2 * (w * L + end) + 1];
          decoded = context.slice(s, e);
          const gold = ex.answerText ?? '';
          match = normalizeAnswer(decoded) === normalizeAnswer(gold);
          if (!match) {
            reason = classify(decoded, gold, s, e, a, b);
            counts.mismatched++;
            withMismatch.add(ex.id);
          }
        }
      }
      if (placement === 'inside') anyInside = true;
      counts[placement]++;
      if (partial.start !== start || partial.end !== end) counts.partialRuleDiffers++;
      rows.push({
        window: w,
        exampleId: ex.id,
        windowInExample: k,
        placement,
        startPosition: start,
        endPosition: end,
        partialStart: partial.start,
        partialEnd: partial.end,
        gold: ex.answerText ?? '',
        decoded,
        match,
        reason,
        answerInNoWindow: false,
      });
    }
    if (!anyInside && ex.answerStart !== null) {
      withoutWindow.push(ex.id);
      for (let r = first; r < rows.length; r++) rows[r].answerInNoWindow = true;
    }
  }
  return { rows, examplesWithoutWindow: withoutWindow, examplesWithMismatch: [...withMismatch], counts };
}

function csvField(v: string | number | boolean | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const CSV_COLUMNS: (keyof WindowAuditRow)[] = [
  'window',
  'exampleId',
  'windowInExample',
  'placement',
  'startPosition',
  'endPosition',
  'partialStart',
  'partialEnd',
  'gold',
  'decoded',
  'match',
  'reason',
  'answerInNoWindow',
];

/** The audit's window rows as CSV (RFC 4180 quoting), one header line first. */
export function auditToCsv(audit: FeatureAudit): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const row of audit.rows) lines.push(CSV_COLUMNS.map((c) => csvField(row[c])).join(','));
  return lines.join('\n') + '\n';
}
