import type { DataKind } from '../../state/pairs.js';
import type { PairFormat } from '../../core/tasks/mrpc/types.js';

/** How the Data panel names the two kinds of dataset, everywhere it shows one. */
export const TASK_LABEL: Record<DataKind, string> = {
  qa: 'Question answering (SQuAD)',
  mrpc: 'Sentence pairs (MRPC)',
};

/** A sentence-pair file's layout, as the parser recognised it. */
export const FORMAT_LABEL: Record<PairFormat, string> = { 'glue-tsv': 'GLUE / MSR tsv', csv: 'CSV', jsonl: 'JSON lines' };
