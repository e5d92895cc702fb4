import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IdbDatasetStore } from './idb.js';
import { PAIRS_PER_SHARD, buildPairDataset, deletePairDataset, listPairDatasets, pairsContentHash, putPairDataset, readPairs } from './pairs.js';
import { parsePairs } from '../tasks/mrpc/parse.js';
import { decodeText } from '../util/text-decode.js';

let n = 0;
const fresh = () => IdbDatasetStore.open(indexedDB, `pairs-test-${n++}`);

describe('pair datasets in IndexedDB', () => {
  it('stores the real MRPC train file in shards, reads it back in row order, and deletes it whole', async () => {
    const { text } = decodeText(new Uint8Array(readFileSync('../shared/data/mrpc/train.tsv')));
    const { examples, report } = parsePairs(text);
    expect(report.errors).toBe(0);
    const { info, shards } = buildPairDataset(examples, { id: 'm', name: 'train', source: { kind: 'file', detail: 'train.tsv' }, format: report.format, rows: report.rows });
    expect(info.pairs).toBe(3668);
    expect(info.positives + info.negatives).toBe(3668);
    expect(shards.length).toBe(Math.ceil(3668 / PAIRS_PER_SHARD));
    const store = await fresh();
    await store.putRecord({ kind: 'pair-dataset', id: 'other', createdAt: 0 } as never);
    await putPairDataset(store, info, shards);
    const back = await readPairs(store, info);
    expect(back).toEqual(examples);
    // The same rows under another id and name have the same content hash; one changed sentence does not.
    const copy = buildPairDataset(back, { id: 'c', name: 'copy', source: { kind: 'file', detail: 'copy.tsv' }, format: report.format, rows: report.rows });
    expect(copy.info.contentHash).toBe(info.contentHash);
    expect(pairsContentHash([{ ...back[0], sentence2: `${back[0].sentence2}.` }, ...back.slice(1)])).not.toBe(info.contentHash);
    await deletePairDataset(store, 'm');
    expect((await listPairDatasets(store)).map((d) => d.id)).toEqual(['other']);
    expect(await store.listRecords('pair-shard')).toEqual([]);
  });

  it('stores nothing when the write is cancelled', async () => {
    const ex = [{ id: '0', sentence1: 'a', sentence2: 'b', label: 1 as const }];
    const { info, shards } = buildPairDataset(ex, { id: 'c', name: 'c', source: { kind: 'file', detail: 'x' }, format: 'csv', rows: 1 });
    const store = await fresh();
    const ctl = new AbortController();
    const p = putPairDataset(store, info, shards, ctl.signal);
    ctl.abort();
    await expect(p).rejects.toThrow(/cancelled/);
    expect(await listPairDatasets(store)).toEqual([]);
    expect(await store.listRecords('pair-shard')).toEqual([]);
  });
});
