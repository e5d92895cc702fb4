// Sentence-pair datasets (GLUE MRPC and the like) in the studio's IndexedDB `records` store: one
// record for the dataset, one per shard of pairs, written in one transaction.
import type { PairExample, PairFormat } from '../tasks/mrpc/types.js';
import type { TaskName } from '../tasks/types.js';
import type { DatasetSource } from './types.js';
import type { KeyedRecord } from './idb.js';
import { ContentHasher } from '../util/content-hash.js';

export const PAIR_DATASET_KIND = 'pair-dataset';
export const PAIR_SHARD_KIND = 'pair-shard';
export const PAIRS_PER_SHARD = 1000;

export interface PairDatasetInfo {
  kind: typeof PAIR_DATASET_KIND;
  id: string;
  /** The task the pairs are for; the Data panel lists these beside SQuAD sets by it. */
  task: Extract<TaskName, 'mrpc'>;
  name: string;
  /** Hash of what featurizing reads (see pairsContentHash); absent on sets stored before it existed. */
  contentHash?: string;
  source: DatasetSource;
  format: PairFormat;
  /** Data rows in the file, and those kept (rows with problems are left out). */
  rows: number;
  pairs: number;
  positives: number;
  negatives: number;
  unlabelled: boolean;
  /** UTF-8 size of the stored sentences. */
  bytes: number;
  createdAt: number;
  shardCount: number;
}

export interface PairShardRecord {
  kind: typeof PAIR_SHARD_KIND;
  id: string;
  datasetId: string;
  index: number;
  pairs: PairExample[];
}

/** Shard ids sort in index order under their dataset's prefix (a key range selects all of them). */
export function pairShardId(datasetId: string, index: number): string {
  return `${datasetId}#${String(index).padStart(6, '0')}`;
}

/** What featurizing sentence pairs reads (row ids, sentences, labels), in order, as one hash: the data's part of featureSetKey. */
export function pairsContentHash(examples: readonly PairExample[]): string {
  const h = new ContentHasher();
  for (const e of examples) h.update(e.id).update(e.sentence1).update(e.sentence2).update(String(e.label));
  return h.digest();
}

export function buildPairDataset(
  examples: readonly PairExample[],
  meta: Pick<PairDatasetInfo, 'id' | 'name' | 'source' | 'format' | 'rows'> & { createdAt?: number },
): { info: PairDatasetInfo; shards: PairShardRecord[] } {
  const enc = new TextEncoder();
  let bytes = 0;
  let positives = 0;
  let negatives = 0;
  for (const e of examples) {
    bytes += enc.encode(e.sentence1).byteLength + enc.encode(e.sentence2).byteLength;
    if (e.label === 1) positives++;
    else if (e.label === 0) negatives++;
  }
  const shards: PairShardRecord[] = [];
  for (let i = 0; i * PAIRS_PER_SHARD < examples.length; i++) {
    shards.push({ kind: PAIR_SHARD_KIND, id: pairShardId(meta.id, i), datasetId: meta.id, index: i, pairs: examples.slice(i * PAIRS_PER_SHARD, (i + 1) * PAIRS_PER_SHARD) });
  }
  const info: PairDatasetInfo = {
    kind: PAIR_DATASET_KIND,
    id: meta.id,
    contentHash: pairsContentHash(examples),
    task: 'mrpc',
    name: meta.name,
    source: meta.source,
    format: meta.format,
    rows: meta.rows,
    pairs: examples.length,
    positives,
    negatives,
    unlabelled: examples.length > 0 && positives + negatives === 0,
    bytes,
    createdAt: meta.createdAt ?? Date.now(),
    shardCount: shards.length,
  };
  return { info, shards };
}

/** The records store's side of pair datasets (IdbDatasetStore implements it). */
export interface PairRecordStore {
  putRecords(records: KeyedRecord[], signal?: AbortSignal): Promise<void>;
  listRecords<T extends KeyedRecord>(kind: string): Promise<T[]>;
  getRecord<T extends KeyedRecord>(kind: string, id: string): Promise<T | undefined>;
  deleteRecordRange(kind: string, prefix: string): Promise<void>;
  deleteRecord(kind: string, id: string): Promise<void>;
}

/** Shards first, the dataset record last, in one transaction: all of it is stored, or none. */
export async function putPairDataset(store: PairRecordStore, info: PairDatasetInfo, shards: PairShardRecord[], signal?: AbortSignal): Promise<void> {
  await store.putRecords([...(shards as unknown as KeyedRecord[]), info as unknown as KeyedRecord], signal);
}

export async function listPairDatasets(store: PairRecordStore): Promise<PairDatasetInfo[]> {
  const all = await store.listRecords<PairDatasetInfo & KeyedRecord>(PAIR_DATASET_KIND);
  return all.sort((a, b) => a.createdAt - b.createdAt);
}

export async function readPairs(store: PairRecordStore, info: PairDatasetInfo, signal?: AbortSignal): Promise<PairExample[]> {
  const out: PairExample[] = [];
  for (let i = 0; i < info.shardCount; i++) {
    signal?.throwIfAborted();
    const shard = await store.getRecord<PairShardRecord & KeyedRecord>(PAIR_SHARD_KIND, pairShardId(info.id, i));
    if (!shard) throw new Error(`pair dataset “${info.name}” has no shard ${i}`);
    out.push(...shard.pairs);
  }
  return out;
}

export async function deletePairDataset(store: PairRecordStore, id: string): Promise<void> {
  await store.deleteRecord(PAIR_DATASET_KIND, id);
  await store.deleteRecordRange(PAIR_SHARD_KIND, `${id}#`);
}
