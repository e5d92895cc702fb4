// Which task a dropped dataset file is for, from its name and its first bytes, so the Data panel can
// take either kind through one dropzone. The parsers themselves stay the judges of validity: this
// only routes the file, and says "unknown" when a user should be asked instead of guessed for.
import type { TaskName } from './types.js';
import { sniffEncoding } from '../util/text-decode.js';

export interface TaskGuess {
  /** null: the content and the name do not tell; ask the user. */
  task: TaskName | null;
  /** What gave it away, in words a user can read. */
  why: string;
}

/** How much of a file's start the guess needs (a SQuAD file shows "data"/"paragraphs" early on). */
export const DETECT_HEAD_BYTES = 64 * 1024;

const PAIR_EXTENSIONS = new Set(['tsv', 'csv', 'jsonl']);

function extension(name: string): string {
  const m = /\.([a-z0-9]+)$/i.exec(name);
  return m ? m[1].toLowerCase() : '';
}

/** A complete first line that is a JSON object, else null (a SQuAD file's first line rarely ends). */
function firstLineObject(text: string): Record<string, unknown> | null {
  const nl = text.indexOf('\n');
  if (nl < 0) return null;
  try {
    const v: unknown = JSON.parse(text.slice(0, nl));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function headerCells(line: string): string[] {
  const sep = line.includes('\t') ? '\t' : ',';
  return line.split(sep).map((c) => c.trim().replace(/^"|"$/g, '').toLowerCase());
}

/**
 * Guesses the task from `head`, the decoded start of the file (any length; a byte-order mark is
 * ignored), and falls back to the file's extension when the content says nothing.
 */
export function detectDataTask(fileName: string, head: string): TaskGuess {
  const text = (head.charCodeAt(0) === 0xfeff ? head.slice(1) : head).trimStart();
  const ext = extension(fileName);
  if (text.startsWith('{') || text.startsWith('[')) {
    const line = firstLineObject(text);
    if (line && 'sentence1' in line && 'sentence2' in line) return { task: 'mrpc', why: 'JSON lines with sentence1 and sentence2' };
    if (/^\{\s*"(data|version)"\s*:/.test(text) || /"(paragraphs|qas)"\s*:/.test(text)) return { task: 'qa', why: 'SQuAD JSON (data → paragraphs → qas)' };
    if (ext === 'json') return { task: 'qa', why: 'a .json file' };
    if (ext === 'jsonl') return { task: 'mrpc', why: 'a .jsonl file' };
    return { task: null, why: 'JSON that is neither SQuAD (data → paragraphs) nor sentence pairs (sentence1, sentence2)' };
  }
  const first = text.split('\n', 1)[0].replace(/\r$/, '');
  const cells = headerCells(first);
  if (cells.includes('#1 string') && cells.includes('#2 string')) return { task: 'mrpc', why: 'an MRPC header (Quality, #1 String, #2 String)' };
  if (cells.includes('sentence1') && cells.includes('sentence2')) return { task: 'mrpc', why: `a ${first.includes('\t') ? 'tab' : 'comma'}-separated header with sentence1 and sentence2` };
  if (ext === 'json') return { task: 'qa', why: 'a .json file' };
  if (PAIR_EXTENSIONS.has(ext)) return { task: 'mrpc', why: `a .${ext} file` };
  return { task: null, why: text ? 'its first line is no header the studio knows' : 'it is empty' };
}

/** The same guess from the file's first bytes, decoded by their byte-order mark (lenient: only to look). */
export function detectDataTaskFromBytes(fileName: string, head: Uint8Array): TaskGuess {
  const { encoding, bom } = sniffEncoding(head);
  return detectDataTask(fileName, new TextDecoder(encoding).decode(head.subarray(bom)));
}
