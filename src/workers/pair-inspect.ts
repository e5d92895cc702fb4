// The features worker's sentence-pair requests: one pair's tokens, what truncation cut, and where the
// Trainer's batching puts it. Tokenizing and batching are core's; this file only looks rows up.
import { StudioError } from './protocol.js';
import type { InspectedPair, PairInspectJob, PairMatch } from './features-api.js';
import type { BertTokenizer } from '../core/tokenizer/index.js';
import type { VocabSource } from './features-api.js';
import { featurizePairs } from '../core/tasks/mrpc/featurize.js';
import { missingRowMessage, pairMatches, pairTokens } from '../core/tasks/mrpc/inspect.js';
import type { PairExample } from '../core/tasks/mrpc/types.js';
import { epochOrder, rowPlacement } from '../core/features/batcher.js';
import { SeededRng } from '../core/train/rng.js';
import { featureSetKey } from '../core/features/index.js';
import { PAIR_DATASET_KIND, pairsContentHash, readPairs, type PairDatasetInfo } from '../core/storage/pairs.js';
import type { IdbDatasetStore, KeyedRecord } from '../core/storage/idb.js';

type LoadTokenizer = (v: VocabSource, lowercase: boolean) => Promise<BertTokenizer>;

export function pairInspectHandlers(store: () => Promise<IdbDatasetStore>, loadTokenizer: LoadTokenizer) {
  // A pair dataset's rows never change once stored, so they and the row lengths are kept while the worker
  // lives; its record is read each time, so a rename shows and a deleted set is no longer served.
  const rowsById = new Map<string, { examples: PairExample[]; contentHash: string }>();
  const lengthsByKey = new Map<string, { lengths: Int32Array; truncated: number }>();

  async function pairs(id: string) {
    const s = await store();
    const info = await s.getRecord<PairDatasetInfo & KeyedRecord>(PAIR_DATASET_KIND, id);
    if (!info) {
      rowsById.delete(id);
      throw new StudioError('not-found', `No sentence-pair dataset with id ${id}: it may have been deleted.`);
    }
    let held = rowsById.get(id);
    if (!held) {
      const examples = await readPairs(s, info);
      held = { examples, contentHash: info.contentHash ?? pairsContentHash(examples) };
      rowsById.set(id, held);
    }
    return { name: info.name, ...held };
  }

  function checkJob(job: PairInspectJob): void {
    const b = job.batching;
    const problems: string[] = [];
    if (!Number.isInteger(job.maxLength) || job.maxLength < 3 || job.maxLength > 512) problems.push(`max_length must be an integer from 3 ([CLS] and two [SEP]) to 512, got ${job.maxLength}`);
    if (!Number.isInteger(b.batchSize) || b.batchSize < 1) problems.push(`batch size must be an integer >= 1, got ${b.batchSize}`);
    if (!Number.isInteger(b.seed) || b.seed < 0) problems.push(`seed must be an integer >= 0, got ${b.seed}`);
    if (!Number.isInteger(b.epoch) || b.epoch < 0 || b.epoch > 999) problems.push(`epoch must be from 1 to 1000, got ${b.epoch + 1}`);
    if (problems.length) throw new StudioError('invalid-input', problems.join('; '));
  }

  async function inspect(job: PairInspectJob, rowId: string | undefined, position: number | undefined): Promise<InspectedPair> {
    checkJob(job);
    const { name, examples, contentHash } = await pairs(job.pairsId);
    if (examples.length === 0) throw new StudioError('invalid-input', `“${name}” holds no pairs.`);
    const row = rowId !== undefined ? examples.findIndex((e) => e.id === rowId) : Math.max(0, Math.min(examples.length - 1, position ?? 0));
    if (row < 0) throw new StudioError('not-found', missingRowMessage(rowId!, name, examples));
    const tokenizer = await loadTokenizer(job.vocab, job.lowercase);
    const key = featureSetKey(contentHash, tokenizer, { task: 'mrpc', maxLength: job.maxLength });
    let lengths = lengthsByKey.get(key);
    if (!lengths) {
      // The row lengths the Trainer batches by: the pair featurizer's, over the whole dataset.
      const f = featurizePairs(tokenizer, examples, job.maxLength);
      lengths = { lengths: f.lengths, truncated: f.truncated };
      lengthsByKey.set(key, lengths);
    }
    const e = examples[row];
    const t = pairTokens(tokenizer, e.sentence1, e.sentence2, job.maxLength);
    const b = job.batching;
    const rng = new SeededRng(b.seed);
    let order = epochOrder(rng, examples.length, b, lengths.lengths);
    for (let k = 0; k < b.epoch; k++) order = epochOrder(rng, examples.length, b, lengths.lengths);
    const placement = rowPlacement(order, lengths.lengths, b.batchSize, row);
    return {
      id: e.id,
      pairId: e.pairId,
      label: e.label,
      sentence1: e.sentence1,
      sentence2: e.sentence2,
      position: row,
      total: examples.length,
      tokens: Array.from(t.pair.inputIds, (id) => tokenizer.idToToken(id) ?? `[${id}]`),
      tokenIds: Array.from(t.pair.inputIds),
      tokenTypes: Array.from(t.pair.tokenTypeIds),
      sequenceIds: t.pair.sequenceIds,
      offsets: t.pair.offsets,
      sentences: t.sentences,
      lengths: t.pair.lengths,
      kept: t.pair.kept,
      batch: {
        ...placement,
        epoch: b.epoch,
        rowIds: placement.rows.map((r) => examples[r].id),
        rowLengths: placement.rows.map((r) => lengths.lengths[r]),
        longestRowId: examples[placement.longestRow].id,
      },
      truncatedRows: lengths.truncated,
    };
  }

  return {
    'pair-inspect': ({ job, rowId, position }: { job: PairInspectJob; rowId?: string; position?: number }) => inspect(job, rowId, position),
    async 'pair-search'({ pairsId, query, limit }: { pairsId: string; query: string; limit: number }): Promise<{ matches: PairMatch[]; total: number }> {
      const { examples } = await pairs(pairsId);
      const hits = examples.filter((p) => pairMatches(p, query));
      return { matches: hits.slice(0, limit).map(({ id, sentence1, sentence2, label }) => ({ id, sentence1, sentence2, label })), total: hits.length };
    },
  };
}
