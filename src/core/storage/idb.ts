import type { DatasetInfo, DatasetStore, FeatureSetInfo, FeatureShard, Shard } from './types.js';
import { paragraphsContentHash } from './dataset.js';

export const DB_NAME = 'bert-studio';
const DB_VERSION = 3;

function promisify<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new DOMException('The write was cancelled; nothing was stored.', 'AbortError'));
  });
}

/**
 * Fills a write transaction and waits for it: all of it is stored, or (on an error or when `signal`
 * aborts) none of it.
 */
async function writeAll(tx: IDBTransaction, fill: () => void, signal?: AbortSignal): Promise<void> {
  const finished = done(tx);
  const abort = () => {
    try {
      tx.abort();
    } catch {
      // already finished
    }
  };
  signal?.addEventListener('abort', abort, { once: true });
  try {
    fill();
    await finished;
  } catch (err) {
    abort();
    await finished.catch(() => undefined);
    throw err;
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}

export function openStudioDb(factory: IDBFactory = indexedDB, name = DB_NAME): Promise<IDBDatabase> {
  const req = factory.open(name, DB_VERSION);
  req.onupgradeneeded = () => {
    const db = req.result;
    if (!db.objectStoreNames.contains('datasets')) db.createObjectStore('datasets', { keyPath: 'id' });
    if (!db.objectStoreNames.contains('shards')) db.createObjectStore('shards', { keyPath: ['datasetId', 'index'] });
    if (!db.objectStoreNames.contains('featureSets')) db.createObjectStore('featureSets', { keyPath: 'key' });
    if (!db.objectStoreNames.contains('featureShards')) db.createObjectStore('featureShards', { keyPath: ['key', 'index'] });
    if (!db.objectStoreNames.contains('records')) db.createObjectStore('records', { keyPath: ['kind', 'id'] });
    if (!db.objectStoreNames.contains('tensors')) db.createObjectStore('tensors', { keyPath: ['owner', 'name'] });
  };
  return promisify(req);
}

/** Tensors under one owner (a model, a checkpoint), one record per tensor, plus the owner's own record. */
export interface TensorRecord {
  owner: string;
  name: string;
  shape: number[];
  data: Float32Array;
}

/** Small JSON-like records (models, runs, checkpoints' metadata), grouped by kind. */
export interface KeyedRecord {
  kind: string;
  id: string;
  [field: string]: unknown;
}

/** The browser's dataset store: one record per dataset, one per shard. */
export class IdbDatasetStore implements DatasetStore {
  constructor(private readonly db: IDBDatabase) {}

  static async open(factory?: IDBFactory, name?: string): Promise<IdbDatasetStore> {
    return new IdbDatasetStore(await openStudioDb(factory, name));
  }

  async listDatasets(): Promise<DatasetInfo[]> {
    const tx = this.db.transaction('datasets', 'readonly');
    const all = await promisify(tx.objectStore('datasets').getAll() as IDBRequest<DatasetInfo[]>);
    return all.sort((a, b) => a.createdAt - b.createdAt);
  }

  async getDataset(id: string): Promise<DatasetInfo | undefined> {
    const tx = this.db.transaction('datasets', 'readonly');
    return promisify(tx.objectStore('datasets').get(id) as IDBRequest<DatasetInfo | undefined>);
  }

  putDataset(info: DatasetInfo, shards: Shard[], signal?: AbortSignal): Promise<void> {
    return this.putDatasets([{ info, shards }], signal);
  }

  async putDatasets(items: { info: DatasetInfo; shards: Shard[] }[], signal?: AbortSignal): Promise<void> {
    const tx = this.db.transaction(['datasets', 'shards'], 'readwrite');
    await writeAll(
      tx,
      () => {
        const shardStore = tx.objectStore('shards');
        for (const { shards } of items) for (const s of shards) shardStore.put(s);
        // Dataset records go last: a reader never sees a dataset whose shards are missing.
        for (const { info } of items) tx.objectStore('datasets').put(info);
      },
      signal,
    );
  }

  async renameDataset(id: string, name: string): Promise<DatasetInfo> {
    const trimmed = name.trim();
    if (!trimmed) throw new Error('a dataset name cannot be empty');
    const tx = this.db.transaction('datasets', 'readwrite');
    const store = tx.objectStore('datasets');
    const info = (await promisify(store.get(id) as IDBRequest<DatasetInfo | undefined>)) ?? null;
    if (!info) throw new Error(`no dataset with id ${id}`);
    const next = { ...info, name: trimmed };
    store.put(next);
    await done(tx);
    return next;
  }

  /**
   * The dataset's content hash; one stored before hashes existed gets it now, from its shards, and
   * keeps it (only that field is written, so a rename in between is not undone).
   */
  async datasetContentHash(info: DatasetInfo): Promise<string> {
    if (info.contentHash) return info.contentHash;
    const paragraphs = [];
    for (let i = 0; i < info.shardCount; i++) paragraphs.push(...(await this.readShard(info.id, i)).paragraphs);
    const hash = paragraphsContentHash(paragraphs);
    const tx = this.db.transaction('datasets', 'readwrite');
    const store = tx.objectStore('datasets');
    const current = await promisify(store.get(info.id) as IDBRequest<DatasetInfo | undefined>);
    if (current) store.put({ ...current, contentHash: hash });
    await done(tx);
    info.contentHash = hash;
    return hash;
  }

  async deleteDataset(id: string): Promise<void> {
    const datasets = await this.listDatasets();
    const hash = datasets.find((d) => d.id === id)?.contentHash;
    // Features are keyed by content: another dataset with the same content keeps using them.
    const shared = hash !== undefined && datasets.some((d) => d.id !== id && d.contentHash === hash);
    const sets = (await this.listFeatureSets()).filter((f) =>
      f.dataHash === undefined || f.dataHash !== hash ? f.datasetId === id : !shared,
    );
    const tx = this.db.transaction(['datasets', 'shards', 'featureSets', 'featureShards'], 'readwrite');
    tx.objectStore('datasets').delete(id);
    tx.objectStore('shards').delete(IDBKeyRange.bound([id, 0], [id, Number.MAX_SAFE_INTEGER]));
    // Features made from a dataset go with it.
    for (const f of sets) {
      tx.objectStore('featureSets').delete(f.key);
      tx.objectStore('featureShards').delete(IDBKeyRange.bound([f.key, 0], [f.key, Number.MAX_SAFE_INTEGER]));
    }
    await done(tx);
  }

  async listFeatureSets(): Promise<FeatureSetInfo[]> {
    const tx = this.db.transaction('featureSets', 'readonly');
    return promisify(tx.objectStore('featureSets').getAll() as IDBRequest<FeatureSetInfo[]>);
  }

  async getFeatureSet(key: string): Promise<FeatureSetInfo | undefined> {
    const tx = this.db.transaction('featureSets', 'readonly');
    return promisify(tx.objectStore('featureSets').get(key) as IDBRequest<FeatureSetInfo | undefined>);
  }

  /** Feature shards are written one at a time as they are made; the set's record, written last, makes them visible. */
  async putFeatureShard(shard: FeatureShard): Promise<void> {
    const tx = this.db.transaction('featureShards', 'readwrite');
    tx.objectStore('featureShards').put(shard);
    await done(tx);
  }

  async putFeatureSet(info: FeatureSetInfo): Promise<void> {
    const tx = this.db.transaction('featureSets', 'readwrite');
    tx.objectStore('featureSets').put(info);
    await done(tx);
  }

  async readFeatureShard(key: string, index: number): Promise<FeatureShard> {
    const tx = this.db.transaction('featureShards', 'readonly');
    const shard = await promisify(tx.objectStore('featureShards').get([key, index]) as IDBRequest<FeatureShard | undefined>);
    if (!shard) throw new Error(`feature set ${key} has no shard ${index}`);
    return shard;
  }

  /** Removes a feature set and its shards, including the shards of one that was never finished. */
  async deleteFeatureSet(key: string): Promise<void> {
    const tx = this.db.transaction(['featureSets', 'featureShards'], 'readwrite');
    tx.objectStore('featureSets').delete(key);
    tx.objectStore('featureShards').delete(IDBKeyRange.bound([key, 0], [key, Number.MAX_SAFE_INTEGER]));
    await done(tx);
  }

  async readShard(datasetId: string, index: number): Promise<Shard> {
    const tx = this.db.transaction('shards', 'readonly');
    const shard = await promisify(tx.objectStore('shards').get([datasetId, index]) as IDBRequest<Shard | undefined>);
    if (!shard) throw new Error(`dataset ${datasetId} has no shard ${index}`);
    return shard;
  }

  /**
   * Replaces an owner's tensors and writes its record, in one transaction: a reader sees the old
   * set or the new one, never a mix (checkpoints rely on this when the quota runs out midway).
   */
  async putTensors(record: KeyedRecord, owner: string, tensors: Iterable<{ name: string; shape: number[]; data: Float32Array }>): Promise<void> {
    const tx = this.db.transaction(['records', 'tensors'], 'readwrite');
    const finished = done(tx);
    try {
      const store = tx.objectStore('tensors');
      store.delete(IDBKeyRange.bound([owner, ''], [owner, '\uffff']));
      for (const t of tensors) store.put({ owner, name: t.name, shape: t.shape, data: t.data } satisfies TensorRecord);
      tx.objectStore('records').put(record);
      await finished;
    } catch (err) {
      try {
        tx.abort();
      } catch {
        // already finished
      }
      await finished.catch(() => undefined);
      throw err;
    }
  }

  async readTensors(owner: string): Promise<TensorRecord[]> {
    const tx = this.db.transaction('tensors', 'readonly');
    return promisify(tx.objectStore('tensors').getAll(IDBKeyRange.bound([owner, ''], [owner, '\uffff'])) as IDBRequest<TensorRecord[]>);
  }

  async putRecord(record: KeyedRecord): Promise<void> {
    const tx = this.db.transaction('records', 'readwrite');
    tx.objectStore('records').put(record);
    await done(tx);
  }

  async getRecord<T extends KeyedRecord>(kind: string, id: string): Promise<T | undefined> {
    const tx = this.db.transaction('records', 'readonly');
    return promisify(tx.objectStore('records').get([kind, id]) as IDBRequest<T | undefined>);
  }

  async listRecords<T extends KeyedRecord>(kind: string): Promise<T[]> {
    const tx = this.db.transaction('records', 'readonly');
    return promisify(tx.objectStore('records').getAll(IDBKeyRange.bound([kind, ''], [kind, '\uffff'])) as IDBRequest<T[]>);
  }

  /** Writes several records in one transaction: all of them are stored, or none. */
  async putRecords(records: KeyedRecord[], signal?: AbortSignal): Promise<void> {
    const tx = this.db.transaction('records', 'readwrite');
    try {
      await writeAll(
        tx,
        () => {
          const store = tx.objectStore('records');
          for (const r of records) store.put(r);
        },
        signal,
      );
    } catch (err) {
      if (signal?.aborted) throw new DOMException('The write was cancelled; nothing was stored.', 'AbortError');
      throw err ?? new Error('the records could not be written');
    }
  }

  /** Deletes the records of a kind whose id starts with `prefix`. */
  async deleteRecordRange(kind: string, prefix: string): Promise<void> {
    const tx = this.db.transaction('records', 'readwrite');
    tx.objectStore('records').delete(IDBKeyRange.bound([kind, prefix], [kind, `${prefix}\uffff`]));
    await done(tx);
  }

  /** Deletes a record and, when given, the tensors of an owner, in one transaction. */
  async deleteRecord(kind: string, id: string, owner?: string): Promise<void> {
    const tx = this.db.transaction(['records', 'tensors'], 'readwrite');
    tx.objectStore('records').delete([kind, id]);
    if (owner) tx.objectStore('tensors').delete(IDBKeyRange.bound([owner, ''], [owner, '\uffff']));
    await done(tx);
  }
}
