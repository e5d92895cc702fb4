import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { IdbDatasetStore } from './idb.js';
import { buildDataset, locateParagraph, splitByArticle, PARAGRAPHS_PER_SHARD } from './dataset.js';
import type { SquadArticle } from '../squad/types.js';

function makeArticles(nArticles: number, paragraphsEach: number): SquadArticle[] {
  return Array.from({ length: nArticles }, (_, a) => ({
    title: `Article ${a}`,
    paragraphs: Array.from({ length: paragraphsEach }, (_, p) => ({
      context: `Context ${a}.${p} about things.`,
      qas: [{ id: `q-${a}-${p}`, question: `What is ${a}.${p}?`, answers: [{ text: 'things', answer_start: 20 }] }],
    })),
  }));
}

let dbCounter = 0;
const freshStore = () => IdbDatasetStore.open(indexedDB, `test-${dbCounter++}`);

describe('dataset layout', () => {
  it('shards paragraphs and locates each one', () => {
    const articles = makeArticles(7, 100);
    const { info, shards } = buildDataset(articles, { id: 'd', name: 'd', source: { kind: 'file', detail: 'x' }, version: '1.1' });
    expect(info.paragraphs).toBe(700);
    expect(info.questions).toBe(700);
    expect(shards.length).toBe(Math.ceil(700 / PARAGRAPHS_PER_SHARD));
    const loc = locateParagraph(info, 3, 10);
    expect(shards[loc.shard].paragraphs[loc.offset]).toMatchObject({ article: 3, paragraph: 10 });
    expect(info.contextLengths.counts.reduce((a, b) => a + b, 0)).toBe(700);
  });

  it('splits by article, seeded and reproducible', () => {
    const articles = makeArticles(20, 2);
    const a = splitByArticle(articles, 0.2, 7);
    const b = splitByArticle(articles, 0.2, 7);
    const c = splitByArticle(articles, 0.2, 8);
    expect(a.eval.length).toBe(4);
    expect(a.train.length).toBe(16);
    expect(a.eval.map((x) => x.title)).toEqual(b.eval.map((x) => x.title));
    expect(a.eval.map((x) => x.title)).not.toEqual(c.eval.map((x) => x.title));
    const titles = new Set([...a.train, ...a.eval].map((x) => x.title));
    expect(titles.size).toBe(20);
  });
});

describe('IdbDatasetStore', () => {
  it('stores, lists, reads, renames and deletes a dataset', async () => {
    const store = await freshStore();
    const { info, shards } = buildDataset(makeArticles(3, 300), { id: 'a', name: 'A', source: { kind: 'file', detail: 'a.json' }, version: '1.1' });
    await store.putDataset(info, shards);
    expect((await store.listDatasets()).map((d) => d.name)).toEqual(['A']);
    expect((await store.readShard('a', 1)).paragraphs.length).toBe(PARAGRAPHS_PER_SHARD);
    await store.renameDataset('a', '  Renamed ');
    expect((await store.getDataset('a'))?.name).toBe('Renamed');
    await expect(store.renameDataset('a', '  ')).rejects.toThrow(/empty/);
    await store.deleteDataset('a');
    expect(await store.listDatasets()).toEqual([]);
    await expect(store.readShard('a', 0)).rejects.toThrow(/no shard/);
  });

  it('a failed write leaves nothing behind and earlier datasets intact', async () => {
    const store = await freshStore();
    const first = buildDataset(makeArticles(2, 5), { id: 'first', name: 'First', source: { kind: 'file', detail: 'f' }, version: '1.1' });
    await store.putDataset(first.info, first.shards);
    const second = buildDataset(makeArticles(3, 400), { id: 'second', name: 'Second', source: { kind: 'file', detail: 's' }, version: '1.1' });
    // A value that cannot be cloned makes the third shard's put throw mid-transaction.
    (second.shards[2].paragraphs[0] as unknown as { bad: unknown }).bad = () => 1;
    await expect(store.putDataset(second.info, second.shards)).rejects.toThrow();
    expect((await store.listDatasets()).map((d) => d.id)).toEqual(['first']);
    await expect(store.readShard('second', 0)).rejects.toThrow(/no shard/);
    expect((await store.readShard('first', 0)).paragraphs.length).toBe(10);
  });

  it('a cancelled write stores nothing', async () => {
    const store = await freshStore();
    const ds = buildDataset(makeArticles(4, 300), { id: 'c', name: 'C', source: { kind: 'file', detail: 'c' }, version: '1.1' });
    const controller = new AbortController();
    const pending = store.putDataset(ds.info, ds.shards, controller.signal);
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect(await store.listDatasets()).toEqual([]);
    await expect(store.readShard('c', 0)).rejects.toThrow(/no shard/);
  });
});

describe('tensor records', () => {
  it('replaces an owner’s tensors atomically and reads them back', async () => {
    const store = await freshStore();
    const t = (name: string, v: number) => ({ name, shape: [2], data: new Float32Array([v, v]) });
    await store.putTensors({ kind: 'model', id: 'm1', label: 'first' }, 'model:m1', [t('a', 1), t('b', 2)]);
    await store.putTensors({ kind: 'model', id: 'm1', label: 'second' }, 'model:m1', [t('a', 3)]);
    const back = await store.readTensors('model:m1');
    expect(back.map((r) => [r.name, r.data[0]])).toEqual([['a', 3]]);
    expect((await store.getRecord('model', 'm1'))?.label).toBe('second');
    // A failing write (an uncloneable value) keeps the previous tensors and record.
    const bad = { name: 'c', shape: [1], data: (() => 1) as unknown as Float32Array };
    await expect(store.putTensors({ kind: 'model', id: 'm1', label: 'third' }, 'model:m1', [t('a', 9), bad])).rejects.toThrow();
    expect((await store.readTensors('model:m1')).map((r) => r.data[0])).toEqual([3]);
    expect((await store.getRecord('model', 'm1'))?.label).toBe('second');
    await store.deleteRecord('model', 'm1', 'model:m1');
    expect(await store.readTensors('model:m1')).toEqual([]);
    expect(await store.listRecords('model')).toEqual([]);
  });
});
