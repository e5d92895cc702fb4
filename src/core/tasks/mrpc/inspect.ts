// One pair as the Feature Inspector shows it: every token of both sentences, the ones truncation keeps
// and the ones it drops. Pure (no tensors): the features worker calls it.
import type { BertTokenizer } from '../../tokenizer/index.js';
import { type EncodedPair, encodePair } from './featurize.js';
import type { PairExample } from './types.js';

/** A token of one sentence, with its [start, end) UTF-16 offsets into that sentence. */
export interface SentenceToken {
  id: number;
  token: string;
  start: number;
  end: number;
}

export interface PairTokens {
  /** What the model reads: `[CLS] s1 [SEP] s2 [SEP]` after truncation. */
  pair: EncodedPair;
  /** Each sentence's tokens before truncation; the first `pair.kept[s]` of them are kept, the rest dropped. */
  sentences: [SentenceToken[], SentenceToken[]];
}

/** The pair featurizer's encoding, with each sentence's full tokenization beside it so the dropped tail can be shown. */
export function pairTokens(tokenizer: BertTokenizer, sentence1: string, sentence2: string, maxLength: number): PairTokens {
  const pair = encodePair(tokenizer, sentence1, sentence2, maxLength);
  const sentences = [sentence1, sentence2].map((s) => {
    const e = tokenizer.encode(s);
    return Array.from(e.ids, (id, i) => ({ id, token: tokenizer.idToToken(id) ?? `[${id}]`, start: e.starts[i], end: e.ends[i] }));
  }) as [SentenceToken[], SentenceToken[]];
  return { pair, sentences };
}

/** Whether a pair matches a search: its row id or corpus pair id exactly, or words of either sentence (case-insensitive). */
export function pairMatches(p: PairExample, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return p.id === q || p.pairId === q || p.sentence1.toLowerCase().includes(q) || p.sentence2.toLowerCase().includes(q);
}

/** Why a row id was not found: rows keep their file ids (a split set's are not 0..n-1), so the range is named by id. */
export function missingRowMessage(rowId: string, datasetName: string, rows: readonly { id: string }[]): string {
  const ids = rows.length ? ` (${rows.length} rows, ids ${rows[0].id} … ${rows[rows.length - 1].id})` : ' (it has no rows)';
  return `No row with id “${rowId}” in “${datasetName}”${ids}.`;
}
