import { create } from 'zustand';
import type { Progress } from '../workers/protocol.js';
import { WorkerError } from '../workers/protocol.js';
import type { BackendInfo, BackendName, ModelInfo } from '../workers/model-api.js';
import { modelWorker } from '../workers/clients.js';

interface ModelsState {
  backend: BackendInfo | null;
  backendError: string | null;
  models: ModelInfo[];
  selectedModelId: string | null;
  job: { label: string; progress: Progress | null; controller: AbortController } | null;
  error: string | null;
  notice: string | null;
  refresh(): Promise<void>;
  loadBackend(): Promise<void>;
  setBackend(name: BackendName): Promise<void>;
  select(id: string | null): void;
  /** Runs one model-adding job with progress and cancel; the new model becomes the selection. */
  run(label: string, start: (signal: AbortSignal, onProgress: (p: Progress) => void) => Promise<ModelInfo>): Promise<void>;
  cancel(): void;
  dismiss(): void;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const useModels = create<ModelsState>((set, get) => ({
  backend: null,
  backendError: null,
  models: [],
  selectedModelId: null,
  job: null,
  error: null,
  notice: null,

  async refresh() {
    const models = await modelWorker().call('models', null);
    const sel = get().selectedModelId;
    set({ models, selectedModelId: sel && models.some((m) => m.id === sel) ? sel : (models[models.length - 1]?.id ?? null) });
  },

  async loadBackend() {
    try {
      set({ backend: await modelWorker().call('backend-info', null), backendError: null });
    } catch (err) {
      set({ backendError: message(err) });
    }
  },

  async setBackend(name) {
    try {
      set({ backend: await modelWorker().call('set-backend', { backend: name }), backendError: null });
    } catch (err) {
      set({ backendError: message(err) });
    }
  },

  select: (id) => set({ selectedModelId: id }),

  async run(label, start) {
    const controller = new AbortController();
    set({ job: { label, progress: null, controller }, error: null, notice: null });
    try {
      const info = await start(controller.signal, (progress) => set({ job: { label, progress, controller } }));
      set({ job: null, selectedModelId: info.id, notice: `Added “${info.label}”: ${info.parameters.toLocaleString('en-US')} parameters.` });
      await get().refresh();
    } catch (err) {
      set({ job: null, error: err instanceof WorkerError && err.cancelled ? 'Cancelled; nothing was stored.' : message(err) });
    }
  },

  cancel: () => get().job?.controller.abort(),
  dismiss: () => set({ error: null, notice: null }),
}));
