import type { ValidationReport } from '../core/squad/types.js';
import type { TextEncodingName } from '../core/util/text-decode.js';
import type { DatasetInfo, DatasetSource, ParagraphRecord, QuestionRow } from '../core/storage/types.js';
import type { PairDatasetInfo } from '../core/storage/pairs.js';
import type { PairExample, PairParseReport } from '../core/tasks/mrpc/types.js';

export type ImportSource =
  | { kind: 'file'; file: File }
  | { kind: 'url'; url: string; label: string; preset?: boolean; asset?: boolean }
  | { kind: 'demo' };

export interface StagedImport {
  stagingId: string;
  report: ValidationReport;
  suggestedName: string;
  sourceLabel: string;
  bytesRead: number;
  /** The encoding the bytes were read in (from the byte-order mark, or the one asked for). */
  encoding: TextEncodingName | null;
  /** Set when the bytes are not valid in that encoding: nothing was parsed past `offset`. */
  decodeError?: { encoding: TextEncodingName; offset: number };
}

/** A parsed sentence-pair file waiting for the user to store it. */
export interface StagedPairImport {
  stagingId: string;
  report: PairParseReport;
  suggestedName: string;
  sourceLabel: string;
  bytesRead: number;
  encoding: TextEncodingName | null;
  /** Set when the bytes are not valid in that encoding (nothing was parsed; the report's fatal says where). */
  decodeError?: { encoding: TextEncodingName; offset: number };
}

/** Requests the data worker answers: importing, listing and browsing datasets. */
export type DataApi = {
  /** `encoding` overrides the byte-order mark (UTF-8 when there is none). */
  'import-parse': { payload: { source: ImportSource; encoding?: TextEncodingName }; result: StagedImport };
  'import-commit': { payload: { stagingId: string; name: string }; result: DatasetInfo };
  'import-discard': { payload: { stagingId: string }; result: null };
  list: { payload: null; result: DatasetInfo[] };
  rename: { payload: { id: string; name: string }; result: DatasetInfo };
  delete: { payload: { id: string }; result: null };
  questions: { payload: { id: string; query?: string; article?: number }; result: QuestionRow[] };
  paragraph: { payload: { id: string; article: number; paragraph: number }; result: ParagraphRecord };
  split: { payload: { id: string; evalFraction: number; seed: number }; result: DatasetInfo[] };
  /** `source` says where the file came from (a URL or local asset fetched by the page); a picked file by default. */
  'pairs-parse': { payload: { file: File; encoding?: TextEncodingName; source?: DatasetSource }; result: StagedPairImport };
  'pairs-commit': { payload: { stagingId: string; name: string }; result: PairDatasetInfo };
  'pairs-discard': { payload: { stagingId: string }; result: null };
  'pairs-list': { payload: null; result: PairDatasetInfo[] };
  'pairs-rows': { payload: { id: string }; result: PairExample[] };
  'pairs-delete': { payload: { id: string }; result: null };
  'pairs-rename': { payload: { id: string; name: string }; result: PairDatasetInfo };
  'pairs-split': { payload: { id: string; evalFraction: number; seed: number }; result: PairDatasetInfo[] };
};
