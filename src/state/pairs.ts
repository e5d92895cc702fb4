// Sentence-pair datasets (MRPC) as the page sees them: the stored list, the selection and the import job.
import { create } from 'zustand';
import type { PairDatasetInfo } from '../core/storage/pairs.js';
import type { Progress } from '../workers/protocol.js';
import { WorkerError } from '../workers/protocol.js';
import type { StagedPairImport } from '../workers/data-api.js';
import { dataWorker } from '../workers/clients.js';
import type { TextEncodingName } from '../core/util/text-decode.js';
import type { DatasetSource } from '../core/storage/types.js';
import { useStudio } from './studio.js';

export type PairImportJob =
  | { phase: 'reading'; label: string; progress: Progress | null; controller: AbortController }
  | { phase: 'review'; label: string; staged: StagedPairImport }
  | { phase: 'writing'; label: string; staged: StagedPairImport; controller: AbortController }
  | { phase: 'done'; label: string; dataset: PairDatasetInfo; skipped: number }
  | { phase: 'failed'; label: string; message: string; retry?: { file: File; encoding: TextEncodingName; source?: DatasetSource } };

/** The Data panel's two kinds of dataset: question answering (SQuAD) and sentence pairs (MRPC). */
export type DataKind = 'qa' | 'mrpc';

interface PairState {
  pairDatasets: PairDatasetInfo[];
  loaded: boolean;
  selectedPairId: string | null;
  /** Which kind's selected dataset the Data panel shows below its table (the one last picked or imported). */
  focus: DataKind;
  job: PairImportJob | null;
  setFocus(kind: DataKind): void;
  refresh(): Promise<void>;
  select(id: string | null): void;
  startImport(file: File, encoding?: TextEncodingName, source?: DatasetSource): Promise<void>;
  /** Fetches a pair file from a URL or the local assets, then imports it as a picked file. */
  startUrlImport(url: string, label: string, source: DatasetSource): Promise<void>;
  commit(name: string): Promise<void>;
  discard(): Promise<void>;
  cancel(): void;
  dismiss(): void;
  remove(id: string): Promise<void>;
  rename(id: string, name: string): Promise<void>;
  split(id: string, evalFraction: number, seed: number): Promise<PairDatasetInfo[]>;
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const usePairs = create<PairState>((set, get) => ({
  pairDatasets: [],
  loaded: false,
  selectedPairId: null,
  focus: 'qa',
  job: null,

  setFocus(focus) {
    set({ focus });
  },

  async refresh() {
    const pairDatasets = await dataWorker().call('pairs-list', null);
    const sel = get().selectedPairId;
    set({ pairDatasets, loaded: true, selectedPairId: sel && pairDatasets.some((d) => d.id === sel) ? sel : null });
  },

  select(id) {
    set({ selectedPairId: id, focus: id ? 'mrpc' : get().focus });
  },

  async startUrlImport(url, label, source) {
    const controller = new AbortController();
    set({ job: { phase: 'reading', label, progress: null, controller }});
    let file: File;
    try {
      const res = await fetch(url, { signal: controller.signal });
      if (!res.ok) throw new Error(`the server answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
      const name = decodeURIComponent(new URL(res.url || url, location.href).pathname.split('/').pop() || 'pairs');
      file = new File([await res.blob()], name);
    } catch (err) {
      set({ job: controller.signal.aborted ? null : { phase: 'failed', label, message: `Could not download ${label}: ${messageOf(err)}` } });
      return;
    }
    await get().startImport(file, undefined, source);
  },

  async startImport(file, encoding, source) {
    const controller = new AbortController();
    const label = file.name;
    set({ job: { phase: 'reading', label, progress: null, controller }});
    try {
      const staged = await dataWorker().call(
        'pairs-parse',
        { file, encoding, source },
        {
          signal: controller.signal,
          onProgress: (progress) => {
            const job = get().job;
            if (job?.phase === 'reading' && job.controller === controller) set({ job: { ...job, progress } });
          },
        },
      );
      if (controller.signal.aborted) {
        await dataWorker().call('pairs-discard', { stagingId: staged.stagingId });
        set({ job: null });
        return;
      }
      const fatal = staged.report.fatal;
      if (fatal) {
        // Bytes that are not UTF-8 are often Windows-1252 (Latin-1): offer to read them as that.
        const retry = staged.decodeError?.encoding === 'utf-8' ? { file, encoding: 'windows-1252' as const, source } : undefined;
        set({ job: { phase: 'failed', label, message: fatal.line ? `line ${fatal.line}: ${fatal.message}` : fatal.message, retry } });
        return;
      }
      set({ job: { phase: 'review', label, staged } });
      if (staged.report.errors === 0) await get().commit(staged.suggestedName);
    } catch (err) {
      const cancelled = err instanceof WorkerError && err.cancelled;
      set({ job: cancelled ? null : { phase: 'failed', label, message: messageOf(err) } });
    }
  },

  async commit(name) {
    const job = get().job;
    if (job?.phase !== 'review') return;
    const controller = new AbortController();
    set({ job: { phase: 'writing', label: job.label, staged: job.staged, controller } });
    try {
      const dataset = await dataWorker().call('pairs-commit', { stagingId: job.staged.stagingId, name }, { signal: controller.signal });
      set({ job: { phase: 'done', label: job.label, dataset, skipped: job.staged.report.rows - job.staged.report.valid }, selectedPairId: dataset.id, focus: 'mrpc' });
    } catch (err) {
      const cancelled = err instanceof WorkerError && err.cancelled;
      set({ job: { phase: 'failed', label: job.label, message: cancelled ? 'Import cancelled: nothing was stored.' : messageOf(err) } });
      await dataWorker().call('pairs-discard', { stagingId: job.staged.stagingId }).catch(() => null);
    }
    await Promise.all([get().refresh(), useStudio.getState().refreshStorage()]);
  },

  async discard() {
    const job = get().job;
    if (job?.phase === 'review') await dataWorker().call('pairs-discard', { stagingId: job.staged.stagingId });
    set({ job: null });
  },

  cancel() {
    const job = get().job;
    if (job?.phase === 'reading' || job?.phase === 'writing') job.controller.abort();
  },

  dismiss() {
    set({ job: null });
  },

  async remove(id) {
    await dataWorker().call('pairs-delete', { id });
    await Promise.all([get().refresh(), useStudio.getState().refreshStorage()]);
  },

  async rename(id, name) {
    await dataWorker().call('pairs-rename', { id, name });
    await get().refresh();
  },

  async split(id, evalFraction, seed) {
    const made = await dataWorker().call('pairs-split', { id, evalFraction, seed });
    await Promise.all([get().refresh(), useStudio.getState().refreshStorage()]);
    return made;
  },
}));

// A SQuAD import that finishes (its set is selected) brings the question browser back into view.
useStudio.subscribe((s, prev) => {
  if (s.importJob?.phase === 'done' && prev.importJob?.phase !== 'done') usePairs.setState({ focus: 'qa' });
});
