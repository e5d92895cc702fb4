import { create } from 'zustand';
import type { Progress } from '../workers/protocol.js';
import { WorkerError } from '../workers/protocol.js';
import type { BackendInfo, BackendName, CalibrationResult, ModelInfo } from '../workers/model-api.js';
import { modelWorker } from '../workers/clients.js';
import { candidateBackends, defaultBackend, softwareAdapterReason } from '../core/backend/index.js';
import { loadCalibration, loadChoice, saveCalibration, saveChoice } from './backend-prefs.js';

interface ModelsState {
  backend: BackendInfo | null;
  backendError: string | null;
  /** The backend the user picked (remembered per browser), or null to follow the default rules. */
  backendChoice: BackendName | null;
  calibration: CalibrationResult | null;
  calibrating: { label: string; progress: Progress | null; startedAt: number; controller: AbortController } | null;
  models: ModelInfo[];
  selectedModelId: string | null;
  job: { label: string; progress: Progress | null; controller: AbortController } | null;
  error: string | null;
  notice: string | null;
  refresh(): Promise<void>;
  loadBackend(): Promise<void>;
  /** The first load: switches the worker to the remembered pick, calibration or default. */
  applyPreference(): Promise<void>;
  /** The user's pick: remembered, and the backend Evaluate and the Playground run on. */
  setBackend(name: BackendName): Promise<void>;
  /**
   * Times the model on the candidate backends (with `everyBackend`, on every available one but a
   * software WebGPU adapter) and switches to the fastest candidate; it replaces an earlier pick.
   */
  calibrate(modelId: string | null, everyBackend?: boolean): Promise<void>;
  cancelCalibration(): void;
  select(id: string | null): void;
  /** Runs one model-adding job with progress and cancel; the new model becomes the selection. */
  /** `start` resolves to the model it added, or to a notice when it stored something else (an imported pair run). */
  run(label: string, start: (signal: AbortSignal, onProgress: (p: Progress) => void) => Promise<ModelInfo | string>): Promise<void>;
  cancel(): void;
  dismiss(): void;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

// The remembered pick is applied once per page (the first load, which the others wait for);
// later loads only report what the worker uses.
let firstLoad: Promise<void> | null = null;

export const useModels = create<ModelsState>((set, get) => ({
  backend: null,
  backendError: null,
  backendChoice: loadChoice(),
  calibration: loadCalibration(),
  calibrating: null,
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
    if (!firstLoad) {
      firstLoad = get().applyPreference();
      return firstLoad;
    }
    await firstLoad;
    try {
      set({ backend: await modelWorker().call('backend-info', null), backendError: null });
    } catch (err) {
      set({ backendError: message(err) });
    }
  },

  async applyPreference() {
    try {
      let info = await modelWorker().call('backend-info', null);
      const wanted = defaultBackend({ available: info.available, adapter: info.adapter, userChoice: get().backendChoice, calibration: get().calibration });
      if (wanted !== info.current) info = await modelWorker().call('set-backend', { backend: wanted });
      set({ backend: info, backendError: null });
      // With two real candidates (a hardware GPU and wasm) and nothing remembered, measure once.
      if (!get().backendChoice && !get().calibration && candidateBackends(info.available, info.adapter).length > 1) void get().calibrate(get().selectedModelId);
    } catch (err) {
      set({ backendError: message(err) });
    }
  },

  async setBackend(name) {
    saveChoice(name);
    set({ backendChoice: name });
    try {
      set({ backend: await modelWorker().call('set-backend', { backend: name }), backendError: null });
    } catch (err) {
      set({ backendError: message(err) });
    }
  },

  async calibrate(modelId, everyBackend = false) {
    const info = get().backend;
    if (!info || get().calibrating) return;
    const software = softwareAdapterReason(info.adapter) !== null;
    const backends = everyBackend ? info.available.filter((b) => b !== 'webgpu' || !software) : candidateBackends(info.available, info.adapter);
    const controller = new AbortController();
    const startedAt = performance.now();
    set({ calibrating: { label: 'Measuring backends', progress: null, startedAt, controller }, backendError: null });
    try {
      const result = await modelWorker().call('calibrate-backends', { modelId, backends }, {
        signal: controller.signal,
        onProgress: (progress) => set({ calibrating: { label: progress.label ?? 'Measuring backends', progress, startedAt, controller } }),
      });
      saveCalibration(result);
      // Measuring asks for the fastest: it replaces an earlier pick.
      saveChoice(null);
      set({ calibration: result, backendChoice: null, calibrating: null });
      const fastest = defaultBackend({ available: info.available, adapter: info.adapter, calibration: result });
      set({ backend: await modelWorker().call('set-backend', { backend: fastest }) });
    } catch (err) {
      set({ calibrating: null, backendError: err instanceof WorkerError && err.cancelled ? null : message(err) });
    }
  },

  cancelCalibration: () => get().calibrating?.controller.abort(),

  select: (id) => set({ selectedModelId: id }),

  async run(label, start) {
    const controller = new AbortController();
    set({ job: { label, progress: null, controller }, error: null, notice: null });
    try {
      const info = await start(controller.signal, (progress) => set({ job: { label, progress, controller } }));
      if (typeof info === 'string') {
        set({ job: null, notice: info });
        return;
      }
      set({ job: null, selectedModelId: info.id, notice: `Added “${info.label}”: ${info.parameters.toLocaleString('en-US')} parameters.` });
      await get().refresh();
    } catch (err) {
      set({ job: null, error: err instanceof WorkerError && err.cancelled ? 'Cancelled; nothing was stored.' : message(err) });
    }
  },

  cancel: () => get().job?.controller.abort(),
  dismiss: () => set({ error: null, notice: null }),
}));
