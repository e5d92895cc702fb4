/** Label 1 = equivalent (paraphrase), 0 = not, as GLUE MRPC; null when the file has no labels (GLUE test.tsv). */
export type PairLabel = 0 | 1 | null;

/** One sentence pair. `id` is the 0-based index of its data row in the file, as a string (GLUE's idx). */
export interface PairExample {
  id: string;
  sentence1: string;
  sentence2: string;
  label: PairLabel;
  /** The corpus's own pair id ("#1 ID/#2 ID" in MRPC files), when the file has one. */
  pairId?: string;
}

export type PairFormat = 'glue-tsv' | 'csv' | 'jsonl';

export type PairIssueKind = 'missing-column' | 'extra-column' | 'bad-label' | 'empty-sentence' | 'duplicate-id' | 'syntax';

/** A problem located by its 1-based line in the file, its data row (the example id) and its column. */
export interface PairIssue {
  kind: PairIssueKind;
  line: number;
  /** 0-based data row, -1 for the header. */
  row: number;
  column: string;
  message: string;
}

export interface PairParseReport {
  format: PairFormat;
  /** Data rows in the file (header excluded). */
  rows: number;
  /** Rows kept: those without problems. */
  valid: number;
  positives: number;
  negatives: number;
  /** True when the file carries no labels (GLUE test.tsv, or CSV/JSONL without a label column). */
  unlabelled: boolean;
  errors: number;
  issueCounts: Partial<Record<PairIssueKind, number>>;
  /** The first problems in file order (capped). */
  issues: PairIssue[];
  /** The file cannot be read at all (no recognisable header, not JSONL). */
  fatal?: { message: string; line?: number };
}

export interface PairParseResult {
  examples: PairExample[];
  report: PairParseReport;
}

/** Class names in label order, as id2label in config.json. */
export const MRPC_LABELS = ['not_equivalent', 'equivalent'] as const;
