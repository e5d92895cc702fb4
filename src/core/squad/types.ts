/** SQuAD JSON as published (v1.1; v2.0 adds is_impossible and may have empty answers). */
export interface SquadAnswer {
  text: string;
  /** Index of the answer's first character in the context, in Unicode code points. */
  answer_start: number;
}

export interface SquadQuestion {
  id: string;
  question: string;
  answers: SquadAnswer[];
  is_impossible?: boolean;
}

export interface SquadParagraph {
  context: string;
  qas: SquadQuestion[];
}

export interface SquadArticle {
  title: string;
  paragraphs: SquadParagraph[];
}

export interface SquadFile {
  version: string;
  data: SquadArticle[];
}

export type IssueKind =
  | 'syntax'
  | 'schema'
  | 'answer-mismatch'
  | 'duplicate-id'
  | 'empty-context'
  | 'empty-question';

/** One problem found in a file, located by its JSON path (e.g. data[3].paragraphs[0].qas[2].answers[0]). */
export interface ValidationIssue {
  kind: IssueKind;
  path: string;
  message: string;
}

export interface SquadCounts {
  articles: number;
  paragraphs: number;
  questions: number;
  answers: number;
}

export interface ValidationReport extends SquadCounts {
  version: string;
  /** Total number of problems found (all kinds). */
  errors: number;
  issueCounts: Partial<Record<IssueKind, number>>;
  /** The first problems, in file order (capped). */
  issues: ValidationIssue[];
  /**
   * Set when the file cannot be read at all (not JSON, truncated, not SQuAD at the top level).
   * offset counts UTF-16 code units from the start of the text, byteOffset UTF-8 bytes; line and
   * column are 1-based (column in UTF-16 code units); path is where in the JSON the parser was.
   */
  fatal?: { message: string; offset?: number; line?: number; column?: number; byteOffset?: number; path?: string };
  /** Counts of what an import of the valid examples only would keep. */
  valid: SquadCounts;
  /** True when the file holds v2.0-style unanswerable questions. */
  hasImpossible: boolean;
}
