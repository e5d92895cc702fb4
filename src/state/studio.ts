import { create } from 'zustand';
import type { DatasetInfo } from '../core/storage/types.js';
import type { Progress } from '../workers/protocol.js';
import { WorkerError } from '../workers/protocol.js';
import type { ImportSource, StagedImport } from '../workers/data-api.js';
import { dataWorker, onWorkerFailure, restartWorker, type WorkerName } from '../workers/clients.js';
import type { TextEncodingName } from '../core/util/text-decode.js';

export type PanelId = 'data' | 'features' | 'model' | 'train' | 'evaluate' | 'playground';

const PANEL_IDS: PanelId[] = ['data', 'features', 'model', 'train', 'evaluate', 'playground'];

export type ImportJob =
  | { phase: 'reading'; label: string; progress: Progress | null; controller: AbortController }
  | { phase: 'review'; label: string; staged: StagedImport }
  | { phase: 'writing'; label: string; staged: StagedImport; controller: AbortController }
  | { phase: 'done'; label: string; dataset: DatasetInfo; skipped: number }
  | { phase: 'failed'; label: string; message: string; retry?: { source: ImportSource; encoding: TextEncodingName } };

export interface StorageEstimate {
  usage: number;
  quota: number;
  persisted: boolean;
}

export interface WorkerFailure {
  name: WorkerName;
  message: string;
}

interface StudioState {
  panel: PanelId;
  /** Workers that failed to load or crashed, offered for a restart. */
  workerFailures: WorkerFailure[];
  restartWorker(name: WorkerName): void;
  /** Follows the address bar (Back/Forward, a typed hash) without adding a history entry. */
  followLocation(): void;
  datasets: DatasetInfo[];
  datasetsLoaded: boolean;
  selectedDatasetId: string | null;
  storage: StorageEstimate | null;
  importJob: ImportJob | null;
  setPanel(panel: PanelId): void;
  selectDataset(id: string | null): void;
  refreshDatasets(): Promise<void>;
  /** On the very first open, stores the built-in demo set so the studio works offline from the start. */
  seedDemoOnFirstOpen(): Promise<void>;
  refreshStorage(): Promise<void>;
  /** `encoding` overrides the byte-order mark (UTF-8 when there is none). */
  startImport(source: ImportSource, label: string, encoding?: TextEncodingName): Promise<void>;
  /** One import, parse to store; startImport queues these. */
  runImport(source: ImportSource, label: string, encoding?: TextEncodingName): Promise<void>;
  commitImport(name: string): Promise<void>;
  discardImport(): Promise<void>;
  cancelImport(): void;
  dismissImport(): void;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function panelFromHash(hash: string): PanelId {
  const h = hash.replace(/^#\/?/, '').split('?')[0];
  return PANEL_IDS.find((p) => p === h) ?? 'data';
}

/** The last address each panel had (its query carries its setup), so going back to a panel restores it. */
const lastHash = new Map<PanelId, string>();

/** Imports run one at a time: one started while another is parsing or storing (a click while the first open stores the demo) waits its turn instead of overwriting the first one's job state. */
let importQueue: Promise<void> = Promise.resolve();

export const useStudio = create<StudioState>((set, get) => ({
  panel: typeof location === 'undefined' ? 'data' : panelFromHash(location.hash),
  workerFailures: [],
  datasets: [],
  datasetsLoaded: false,
  selectedDatasetId: null,
  storage: null,
  importJob: null,

  setPanel(panel) {
    const current = get().panel;
    if (panel === current) return;
    lastHash.set(current, location.hash);
    // One history entry per panel change, so Back returns to the previous panel as it was.
    history.pushState(null, '', lastHash.get(panel) ?? `#/${panel}`);
    set({ panel });
    void get().refreshStorage();
  },

  followLocation() {
    const panel = panelFromHash(location.hash);
    if (panel !== get().panel) set({ panel });
  },

  restartWorker(name) {
    set({ workerFailures: get().workerFailures.filter((f) => f.name !== name) });
    restartWorker(name);
  },

  selectDataset(id) {
    set({ selectedDatasetId: id });
  },

  async refreshDatasets() {
    const datasets = await dataWorker().call('list', null);
    const selected = get().selectedDatasetId;
    set({
      datasets,
      datasetsLoaded: true,
      selectedDatasetId: selected && datasets.some((d) => d.id === selected) ? selected : (datasets[datasets.length - 1]?.id ?? null),
    });
  },

  async seedDemoOnFirstOpen() {
    const key = 'bert-studio.demo-seeded';
    if (localStorage.getItem(key)) return;
    localStorage.setItem(key, '1');
    if (get().datasets.length === 0) await get().startImport({ kind: 'demo' }, 'Demo dataset');
  },

  async refreshStorage() {
    if (!navigator.storage?.estimate) return;
    const [est, persisted] = await Promise.all([navigator.storage.estimate(), navigator.storage.persisted?.() ?? Promise.resolve(false)]);
    set({ storage: { usage: est.usage ?? 0, quota: est.quota ?? 0, persisted } });
  },

  startImport(source, label, encoding) {
    const run = importQueue.then(() => get().runImport(source, label, encoding));
    importQueue = run.catch(() => undefined);
    return run;
  },

  async runImport(source, label, encoding) {
    const controller = new AbortController();
    set({ importJob: { phase: 'reading', label, progress: null, controller } });
    try {
      const staged = await dataWorker().call(
        'import-parse',
        { source, encoding },
        {
          signal: controller.signal,
          onProgress: (progress) => {
            const job = get().importJob;
            if (job?.phase === 'reading' && job.controller === controller) set({ importJob: { ...job, progress } });
          },
        },
      );
      // A result that crossed the user's Cancel on its way back is dropped like any cancelled work.
      if (controller.signal.aborted) {
        await dataWorker().call('import-discard', { stagingId: staged.stagingId });
        set({ importJob: null });
        return;
      }
      const fatal = staged.report.fatal;
      if (fatal) {
        await dataWorker().call('import-discard', { stagingId: staged.stagingId });
        // Bytes that are not UTF-8 are often Windows-1252 (Latin-1): offer to read them as that.
        const retry = staged.decodeError?.encoding === 'utf-8' ? { source, encoding: 'windows-1252' as const } : undefined;
        set({ importJob: { phase: 'failed', label, message: fatal.message, retry } });
        return;
      }
      if (staged.report.errors === 0) {
        set({ importJob: { phase: 'review', label, staged } });
        await get().commitImport(staged.suggestedName);
        return;
      }
      set({ importJob: { phase: 'review', label, staged } });
    } catch (err) {
      const cancelled = err instanceof WorkerError && err.cancelled;
      set({ importJob: cancelled ? null : { phase: 'failed', label, message: messageOf(err) } });
    }
  },

  async commitImport(name) {
    const job = get().importJob;
    if (job?.phase !== 'review') return;
    const controller = new AbortController();
    set({ importJob: { phase: 'writing', label: job.label, staged: job.staged, controller } });
    try {
      // Ask once, at the first import: datasets should survive storage pressure.
      if (navigator.storage?.persist && !(await navigator.storage.persisted())) await navigator.storage.persist().catch(() => false);
      const dataset = await dataWorker().call('import-commit', { stagingId: job.staged.stagingId, name }, { signal: controller.signal });
      const r = job.staged.report;
      set({ importJob: { phase: 'done', label: job.label, dataset, skipped: r.questions - r.valid.questions }, selectedDatasetId: dataset.id });
    } catch (err) {
      const cancelled = err instanceof WorkerError && err.cancelled;
      set({ importJob: { phase: 'failed', label: job.label, message: cancelled ? 'Import cancelled: nothing was stored.' : messageOf(err) } });
      await dataWorker().call('import-discard', { stagingId: job.staged.stagingId }).catch(() => null);
    }
    await Promise.all([get().refreshDatasets(), get().refreshStorage()]);
  },

  async discardImport() {
    const job = get().importJob;
    if (job?.phase === 'review') await dataWorker().call('import-discard', { stagingId: job.staged.stagingId });
    set({ importJob: null });
  },

  cancelImport() {
    const job = get().importJob;
    if (job?.phase === 'reading' || job?.phase === 'writing') job.controller.abort();
  },

  dismissImport() {
    set({ importJob: null });
  },
}));

onWorkerFailure((name, err) => {
  const rest = useStudio.getState().workerFailures.filter((f) => f.name !== name);
  useStudio.setState({ workerFailures: [...rest, { name, message: err.message }] });
});
