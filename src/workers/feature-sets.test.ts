import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { ensureFeatureSet } from './feature-sets.js';
import { IdbDatasetStore, buildDataset, type DatasetInfo } from '../core/storage/index.js';
import { DEMO_DATASET } from '../core/squad/demo.js';
import { DEMO_VOCAB_TEXT, tokenizerFromFileText, tokenizerFromVocab, type BertTokenizer } from '../core/tokenizer/index.js';

let dbCounter = 0;
const freshStore = () => IdbDatasetStore.open(indexedDB, `feature-sets-${dbCounter++}`);

async function importDemo(store: IdbDatasetStore, id: string, name: string): Promise<DatasetInfo> {
  const { info, shards } = buildDataset(DEMO_DATASET.data, { id, name, source: { kind: 'file', detail: `${name}.json` }, version: DEMO_DATASET.version });
  await store.putDataset(info, shards);
  return info;
}

const uncased = tokenizerFromVocab(DEMO_VOCAB_TEXT, { lowercase: true });
const settings = { tokenizerLabel: 'demo', lowercase: true, maxLength: 96, stride: 32 };

function featurize(store: IdbDatasetStore, dataset: DatasetInfo, tokenizer: BertTokenizer = uncased, over: Partial<typeof settings> = {}) {
  return ensureFeatureSet(store, dataset, tokenizer, { ...settings, ...over }, null);
}

describe('feature sets keyed by content', () => {
  it('shares one feature set between two imports of the same content, and keeps it through a rename', async () => {
    const store = await freshStore();
    const a = await importDemo(store, 'a', 'demo');
    const b = await importDemo(store, 'b', 'demo again');
    const first = await featurize(store, a);
    expect(first.reused).toBe(false);
    expect(first.info.features).toBeGreaterThan(0);
    const second = await featurize(store, b);
    expect(second).toMatchObject({ reused: true, info: { key: first.info.key } });
    const renamed = await store.renameDataset('a', 'renamed');
    expect((await featurize(store, renamed)).reused).toBe(true);
    expect(await store.listFeatureSets()).toHaveLength(1);
  });

  it('makes a new set for another vocabulary, casing, max_length or stride, or other data', async () => {
    const store = await freshStore();
    const a = await importDemo(store, 'a', 'demo');
    const base = (await featurize(store, a)).info.key;
    const lines = DEMO_VOCAB_TEXT.trimEnd().split('\n');
    const otherVocab = tokenizerFromVocab(lines.slice(0, -1).join('\n'), { lowercase: true });
    const cased = tokenizerFromVocab(DEMO_VOCAB_TEXT, { lowercase: false });
    const keys = [
      (await featurize(store, a, otherVocab)).info.key,
      (await featurize(store, a, cased, { lowercase: false })).info.key,
      (await featurize(store, a, uncased, { maxLength: 128 })).info.key,
      (await featurize(store, a, uncased, { stride: 16 })).info.key,
    ];
    const edited = structuredClone(DEMO_DATASET.data);
    edited[0].paragraphs[0].qas[0].question += ' (edited)';
    const { info, shards } = buildDataset(edited, { id: 'c', name: 'demo', source: { kind: 'file', detail: 'demo.json' }, version: '1.1' });
    await store.putDataset(info, shards);
    keys.push((await featurize(store, info)).info.key);
    expect(new Set([base, ...keys]).size).toBe(6);
  });

  it('keys one vocabulary alike whether it came as vocab.txt (LF or CRLF) or tokenizer.json', async () => {
    const store = await freshStore();
    const a = await importDemo(store, 'a', 'demo');
    const fromTxt = await featurize(store, a);
    const crlf = tokenizerFromFileText(DEMO_VOCAB_TEXT.replace(/\n/g, '\r\n'), { lowercase: true });
    const vocab = Object.fromEntries(DEMO_VOCAB_TEXT.trimEnd().split('\n').map((t, i) => [t, i]));
    const json = tokenizerFromFileText(JSON.stringify({ normalizer: { type: 'BertNormalizer', lowercase: true }, model: { type: 'WordPiece', vocab } }), {});
    expect((await featurize(store, a, crlf)).info.key).toBe(fromTxt.info.key);
    expect((await featurize(store, a, json)).info.key).toBe(fromTxt.info.key);
    expect(await store.listFeatureSets()).toHaveLength(1);
  });

  it('gives a dataset stored before content hashes one on first use, and shares features with a new import', async () => {
    const store = await freshStore();
    const { info, shards } = buildDataset(DEMO_DATASET.data, { id: 'old', name: 'stored long ago', source: { kind: 'file', detail: 'demo.json' }, version: '1.1' });
    const legacy: DatasetInfo = { ...info };
    delete legacy.contentHash;
    await store.putDataset(legacy, shards);
    const made = await featurize(store, (await store.getDataset('old'))!);
    expect(made.reused).toBe(false);
    const stored = await store.getDataset('old');
    expect(stored).toMatchObject({ name: 'stored long ago', contentHash: info.contentHash });
    expect(await store.readShard('old', 0)).toEqual(shards[0]);
    const fresh = await importDemo(store, 'new', 'demo');
    expect((await featurize(store, fresh)).reused).toBe(true);
  });

  it('keeps a shared feature set while another dataset with the same content remains', async () => {
    const store = await freshStore();
    const a = await importDemo(store, 'a', 'demo');
    await importDemo(store, 'b', 'copy');
    const { info } = await featurize(store, a);
    await store.deleteDataset('a');
    expect(await store.getFeatureSet(info.key)).toBeDefined();
    await store.deleteDataset('b');
    expect(await store.getFeatureSet(info.key)).toBeUndefined();
    expect(await store.listFeatureSets()).toEqual([]);
  });
});
