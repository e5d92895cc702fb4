import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IdbDatasetStore } from '../core/storage/idb.js';
import { pairHandlers } from './pair-data.js';
import type { HandlerContext } from './protocol.js';

const ctx: HandlerContext = { signal: new AbortController().signal, progress: () => undefined, checkCancelled: () => undefined };
let n = 0;

async function withDev() {
  const store = IdbDatasetStore.open(indexedDB, `pair-data-test-${n++}`);
  let id = 0;
  const h = pairHandlers(() => store, () => `id${id++}`);
  const file = new File([readFileSync('../shared/data/mrpc/dev.tsv')], 'dev.tsv');
  const staged = await h['pairs-parse']({ file }, ctx);
  const info = await h['pairs-commit']({ stagingId: staged.stagingId, name: 'dev' }, ctx);
  return { h, info };
}

describe('the data worker on stored sentence pairs', () => {
  it('renames a pair dataset and refuses an empty name', async () => {
    const { h, info } = await withDev();
    await h['pairs-rename']({ id: info.id, name: '  MRPC dev, renamed ' });
    expect((await h['pairs-list']()).map((d) => d.name)).toEqual(['MRPC dev, renamed']);
    await expect(h['pairs-rename']({ id: info.id, name: ' ' })).rejects.toThrow('cannot be empty');
    await expect(h['pairs-rename']({ id: 'gone', name: 'x' })).rejects.toThrow('No sentence-pair dataset');
  });

  it('splits one into train and eval sets stored beside it, every pair on exactly one side', async () => {
    const { h, info } = await withDev();
    const [train, ev] = await h['pairs-split']({ id: info.id, evalFraction: 0.25, seed: 3 }, ctx);
    expect([train.name, ev.name]).toEqual(['dev · train (seed 3)', 'dev · eval (seed 3)']);
    expect(train.pairs + ev.pairs).toBe(408);
    expect(ev.positives).toBe(Math.round(279 * 0.25));
    expect(train.source).toEqual({ kind: 'split', detail: 'dev, 25% eval, seed 3' });
    const rows = [...(await h['pairs-rows']({ id: train.id }, ctx)), ...(await h['pairs-rows']({ id: ev.id }, ctx))];
    expect(new Set(rows.map((r) => r.id)).size).toBe(408);
    expect((await h['pairs-list']()).length).toBe(3);
    await expect(h['pairs-split']({ id: info.id, evalFraction: 1, seed: 3 }, ctx)).rejects.toThrow('eval share');
    expect((await h['pairs-list']()).length).toBe(3);
  });
});
