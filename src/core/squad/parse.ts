// Streaming SQuAD import: the chunked JSON parser feeds each article to the validator as soon as it
// closes; the validator records problems by JSON path and hands on a cleaned copy that keeps only
// the paragraphs and questions without errors.
import { indexMap, isBmpOnly } from '../util/codepoints.js';
import { SquadJsonStream } from './json-stream.js';
import type {
  IssueKind,
  SquadAnswer,
  SquadArticle,
  SquadCounts,
  SquadFile,
  SquadParagraph,
  SquadQuestion,
  ValidationIssue,
  ValidationReport,
} from './types.js';

export interface SquadParserOptions {
  /**
   * Receives each article once it is complete, cleaned of the paragraphs and questions that have
   * errors; articles left with no paragraph are not passed on. `index` is the article's position
   * in the file's "data" array.
   */
  onArticle?: (article: SquadArticle, index: number) => void;
  /** How many issues to keep in report.issues (all are counted in issueCounts). Default 200. */
  maxIssues?: number;
}

export interface SquadProgress {
  /** UTF-16 code units and UTF-8 bytes consumed so far. */
  chars: number;
  bytes: number;
  articles: number;
  questions: number;
}

/** Python's str.isspace(): JS \s without U+FEFF, plus U+001C..U+001F and U+0085. */
const BLANK = /^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A short rendering of a JSON value for messages ("12" for the string, 12 for the number). */
function preview(v: unknown): string {
  if (v === undefined) return 'nothing (missing)';
  if (Array.isArray(v)) return 'an array';
  if (isObject(v)) return 'an object';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function quoteShort(s: string, max = 60): string {
  return JSON.stringify(s.length > max ? `${s.slice(0, max - 3)}...` : s);
}

/** Incremental parser + validator. push() text chunks, then end() for the report. */
export class SquadParser {
  private readonly json: SquadJsonStream;
  private readonly onArticle?: (article: SquadArticle, index: number) => void;
  private readonly maxIssues: number;

  private readonly counts: SquadCounts = { articles: 0, paragraphs: 0, questions: 0, answers: 0 };
  private readonly valid: SquadCounts = { articles: 0, paragraphs: 0, questions: 0, answers: 0 };
  private readonly issues: ValidationIssue[] = [];
  private readonly issueCounts: Partial<Record<IssueKind, number>> = {};
  private errors = 0;
  private hasImpossible = false;
  /** id -> where it was first seen, to name the earlier question in duplicate-id messages. */
  private readonly ids = new Map<string, string>();
  private result: ValidationReport | null = null;

  constructor(options: SquadParserOptions = {}) {
    this.onArticle = options.onArticle;
    this.maxIssues = options.maxIssues ?? 200;
    this.json = new SquadJsonStream({ onDataElement: (v, i) => this.article(v, i) });
  }

  /** Feeds the next chunk. Returns false once the file is known to be unreadable (stop reading). */
  push(chunk: string): boolean {
    if (this.result) throw new Error('SquadParser: push() after end()');
    return this.json.push(chunk);
  }

  /** Ends the input and returns the full report. */
  end(): ValidationReport {
    if (this.result) return this.result;
    this.json.end();
    let version = '';
    const fatal = this.json.fatal;
    const top = this.json.topLevel;
    if (top) {
      const v = top.version;
      if (typeof v === 'string') version = v;
      else this.issue('schema', 'version', `expected a string, got ${preview(v)}`);
    }
    this.result = {
      version,
      ...this.counts,
      errors: this.errors + (fatal ? 1 : 0),
      issueCounts: { ...this.issueCounts },
      issues: this.issues.slice(),
      valid: { ...this.valid },
      hasImpossible: this.hasImpossible,
    };
    if (fatal) {
      this.result.fatal = {
        message: fatal.message,
        offset: fatal.offset,
        byteOffset: fatal.byteOffset,
        line: fatal.line,
        column: fatal.column,
        path: fatal.path,
      };
      this.result.issueCounts.syntax = (this.result.issueCounts.syntax ?? 0) + 1;
    }
    return this.result;
  }

  get progress(): SquadProgress {
    return {
      chars: this.json.charsConsumed,
      bytes: this.json.bytesConsumed,
      articles: this.counts.articles,
      questions: this.counts.questions,
    };
  }

  private issue(kind: IssueKind, path: string, message: string): void {
    this.errors++;
    this.issueCounts[kind] = (this.issueCounts[kind] ?? 0) + 1;
    if (this.issues.length < this.maxIssues) this.issues.push({ kind, path, message });
  }

  private article(raw: unknown, index: number): void {
    this.counts.articles++;
    const path = `data[${index}]`;
    if (!isObject(raw)) {
      this.issue('schema', path, `expected an article object, got ${preview(raw)}`);
      return;
    }
    let title = raw.title;
    if (typeof title !== 'string') {
      // The title is not used for training: report it but keep the article's questions.
      this.issue('schema', `${path}.title`, `expected a string, got ${preview(title)}`);
      title = '';
    }
    const rawParagraphs = raw.paragraphs;
    if (!Array.isArray(rawParagraphs)) {
      this.issue('schema', `${path}.paragraphs`, `expected an array of paragraphs, got ${preview(rawParagraphs)}`);
      return;
    }
    const paragraphs: SquadParagraph[] = [];
    for (let p = 0; p < rawParagraphs.length; p++) {
      const kept = this.paragraph(rawParagraphs[p], `${path}.paragraphs[${p}]`);
      if (kept) paragraphs.push(kept);
    }
    if (paragraphs.length === 0) return;
    this.valid.articles++;
    this.onArticle?.({ title: title as string, paragraphs }, index);
  }

  private paragraph(raw: unknown, path: string): SquadParagraph | null {
    this.counts.paragraphs++;
    if (!isObject(raw)) {
      this.issue('schema', path, `expected a paragraph object, got ${preview(raw)}`);
      return null;
    }
    const context = raw.context;
    const rawQas = raw.qas;
    // Count and check the questions even when the context is bad, so counts and ids stay complete.
    let contextOk = false;
    if (typeof context !== 'string') {
      this.issue('schema', `${path}.context`, `expected a string, got ${preview(context)}`);
    } else if (BLANK.test(context)) {
      this.issue('empty-context', `${path}.context`, 'the context is empty');
    } else contextOk = true;
    if (!Array.isArray(rawQas)) {
      this.issue('schema', `${path}.qas`, `expected an array of questions, got ${preview(rawQas)}`);
      return null;
    }
    const ctx = contextOk ? new ContextIndex(context as string) : null;
    const qas: SquadQuestion[] = [];
    for (let q = 0; q < rawQas.length; q++) {
      const kept = this.question(rawQas[q], `${path}.qas[${q}]`, ctx);
      if (kept) qas.push(kept);
    }
    if (!ctx || qas.length === 0) return null;
    this.valid.paragraphs++;
    return { context: ctx.text, qas };
  }

  private question(raw: unknown, path: string, ctx: ContextIndex | null): SquadQuestion | null {
    this.counts.questions++;
    if (!isObject(raw)) {
      this.issue('schema', path, `expected a question object, got ${preview(raw)}`);
      return null;
    }
    let ok = true;
    const { id, question, answers: rawAnswers, is_impossible: impossible } = raw;
    if (typeof id !== 'string' || id === '') {
      this.issue('schema', `${path}.id`, `expected a non-empty string, got ${preview(id)}`);
      ok = false;
    } else {
      const first = this.ids.get(id);
      if (first !== undefined) {
        this.issue('duplicate-id', `${path}.id`, `id ${quoteShort(id)} is already used by ${first}`);
        ok = false;
      } else this.ids.set(id, path);
    }
    if (typeof question !== 'string') {
      this.issue('schema', `${path}.question`, `expected a string, got ${preview(question)}`);
      ok = false;
    } else if (BLANK.test(question)) {
      this.issue('empty-question', `${path}.question`, 'the question is empty');
      ok = false;
    }
    if (impossible !== undefined && typeof impossible !== 'boolean') {
      this.issue('schema', `${path}.is_impossible`, `expected true or false, got ${preview(impossible)}`);
      ok = false;
    }
    if (impossible === true) this.hasImpossible = true;
    if (!Array.isArray(rawAnswers)) {
      this.issue('schema', `${path}.answers`, `expected an array of answers, got ${preview(rawAnswers)}`);
      return null;
    }
    this.counts.answers += rawAnswers.length;
    if (rawAnswers.length === 0 && impossible !== true) {
      this.issue('schema', `${path}.answers`, 'expected at least one answer (only is_impossible questions may have none)');
      ok = false;
    }
    const answers: SquadAnswer[] = [];
    for (let a = 0; a < rawAnswers.length; a++) {
      const kept = this.answer(rawAnswers[a], `${path}.answers[${a}]`, ctx);
      if (kept) answers.push(kept);
      else ok = false;
    }
    if (!ok || !ctx) return null;
    this.valid.questions++;
    this.valid.answers += answers.length;
    const out: SquadQuestion = { id: id as string, question: question as string, answers };
    if (impossible !== undefined) out.is_impossible = impossible as boolean;
    return out;
  }

  private answer(raw: unknown, path: string, ctx: ContextIndex | null): SquadAnswer | null {
    if (!isObject(raw)) {
      this.issue('schema', path, `expected an answer object, got ${preview(raw)}`);
      return null;
    }
    const { text, answer_start: start } = raw;
    let ok = true;
    if (typeof text !== 'string' || text === '') {
      this.issue('schema', `${path}.text`, `expected a non-empty string, got ${preview(text)}`);
      ok = false;
    }
    if (typeof start !== 'number' || !Number.isInteger(start) || start < 0) {
      this.issue('schema', `${path}.answer_start`, `expected a non-negative integer, got ${preview(start)}`);
      ok = false;
    }
    if (!ok) return null;
    // Without a usable context the answer cannot be checked; the paragraph is dropped anyway.
    if (!ctx) return { text: text as string, answer_start: start as number };
    const problem = ctx.mismatch(text as string, start as number);
    if (problem) {
      this.issue('answer-mismatch', path, problem);
      return null;
    }
    return { text: text as string, answer_start: start as number };
  }
}

/** A context with its code-point -> UTF-16 conversion built only when a surrogate pair makes it necessary. */
class ContextIndex {
  private readonly bmp: boolean;
  private map: ReturnType<typeof indexMap> | null = null;

  constructor(readonly text: string) {
    this.bmp = isBmpOnly(text);
  }

  /** Why `answer` is not at code point `start`, or null when it is. */
  mismatch(answer: string, start: number): string | null {
    let u = start;
    let cpLength = this.text.length;
    if (!this.bmp) {
      this.map ??= indexMap(this.text);
      cpLength = this.map.codePointLength;
      if (start <= cpLength) u = this.map.toUtf16(start);
    }
    if (start > cpLength) {
      return `answer_start ${start} is past the end of the context (${cpLength} code points)`;
    }
    const found = this.text.slice(u, u + answer.length);
    if (found === answer) return null;
    return `answer text ${quoteShort(answer)} does not match the context at answer_start ${start} (code points), which reads ${quoteShort(found)}`;
  }
}

/** Validates a whole SQuAD text in one call (no articles are kept). */
export function validateSquadText(text: string, options: Omit<SquadParserOptions, 'onArticle'> = {}): ValidationReport {
  const parser = new SquadParser(options);
  parser.push(text);
  return parser.end();
}

export interface ParsedSquad {
  /** The valid part of the file (null when the file could not be read at all). */
  data: SquadFile | null;
  report: ValidationReport;
}

/** Parses and validates a whole SQuAD text, keeping the cleaned articles. */
export function parseSquad(text: string, options: Omit<SquadParserOptions, 'onArticle'> = {}): ParsedSquad {
  const articles: SquadArticle[] = [];
  const parser = new SquadParser({ ...options, onArticle: (a) => articles.push(a) });
  parser.push(text);
  const report = parser.end();
  return { data: report.fatal ? null : { version: report.version, data: articles }, report };
}

/**
 * Streams text chunks (e.g. a file read with a TextDecoder) through the parser; stops reading at
 * the first fatal error.
 */
export async function parseSquadStream(
  chunks: AsyncIterable<string> | Iterable<string>,
  options: SquadParserOptions & { onProgress?: (p: SquadProgress) => void } = {},
): Promise<ValidationReport> {
  const parser = new SquadParser(options);
  for await (const chunk of chunks) {
    const more = parser.push(chunk);
    options.onProgress?.(parser.progress);
    if (!more) break;
  }
  return parser.end();
}

/** One issue as a line of text: `path: message`. */
export function formatIssue(issue: ValidationIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

/** True when the report has no fatal error and no issue at all. */
export function isValidReport(report: ValidationReport): boolean {
  return !report.fatal && report.errors === 0;
}
