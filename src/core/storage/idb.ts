import type { DatasetInfo, DatasetStore, Shard } from './types.js';

export const DB_NAME = 'bert-studio';
const DB_VERSION = 1;

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

export function openStudioDb(factory: IDBFactory = indexedDB, name = DB_NAME): Promise<IDBDatabase> {
  const req = factory.open(name, DB_VERSION);
  req.onupgradeneeded = () => {
    const db = req.result;
    if (!db.objectStoreNames.contains('datasets')) db.createObjectStore('datasets', { keyPath: 'id' });
    if (!db.objectStoreNames.contains('shards')) db.createObjectStore('shards', { keyPath: ['datasetId', 'index'] });
  };
  return promisify(req);
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
      const shardStore = tx.objectStore('shards');
      for (const { shards } of items) for (const s of shards) shardStore.put(s);
      // Dataset records go last: a reader never sees a dataset whose shards are missing.
      for (const { info } of items) tx.objectStore('datasets').put(info);
      await finished;
    } catch (err) {
      abort();
      await finished.catch(() => undefined);
      throw err;
    } finally {
      signal?.removeEventListener('abort', abort);
    }
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

  async deleteDataset(id: string): Promise<void> {
    const tx = this.db.transaction(['datasets', 'shards'], 'readwrite');
    tx.objectStore('datasets').delete(id);
    tx.objectStore('shards').delete(IDBKeyRange.bound([id, 0], [id, Number.MAX_SAFE_INTEGER]));
    await done(tx);
  }

  async readShard(datasetId: string, index: number): Promise<Shard> {
    const tx = this.db.transaction('shards', 'readonly');
    const shard = await promisify(tx.objectStore('shards').get([datasetId, index]) as IDBRequest<Shard | undefined>);
    if (!shard) throw new Error(`dataset ${datasetId} has no shard ${index}`);
    return shard;
  }
}
