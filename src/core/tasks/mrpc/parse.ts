import type { PairExample, PairFormat, PairIssue, PairIssueKind, PairLabel, PairParseReport, PairParseResult } from './types';

const MAX_ISSUES = 200;

/** Header names of GLUE's MRPC files and of the original msr_paraphrase_*.txt (the same layout). */
const TSV_LABEL = 'Quality';
const TSV_ID1 = '#1 ID';
const TSV_ID2 = '#2 ID';
const TSV_S1 = '#1 String';
const TSV_S2 = '#2 String';

interface RawRow {
  line: number;
  cells: Map<string, unknown>;
  /** Fields beyond the header's (delimited formats), or a problem reading the row. */
  extra?: number;
  missing?: string[];
}

/** A delimited line's fields by column name, noting extra fields and missing columns for the validator. */
function rawRow(header: readonly string[], fields: readonly string[], line: number): RawRow {
  const cells = new Map<string, unknown>();
  header.forEach((h, i) => {
    if (i < fields.length) cells.set(h, fields[i]);
  });
  const row: RawRow = { line, cells };
  if (fields.length > header.length) row.extra = fields.length;
  if (fields.length < header.length) row.missing = header.slice(fields.length);
  return row;
}

interface Layout {
  format: PairFormat;
  s1: string;
  s2: string;
  /** Label column, null when the file has none. */
  label: string | null;
  /** Columns that together identify a pair, for the duplicate check. */
  idColumns: string[];
}

class Collector {
  readonly issues: PairIssue[] = [];
  readonly counts: Partial<Record<PairIssueKind, number>> = {};
  errors = 0;
  add(kind: PairIssueKind, line: number, row: number, column: string, message: string): void {
    this.errors++;
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
    if (this.issues.length < MAX_ISSUES) this.issues.push({ kind, line, row, column, message });
  }
}

/** Splits text into lines with their 1-based numbers; CRLF is accepted, a final empty line dropped. */
function lines(text: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  const parts = text.split('\n');
  for (let i = 0; i < parts.length; i++) {
    const t = parts[i].endsWith('\r') ? parts[i].slice(0, -1) : parts[i];
    out.push({ text: t, line: i + 1 });
  }
  while (out.length > 0 && out[out.length - 1].text.trim() === '') out.pop();
  return out;
}

/** Tab-separated rows with no quoting (a `"` is a plain character), as GLUE and MSR publish them. */
function tsvRows(body: { text: string; line: number }[], header: string[]): RawRow[] {
  const rows: RawRow[] = [];
  for (const { text, line } of body) {
    if (text.trim() === '') continue;
    rows.push(rawRow(header, text.split('\t'), line));
  }
  return rows;
}

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks. */
function csvRecords(text: string): { fields: string[]; line: number }[] {
  const records: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let atFieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && atFieldStart) {
      quoted = true;
      atFieldStart = false;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      atFieldStart = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      if (fields.length > 1 || fields[0] !== '') records.push({ fields, line: recordLine });
      fields = [];
      field = '';
      atFieldStart = true;
      line++;
      recordLine = line;
    } else {
      field += c;
      atFieldStart = false;
    }
  }
  if (quoted) throw new PairSyntaxError(`a quoted field opened on line ${recordLine} is never closed`, recordLine);
  if (field !== '' || fields.length > 0) {
    fields.push(field);
    records.push({ fields, line: recordLine });
  }
  return records;
}

class PairSyntaxError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

function findColumn(header: string[], names: string[]): string | null {
  for (const n of names) {
    const hit = header.find((h) => h.trim().toLowerCase() === n.toLowerCase());
    if (hit !== undefined) return hit;
  }
  return null;
}

function delimitedLayout(format: PairFormat, header: string[]): Layout {
  const s1 = findColumn(header, ['sentence1']);
  const s2 = findColumn(header, ['sentence2']);
  if (!s1 || !s2) {
    const missing = [!s1 && 'sentence1', !s2 && 'sentence2'].filter(Boolean).join(' and ');
    throw new PairSyntaxError(`the header has no ${missing} column (found: ${header.map((h) => JSON.stringify(h)).join(', ')})`, 1);
  }
  const id = findColumn(header, ['idx', 'id']);
  return { format, s1, s2, label: findColumn(header, ['label']), idColumns: id ? [id] : [] };
}

function readRows(text: string): { layout: Layout; rows: RawRow[] } {
  const all = lines(text);
  if (all.length === 0) throw new PairSyntaxError('the file is empty');
  const first = all[0].text;
  if (first.trimStart().startsWith('{')) return readJsonl(all);
  if (first.includes('\t')) {
    const header = first.split('\t');
    if (header.includes(TSV_S1) || header.includes(TSV_S2)) {
      for (const need of [TSV_S1, TSV_S2, TSV_ID1, TSV_ID2]) {
        if (!header.includes(need)) throw new PairSyntaxError(`the MRPC header has no "${need}" column`, 1);
      }
      const layout: Layout = {
        format: 'glue-tsv',
        s1: TSV_S1,
        s2: TSV_S2,
        label: header.includes(TSV_LABEL) ? TSV_LABEL : null,
        idColumns: [TSV_ID1, TSV_ID2],
      };
      return { layout, rows: tsvRows(all.slice(1), header) };
    }
    return { layout: delimitedLayout('glue-tsv', header), rows: tsvRows(all.slice(1), header) };
  }
  const records = csvRecords(text);
  const header = records[0].fields;
  const layout = delimitedLayout('csv', header);
  const rows = records.slice(1).map(({ fields, line }) => rawRow(header, fields, line));
  return { layout, rows };
}

function readJsonl(all: { text: string; line: number }[]): { layout: Layout; rows: RawRow[] } {
  const rows: RawRow[] = [];
  let anyLabel = false;
  let anyId = false;
  for (const { text, line } of all) {
    if (text.trim() === '') continue;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      throw new PairSyntaxError(`line ${line} is not a JSON object: ${e instanceof Error ? e.message : String(e)}`, line);
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new PairSyntaxError(`line ${line} is not a JSON object`, line);
    const cells = new Map(Object.entries(obj as Record<string, unknown>));
    const missing = ['sentence1', 'sentence2'].filter((k) => !cells.has(k));
    if (cells.has('label')) anyLabel = true;
    if (cells.has('idx')) anyId = true;
    rows.push(missing.length ? { line, cells, missing } : { line, cells });
  }
  return { layout: { format: 'jsonl', s1: 'sentence1', s2: 'sentence2', label: anyLabel ? 'label' : null, idColumns: anyId ? ['idx'] : [] }, rows };
}

function parseLabel(v: unknown): PairLabel | 'bad' | 'none' {
  if (v === undefined || v === null) return 'none';
  if (v === 0 || v === 1) return v;
  if (typeof v === 'string') {
    const t = v.trim();
    if (t === '0') return 0;
    if (t === '1') return 1;
    if (t === '') return 'none';
  }
  return 'bad';
}

/**
 * Reads sentence pairs from GLUE MRPC tsv (train/dev/test, a BOM allowed, no quoting), the original
 * msr_paraphrase_*.txt (the same layout), CSV or JSONL with sentence1, sentence2 and label. Rows with
 * problems are reported with their line, row and column and left out; the others are returned.
 */
export function parsePairs(text: string): PairParseResult {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const issues = new Collector();
  let layout: Layout;
  let rows: RawRow[];
  try {
    ({ layout, rows } = readRows(body));
  } catch (e) {
    if (!(e instanceof PairSyntaxError)) throw e;
    const report: PairParseReport = {
      format: body.trimStart().startsWith('{') ? 'jsonl' : body.split('\n', 1)[0].includes('\t') ? 'glue-tsv' : 'csv',
      rows: 0,
      valid: 0,
      positives: 0,
      negatives: 0,
      unlabelled: true,
      errors: 1,
      issueCounts: { syntax: 1 },
      issues: [],
      fatal: e.line ? { message: e.message, line: e.line } : { message: e.message },
    };
    return { examples: [], report };
  }
  // A file whose every label is -1 (Hugging Face's glue test split) is unlabelled, not wrong.
  const allUnlabelled = layout.label !== null && rows.length > 0 && rows.every((r) => {
    const v = r.cells.get(layout.label!);
    return v === -1 || v === '-1' || v === undefined || v === null || v === '';
  });
  const labelColumn = allUnlabelled ? null : layout.label;
  const examples: PairExample[] = [];
  const seen = new Map<string, number>();
  let positives = 0;
  let negatives = 0;
  rows.forEach((r, index) => {
    const before = issues.errors;
    if (r.missing) {
      for (const col of r.missing) {
        issues.add('missing-column', r.line, index, col, `line ${r.line} (row ${index}): missing column "${col}"`);
      }
    }
    if (r.extra !== undefined) {
      issues.add(
        'extra-column',
        r.line,
        index,
        '',
        `line ${r.line} (row ${index}): ${r.extra} fields where the header has ${r.cells.size}${layout.format === 'glue-tsv' ? ' (a tab inside a sentence?)' : ''}`,
      );
    }
    const sentence = (col: string): string | null => {
      const v = r.cells.get(col);
      if (v === undefined) return null;
      if (typeof v !== 'string') {
        issues.add('missing-column', r.line, index, col, `line ${r.line} (row ${index}), column "${col}": expected a string, got ${JSON.stringify(v)}`);
        return null;
      }
      if (v.trim() === '') {
        issues.add('empty-sentence', r.line, index, col, `line ${r.line} (row ${index}), column "${col}": the sentence is empty`);
        return null;
      }
      return v;
    };
    const s1 = sentence(layout.s1);
    const s2 = sentence(layout.s2);
    let label: PairLabel = null;
    if (labelColumn) {
      const raw = r.cells.get(labelColumn);
      const parsed = parseLabel(raw);
      if (parsed === 'none' || parsed === 'bad') {
        if (raw !== undefined || !r.missing?.includes(labelColumn)) {
          const what = raw === undefined ? 'the label is missing' : `label ${JSON.stringify(raw)} is not 0 or 1`;
          issues.add('bad-label', r.line, index, labelColumn, `line ${r.line} (row ${index}), column "${labelColumn}": ${what}`);
        }
      } else label = parsed;
    }
    let pairId: string | undefined;
    if (layout.idColumns.length > 0) {
      const parts = layout.idColumns.map((c) => r.cells.get(c));
      if (parts.every((p) => p !== undefined && p !== null && String(p).trim() !== '')) {
        pairId = parts.map((p) => String(p).trim()).join('/');
        const earlier = seen.get(pairId);
        if (earlier !== undefined) {
          issues.add(
            'duplicate-id',
            r.line,
            index,
            layout.idColumns.join(', '),
            `line ${r.line} (row ${index}): pair id ${pairId} already appears on line ${earlier}`,
          );
        } else seen.set(pairId, r.line);
      }
    }
    if (issues.errors > before || s1 === null || s2 === null) return;
    if (label === 1) positives++;
    else if (label === 0) negatives++;
    const example: PairExample = { id: String(index), sentence1: s1, sentence2: s2, label };
    if (pairId !== undefined) example.pairId = pairId;
    examples.push(example);
  });
  const report: PairParseReport = {
    format: layout.format,
    rows: rows.length,
    valid: examples.length,
    positives,
    negatives,
    unlabelled: labelColumn === null,
    errors: issues.errors,
    issueCounts: issues.counts,
    issues: issues.issues,
  };
  if (rows.length === 0) report.fatal = { message: 'the file has a header but no data rows' };
  return { examples, report };
}
