// The sentence-pair Playground: two sentences (typed, or a pair of a stored dataset), one or two
// pair runs answering them side by side, and a link that restores all of it.
import { create } from 'zustand';
import type { PairAnswer, PairRun } from '../workers/pair-api.js';
import { WorkerError } from '../workers/protocol.js';
import { dataWorker, modelWorker } from '../workers/clients.js';
import { useModels } from './models.js';
import { type ColumnState, askColumns, emptyColumn, missingNote, packTexts, playgroundQuery, resolveLinked, unpackTexts } from './compare.js';
import { missingRowMessage } from '../core/tasks/mrpc/inspect.js';

export type RunAnswer = PairAnswer & { millis: number };
export type PairColumn = ColumnState<RunAnswer, { sentence1: string; sentence2: string }>;

/** Where the sentences came from, when they are a stored pair. */
export interface PairSource {
  datasetName: string;
  rowId: string;
  label: 0 | 1 | null;
}

/** What a pair link carries. Run ids are this browser's; labels let another browser find a run of the same name. */
export interface SharedPairSetup {
  sentence1: string;
  sentence2: string;
  runIds: string[];
  runLabels: string[];
  source: { datasetName: string; rowId: string } | null;
}

export function encodePairShared(s: SharedPairSetup): string {
  const p = new URLSearchParams({ t: 'mrpc' });
  for (const id of s.runIds) p.append('m', id);
  for (const label of s.runLabels) p.append('n', label);
  if (s.source) {
    p.set('d', s.source.datasetName);
    p.set('r', s.source.rowId);
  }
  packTexts(p, { a: s.sentence1, b: s.sentence2 });
  return `#/playground?${p.toString()}`;
}

/** The pair setup in a `#/playground?t=mrpc&...` hash; null for none (or a QA one); throws when it is damaged. */
export function decodePairShared(hash: string): SharedPairSetup | null {
  const p = playgroundQuery(hash);
  if (!p || p.get('t') !== 'mrpc') return null;
  const { a, b } = unpackTexts(p, ['a', 'b'] as const);
  const d = p.get('d');
  const r = p.get('r');
  return { sentence1: a, sentence2: b, runIds: p.getAll('m'), runLabels: p.getAll('n'), source: d !== null && r !== null ? { datasetName: d, rowId: r } : null };
}

interface PairPlaygroundState {
  sentence1: string;
  sentence2: string;
  source: PairSource | null;
  columns: PairColumn[];
  compare: boolean;
  linkNote: string | null;
  setText(t: Partial<{ sentence1: string; sentence2: string }>): void;
  /** Takes the sentences of a stored pair (by its row id). */
  takePair(pairsId: string, datasetName: string, rowId: string): Promise<void>;
  setRun(column: number, runId: string): void;
  setCompare(on: boolean): void;
  /** Answers with every shown run, one after the other, and writes the setup into the URL. */
  ask(runs: PairRun[]): Promise<void>;
  /** Reads a shared pair setup from the URL; returns whether there was one with both sentences to answer. */
  openLink(hash: string, runs: PairRun[]): boolean;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const usePairPlayground = create<PairPlaygroundState>((set, get) => ({
  sentence1: '',
  sentence2: '',
  source: null,
  columns: [emptyColumn(null), emptyColumn(null)],
  compare: false,
  linkNote: null,

  // Edited sentences are no longer the stored pair's.
  setText: (t) => set({ ...t, source: null }),

  async takePair(pairsId, datasetName, rowId) {
    try {
      const rows = await dataWorker().call('pairs-rows', { id: pairsId });
      const row = rows.find((r) => r.id === rowId.trim());
      if (!row) return set({ linkNote: missingRowMessage(rowId, datasetName, rows) });
      set({ sentence1: row.sentence1, sentence2: row.sentence2, source: { datasetName, rowId: row.id, label: row.label }, linkNote: null });
    } catch (err) {
      set({ linkNote: message(err) });
    }
  },

  setRun(column, runId) {
    const columns = get().columns.slice();
    columns[column] = emptyColumn(runId);
    set({ columns });
  },

  setCompare: (compare) => set({ compare }),

  async ask(runs) {
    const { sentence1, sentence2, compare, source } = get();
    const shown = get().columns.slice(0, compare ? 2 : 1);
    const ids = shown.map((c) => (c.modelId && runs.some((r) => r.id === c.modelId) ? c.modelId : (runs[runs.length - 1]?.id ?? null)));
    if (ids.some((id) => !id)) return;
    const labelOf = (id: string) => runs.find((r) => r.id === id)?.label ?? '';
    // On a page just opened from a link the model worker may still be choosing its backend: answer once it has.
    await useModels.getState().loadBackend();
    history.replaceState(
      null,
      '',
      encodePairShared({ sentence1, sentence2, runIds: ids as string[], runLabels: (ids as string[]).map(labelOf), source: source && { datasetName: source.datasetName, rowId: source.rowId } }),
    );
    await askColumns(
      () => get().columns,
      (columns) => set({ columns }),
      ids as string[],
      { sentence1, sentence2 },
      async (runId) => {
        const t0 = performance.now();
        const answer = await modelWorker().call('pair-answer', { runId, sentence1, sentence2 });
        return { ...answer, millis: Math.round(performance.now() - t0) };
      },
      (err) => (err instanceof WorkerError && err.cancelled ? 'Cancelled.' : message(err)),
    );
  },

  openLink(hash, runs) {
    let shared: SharedPairSetup | null;
    try {
      shared = decodePairShared(hash);
    } catch {
      set({ linkNote: 'This link’s sentences could not be read (the link is damaged).' });
      return false;
    }
    if (!shared) return false;
    const { ids, missing } = resolveLinked(shared.runIds, shared.runLabels, runs);
    set({
      sentence1: shared.sentence1,
      sentence2: shared.sentence2,
      source: shared.source && { ...shared.source, label: null },
      columns: [emptyColumn(ids[0] ?? get().columns[0].modelId), emptyColumn(ids[1] ?? get().columns[1].modelId)],
      compare: ids.length > 1,
      linkNote: missingNote(missing, 'pair run'),
    });
    return shared.sentence1.trim().length > 0 && shared.sentence2.trim().length > 0;
  },
}));
