// Sentence-pair datasets (MRPC) as the page sees them: the stored list, the selection and the import job.
import { create } from 'zustand';
import type { PairDatasetInfo } from '../core/storage/pairs.js';
import type { Progress } from '../workers/protocol.js';
import { WorkerError } from '../workers/protocol.js';
import type { StagedPairImport } from '../workers/data-api.js';
import { dataWorker } from '../workers/clients.js';
import type { TextEncodingName } from '../core/util/text-decode.js';
import { useStudio } from './studio.js';

export type PairImportJob =
  | { phase: 'reading'; label: string; progress: Progress | null; controller: AbortController }
  | { phase: 'review'; label: string; staged: StagedPairImport }
  | { phase: 'writing'; label: string; staged: StagedPairImport; controller: AbortController }
  | { phase: 'done'; label: string; dataset: PairDatasetInfo; skipped: number }
  | { phase: 'failed'; label: string; message: string; retry?: { file: File; encoding: TextEncodingName } };

interface PairState {
  pairDatasets: PairDatasetInfo[];
  loaded: boolean;
  selectedPairId: string | null;
  job: PairImportJob | null;
  refresh(): Promise<void>;
  select(id: string | null): void;
  startImport(file: File, encoding?: TextEncodingName): Promise<void>;
  commit(name: string): Promise<void>;
  discard(): Promise<void>;
  cancel(): void;
  dismiss(): void;
  remove(id: string): Promise<void>;
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const usePairs = create<PairState>((set, get) => ({
  pairDatasets: [],
  loaded: false,
  selectedPairId: null,
  job: null,

  async refresh() {
    const pairDatasets = await dataWorker().call('pairs-list', null);
    const sel = get().selectedPairId;
    set({ pairDatasets, loaded: true, selectedPairId: sel && pairDatasets.some((d) => d.id === sel) ? sel : null });
  },

  select(id) {
    set({ selectedPairId: id });
  },

  async startImport(file, encoding) {
    const controller = new AbortController();
    const label = file.name;
    set({ job: { phase: 'reading', label, progress: null, controller } });
    try {
      const staged = await dataWorker().call(
        'pairs-parse',
        { file, encoding },
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
        const retry = staged.decodeError?.encoding === 'utf-8' ? { file, encoding: 'windows-1252' as const } : undefined;
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
      set({ job: { phase: 'done', label: job.label, dataset, skipped: job.staged.report.rows - job.staged.report.valid }, selectedPairId: dataset.id });
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
}));
