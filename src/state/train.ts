import { create } from 'zustand';
import type { BertConfig } from '../core/model/pure.js';
import { defaultHyperparameters, validateHyperparameters, type TrainHyperparameters } from '../core/train/pure.js';
import { modelWorker, onWorkerRestart } from '../workers/clients.js';
import { useModels } from './models.js';
import { useStudio } from './studio.js';
import type { BackendName, ModelInfo } from '../workers/model-api.js';
import { MetricSeries } from '../workers/model/train-metrics.js';
import type { Progress } from '../workers/protocol.js';
import { WorkerError } from '../workers/protocol.js';
import type { EvalPoint, RunInfo, RunSetup, StartResult, TrainEvent } from '../workers/train-api.js';
import type { DatasetInfo } from '../core/storage/types.js';

/** The run setup as the form edits it; dataset and model are ids of this browser's records. */
export interface SetupForm {
  trainDatasetId: string | null;
  evalDatasetId: string | null;
  modelId: string | null;
  hyperparameters: TrainHyperparameters;
  maxLength: number;
  stride: number;
  evalEvery: number;
  checkpointEvery: number;
  backend: BackendName;
}

export interface RunData {
  series: MetricSeries;
  evals: EvalPoint[];
}

export interface Notice {
  id: number;
  runId: string | null;
  level: 'info' | 'warn' | 'error';
  message: string;
}

interface TrainState {
  form: SetupForm;
  /** Hash parameters naming a model or dataset not matched yet (the lists load after the panel). */
  pendingNames: { model?: string; train?: string; eval?: string } | null;
  runs: RunInfo[];
  runsLoaded: boolean;
  selectedRunId: string | null;
  overlayIds: string[];
  data: Map<string, RunData>;
  /** Bumped whenever metric data changes; charts redraw on the next animation frame. */
  dataVersion: number;
  /** Preparing or resuming a run: the stage under way (e.g. the probe step), since when, and how to cancel it. */
  starting: { label: string; progress: Progress | null; stageStartedAt: number; controller: AbortController } | null;
  /** True once the run's backend came from a link or the Train panel's picker; otherwise it follows the studio's default. */
  backendPinned: boolean;
  /** A choice the user has to make before the run can start (another backend, a smaller batch). */
  choice: { result: Exclude<StartResult, { kind: 'started' }>; resumeRunId: string | null; setup: RunSetup | null } | null;
  notices: Notice[];
  smoothing: number;
  setForm(patch: Partial<SetupForm>): void;
  /** The user picks the run's backend in the Train panel. */
  pickBackend(b: BackendName): void;
  /** The studio's backend changed (default, calibration, Model panel): an unpinned run setup follows it. */
  followBackend(b: BackendName): void;
  cancelStart(): void;
  setHyper(patch: Partial<TrainHyperparameters>): void;
  /** Picks a model and applies its size's default hyperparameters. */
  chooseModel(model: ModelInfo): void;
  resolveNames(models: ModelInfo[], datasets: DatasetInfo[]): void;
  /** Applies a `#/train?...` address typed or reached by Back/Forward while the studio is open. */
  openLink(hash: string): void;
  refreshRuns(): Promise<void>;
  start(): Promise<void>;
  /** Starts a run of any task from its setup (the sentence-pair card builds its own). */
  startSetup(setup: RunSetup, fromForm?: boolean): Promise<void>;
  pause(runId: string): Promise<void>;
  resume(runId: string, backend?: BackendName): Promise<void>;
  stop(runId: string): Promise<void>;
  remove(runId: string): Promise<void>;
  select(runId: string | null): void;
  toggleOverlay(runId: string): void;
  loadRunData(runId: string): Promise<void>;
  exportMetrics(runIds: string[], format: 'csv' | 'json'): Promise<void>;
  applySuggestion(): void;
  dismissChoice(): void;
  dismissNotice(id: number): void;
  setSmoothing(w: number): void;
  checkpointNow(): void;
  watch(): void;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
let noticeId = 0;

const DEFAULT_FORM: SetupForm = {
  trainDatasetId: null,
  evalDatasetId: null,
  modelId: null,
  hyperparameters: defaultHyperparameters('tiny'),
  maxLength: 384,
  stride: 128,
  evalEvery: 0,
  checkpointEvery: 50,
  backend: 'webgpu',
};

// Short names keep a shared link readable; the values are the run setup, nothing else.
const HYPER_KEYS: [Exclude<keyof TrainHyperparameters, 'gradientCheckpointing'>, string][] = [
  ['learningRate', 'lr'],
  ['epochs', 'epochs'],
  ['maxSteps', 'steps'],
  ['batchSize', 'batch'],
  ['gradAccumSteps', 'accum'],
  ['warmupRatio', 'warmup'],
  ['weightDecay', 'wd'],
  ['maxGradNorm', 'clip'],
  ['seed', 'seed'],
];
const FORM_KEYS: [keyof Pick<SetupForm, 'maxLength' | 'stride' | 'evalEvery' | 'checkpointEvery'>, string][] = [
  ['maxLength', 'len'],
  ['stride', 'stride'],
  ['evalEvery', 'evalEvery'],
  ['checkpointEvery', 'ckptEvery'],
];

/** The setup encoded in `#/train?...`: models and datasets by name, so the link works in another browser holding them. */
export function setupToHash(form: SetupForm, models: ModelInfo[], datasets: DatasetInfo[]): string {
  const p = new URLSearchParams();
  const model = models.find((m) => m.id === form.modelId);
  const train = datasets.find((d) => d.id === form.trainDatasetId);
  const evalSet = datasets.find((d) => d.id === form.evalDatasetId);
  if (model) p.set('model', model.label);
  if (train) p.set('train', train.name);
  if (evalSet) p.set('eval', evalSet.name);
  for (const [k, short] of HYPER_KEYS) p.set(short, String(form.hyperparameters[k]));
  if (form.hyperparameters.gradientCheckpointing) p.set('ckpt', '1');
  for (const [k, short] of FORM_KEYS) p.set(short, String(form[k]));
  p.set('backend', form.backend);
  return `#/train?${p.toString()}`;
}

function formFromHash(hash: string): { form: SetupForm; names: TrainState['pendingNames']; backendPinned: boolean } {
  const [path, query] = hash.replace(/^#\/?/, '').split('?');
  if (path !== 'train' || !query) return { form: DEFAULT_FORM, names: null, backendPinned: false };
  const p = new URLSearchParams(query);
  const num = (short: string, fallback: number) => {
    const v = p.get(short);
    const n = v === null || v.trim() === '' ? NaN : Number(v);
    return Number.isFinite(n) ? n : fallback;
  };
  const hyperparameters = { ...DEFAULT_FORM.hyperparameters };
  for (const [k, short] of HYPER_KEYS) hyperparameters[k] = num(short, hyperparameters[k]);
  hyperparameters.gradientCheckpointing = p.get('ckpt') === '1';
  const form: SetupForm = { ...DEFAULT_FORM, hyperparameters };
  for (const [k, short] of FORM_KEYS) form[k] = num(short, form[k]);
  const backend = p.get('backend');
  if (backend === 'webgpu' || backend === 'wasm' || backend === 'cpu') form.backend = backend;
  const names = { model: p.get('model') ?? undefined, train: p.get('train') ?? undefined, eval: p.get('eval') ?? undefined };
  return { form, names: names.model || names.train || names.eval ? names : null, backendPinned: form.backend === backend };
}

/** Problems that keep Start disabled, in words. */
export function setupProblems(form: SetupForm, config: BertConfig | null): string[] {
  const problems: string[] = [];
  if (!form.modelId) problems.push('choose a model');
  if (!form.trainDatasetId) problems.push('choose a training dataset');
  problems.push(...validateHyperparameters(form.hyperparameters));
  if (!Number.isInteger(form.maxLength) || form.maxLength < 16) problems.push('max length must be an integer >= 16');
  else if (config && form.maxLength > config.max_position_embeddings) problems.push(`max length may not exceed the model's ${config.max_position_embeddings} positions`);
  if (!Number.isInteger(form.stride) || form.stride < 0 || form.stride >= form.maxLength / 2) problems.push('stride must be an integer in [0, max length / 2)');
  if (!Number.isInteger(form.evalEvery) || form.evalEvery < 0) problems.push('eval every must be an integer >= 0');
  if (!Number.isInteger(form.checkpointEvery) || form.checkpointEvery < 0) problems.push('checkpoint every must be an integer >= 0');
  return problems;
}

export function runSetup(form: SetupForm): RunSetup {
  return {
    trainDatasetId: form.trainDatasetId!,
    evalDatasetId: form.evalDatasetId,
    modelId: form.modelId!,
    hyperparameters: { ...form.hyperparameters },
    maxLength: form.maxLength,
    stride: form.stride,
    evalEvery: form.evalEvery,
    checkpointEvery: form.checkpointEvery,
    backend: form.backend,
  };
}

const initial = typeof location === 'undefined' ? { form: DEFAULT_FORM, names: null, backendPinned: false } : formFromHash(location.hash);
let watching = false;
let pageListeners = false;

export const useTrain = create<TrainState>((set, get) => {
  const addNotice = (runId: string | null, level: Notice['level'], text: string) =>
    set({ notices: [...get().notices.slice(-4), { id: ++noticeId, runId, level, message: text }] });

  const upsertRun = (run: RunInfo) => {
    const runs = get().runs;
    const i = runs.findIndex((r) => r.id === run.id);
    set({ runs: i < 0 ? [...runs, run] : runs.map((r, j) => (j === i ? run : r)) });
  };

  const applyEvents = (events: TrainEvent[]) => {
    let changed = false;
    const data = get().data;
    for (const e of events) {
      if (e.type === 'run') {
        upsertRun(e.run);
        if (!get().selectedRunId) set({ selectedRunId: e.run.id });
        // Run records change at checkpoints and status changes: the storage meter moves then.
        void useStudio.getState().refreshStorage();
      } else if (e.type === 'metrics') {
        // A run seen for the first time (just started, or started elsewhere) loads its history; points merge in.
        if (!data.has(e.runId)) void get().loadRunData(e.runId);
        const d = data.get(e.runId);
        if (!d) continue;
        for (const p of e.points) d.series.push(p);
        changed = true;
        const run = get().runs.find((r) => r.id === e.runId);
        const last = e.points[e.points.length - 1];
        if (run && last) upsertRun({ ...run, step: last.step, epoch: last.epoch });
      } else if (e.type === 'eval') {
        const d = data.get(e.runId);
        if (!d) continue;
        d.evals = [...d.evals.filter((x) => x.step < e.point.step), e.point];
        changed = true;
      } else if (e.type === 'truncate') {
        const d = data.get(e.runId);
        if (!d) continue;
        d.series.truncate(e.step);
        d.evals = d.evals.filter((x) => x.step <= e.step);
        changed = true;
      } else if (e.type === 'notice') addNotice(e.runId, e.level, e.message);
    }
    if (changed) set({ dataVersion: get().dataVersion + 1 });
  };

  // Each new stage label restarts the clock, so the probe step shows its own time.
  const stageProgress = (fallback: string, controller: AbortController) => (progress: Progress) => {
    const label = progress.label ?? fallback;
    const prev = get().starting;
    set({ starting: { label, progress, stageStartedAt: prev && prev.label === label ? prev.stageStartedAt : performance.now(), controller } });
  };

  return {
    form: initial.form,
    pendingNames: initial.names,
    runs: [],
    runsLoaded: false,
    selectedRunId: null,
    overlayIds: [],
    data: new Map(),
    dataVersion: 0,
    starting: null,
    backendPinned: initial.backendPinned,
    choice: null,
    notices: [],
    smoothing: 0.6,

    setForm: (patch) => set({ form: { ...get().form, ...patch } }),
    pickBackend: (b) => set({ form: { ...get().form, backend: b }, backendPinned: true }),
    followBackend(b) {
      if (!get().backendPinned && get().form.backend !== b) set({ form: { ...get().form, backend: b } });
    },
    // A step already running in the worker cannot be interrupted: the panel lets go at once and the
    // worker drops the run when the step returns.
    cancelStart() {
      const starting = get().starting;
      if (!starting) return;
      starting.controller.abort();
      set({ starting: null });
      addNotice(null, 'info', 'Cancelled: nothing was started.');
    },
    setHyper: (patch) => set({ form: { ...get().form, hyperparameters: { ...get().form.hyperparameters, ...patch } } }),

    chooseModel(model) {
      const d = defaultHyperparameters(model.config);
      const h = get().form.hyperparameters;
      // Size defaults replace what depends on the size; the seed and schedule shape are the user's.
      set({
        form: {
          ...get().form,
          modelId: model.id,
          maxLength: Math.min(get().form.maxLength, model.config.max_position_embeddings),
          hyperparameters: { ...h, learningRate: d.learningRate, batchSize: d.batchSize, epochs: d.epochs },
        },
      });
    },

    openLink(hash) {
      if (!hash.includes('?')) return;
      const { form, names } = formFromHash(hash);
      const cur = get().form;
      set({ form: { ...form, modelId: cur.modelId, trainDatasetId: cur.trainDatasetId, evalDatasetId: cur.evalDatasetId }, pendingNames: names });
    },

    resolveNames(models, datasets) {
      const form = { ...get().form };
      const names = get().pendingNames;
      if (names) {
        const byLabel = (label?: string) => (label ? [...models].reverse().find((m) => m.label === label) : undefined);
        const byName = (name?: string) => (name ? [...datasets].reverse().find((d) => d.name === name) : undefined);
        const model = byLabel(names.model);
        const train = byName(names.train);
        const evalSet = byName(names.eval);
        if (model) form.modelId = model.id;
        if (train) form.trainDatasetId = train.id;
        if (evalSet) form.evalDatasetId = evalSet.id;
        const missing = [names.model && !model ? `model “${names.model}”` : null, names.train && !train ? `dataset “${names.train}”` : null, names.eval && !evalSet ? `dataset “${names.eval}”` : null].filter(Boolean);
        if (models.length > 0 && datasets.length > 0) {
          if (missing.length) addNotice(null, 'warn', `The link names ${missing.join(' and ')}, which this browser does not have; pick another.`);
          set({ pendingNames: null });
        }
      }
      if (!form.modelId || !models.some((m) => m.id === form.modelId)) {
        const m = models[models.length - 1];
        form.modelId = m?.id ?? null;
        if (m && !names) {
          set({ form });
          get().chooseModel(m);
          return;
        }
      }
      if (!form.trainDatasetId || !datasets.some((d) => d.id === form.trainDatasetId)) form.trainDatasetId = datasets[0]?.id ?? null;
      if (form.evalDatasetId && !datasets.some((d) => d.id === form.evalDatasetId)) form.evalDatasetId = null;
      set({ form });
    },

    async refreshRuns() {
      const runs = await modelWorker().call('train-runs', null);
      const sel = get().selectedRunId;
      const selectedRunId = sel && runs.some((r) => r.id === sel) ? sel : (runs[runs.length - 1]?.id ?? null);
      set({ runs, runsLoaded: true, selectedRunId, overlayIds: get().overlayIds.filter((id) => runs.some((r) => r.id === id)) });
      if (selectedRunId) await get().loadRunData(selectedRunId);
    },

    start: () => get().startSetup(runSetup(get().form), true),

    async startSetup(setup, fromForm = false) {
      const controller = new AbortController();
      set({ starting: { label: 'Preparing the run', progress: null, stageStartedAt: performance.now(), controller }, choice: null });
      try {
        const result = await modelWorker().call('train-start', { setup }, { signal: controller.signal, onProgress: stageProgress('Preparing the run', controller) });
        if (result.kind === 'started') {
          void get().loadRunData(result.run.id);
          upsertRun(result.run);
          set({ selectedRunId: result.run.id, dataVersion: get().dataVersion + 1 });
        } else set({ choice: { result, resumeRunId: null, setup: fromForm ? null : setup } });
      } catch (err) {
        if (!(err instanceof WorkerError && err.cancelled)) addNotice(null, 'error', message(err));
      } finally {
        if (get().starting?.controller === controller) set({ starting: null });
        // A run may have switched the worker's backend; the Model panel shows the current one.
        void useModels.getState().loadBackend();
      }
    },

    async pause(runId) {
      try {
        upsertRun(await modelWorker().call('train-pause', { runId }));
      } catch (err) {
        addNotice(runId, 'error', message(err));
      }
    },

    async resume(runId, backend) {
      const controller = new AbortController();
      set({ starting: { label: 'Resuming from the checkpoint', progress: null, stageStartedAt: performance.now(), controller }, choice: null, selectedRunId: runId });
      try {
        await get().loadRunData(runId);
        const result = await modelWorker().call('train-resume', { runId, backend }, { signal: controller.signal, onProgress: stageProgress('Resuming', controller) });
        if (result.kind === 'started') upsertRun(result.run);
        else set({ choice: { result, resumeRunId: runId, setup: null } });
      } catch (err) {
        if (!(err instanceof WorkerError && err.cancelled)) addNotice(runId, 'error', message(err));
      } finally {
        if (get().starting?.controller === controller) set({ starting: null });
        void useModels.getState().loadBackend();
      }
    },

    async stop(runId) {
      try {
        upsertRun(await modelWorker().call('train-stop', { runId }));
      } catch (err) {
        addNotice(runId, 'error', message(err));
      }
    },

    async remove(runId) {
      try {
        await modelWorker().call('train-delete', { runId });
        get().data.delete(runId);
        set({ runs: get().runs.filter((r) => r.id !== runId), overlayIds: get().overlayIds.filter((id) => id !== runId), selectedRunId: get().selectedRunId === runId ? null : get().selectedRunId });
      } catch (err) {
        addNotice(runId, 'error', message(err));
      }
    },

    select(runId) {
      set({ selectedRunId: runId });
      if (runId) void get().loadRunData(runId);
    },

    toggleOverlay(runId) {
      const ids = get().overlayIds;
      if (ids.includes(runId)) set({ overlayIds: ids.filter((id) => id !== runId) });
      else {
        set({ overlayIds: [...ids, runId] });
        void get().loadRunData(runId);
      }
    },

    async loadRunData(runId) {
      if (get().data.has(runId)) return;
      // Registered first so live events that arrive while loading are not lost; the load then merges under them.
      const live: RunData = { series: new MetricSeries(), evals: [] };
      get().data.set(runId, live);
      try {
        const m = await modelWorker().call('train-metrics', { runId });
        const loaded = MetricSeries.fromColumns(m.columns, m.count);
        const view = live.series.view();
        for (let i = 0; i < live.series.count; i++) {
          if (view.step[i] > loaded.count) loaded.push({ step: view.step[i], epoch: view.epoch[i], loss: view.loss[i], lr: view.lr[i], grad_norm: view.grad_norm[i], samples_per_s: view.samples_per_s[i], step_ms: view.step_ms[i], skipped: view.skipped[i] === 1, mem_bytes: view.mem_bytes[i], mem_tensors: view.mem_tensors[i], time: view.time[i] });
        }
        const evals = [...m.evals];
        for (const e of live.evals) if (!evals.some((x) => x.step === e.step)) evals.push(e);
        get().data.set(runId, { series: loaded, evals });
        set({ dataVersion: get().dataVersion + 1 });
      } catch (err) {
        get().data.delete(runId);
        addNotice(runId, 'error', message(err));
      }
    },

    async exportMetrics(runIds, format) {
      try {
        const { fileName, text } = await modelWorker().call('train-export', { runIds, format });
        const link = document.createElement('a');
        link.href = URL.createObjectURL(new Blob([text], { type: format === 'csv' ? 'text/csv' : 'application/json' }));
        link.download = fileName;
        link.click();
        setTimeout(() => URL.revokeObjectURL(link.href), 5000);
      } catch (err) {
        addNotice(null, 'error', message(err));
      }
    },

    applySuggestion() {
      const c = get().choice;
      if (c?.result.kind !== 'batch-too-large') return;
      set({ choice: null });
      if (c.setup) void get().startSetup({ ...c.setup, hyperparameters: { ...c.setup.hyperparameters, ...c.result.suggestion } });
      else get().setHyper(c.result.suggestion);
    },

    dismissChoice: () => set({ choice: null }),
    dismissNotice: (id) => set({ notices: get().notices.filter((n) => n.id !== id) }),
    setSmoothing: (w) => set({ smoothing: Math.min(0.999, Math.max(0, w)), dataVersion: get().dataVersion + 1 }),

    checkpointNow() {
      if (get().runs.some((r) => r.status === 'running')) void modelWorker().call('train-checkpoint', null).catch(() => null);
    },

    watch() {
      if (watching) return;
      watching = true;
      if (!pageListeners) {
        pageListeners = true;
        // Leaving or reloading the page: ask the worker for a checkpoint while it may still run. A tab
        // put in the background gets one too: a worker there keeps running, so that one completes.
        addEventListener('pagehide', () => get().checkpointNow());
        document.addEventListener('visibilitychange', () => {
          if (document.visibilityState === 'hidden') get().checkpointNow();
        });
      }
      let after = 0;
      // A long poll: the worker answers as soon as it has events, so no timer runs on this thread.
      const next = async (): Promise<void> => {
        try {
          const r = await modelWorker().call('train-watch', { after, waitMs: 5000 });
          after = r.seq;
          if (r.reset) {
            set({ data: new Map() });
            await get().refreshRuns();
          } else applyEvents(r.events);
        } catch (err) {
          if (!(err instanceof WorkerError && err.cancelled)) addNotice(null, 'error', `Lost the training event stream: ${message(err)}`);
          watching = false;
          return;
        }
        void next();
      };
      void next();
    },
  };
});

// A fresh model worker after a crash: the event stream is renewed and the runs re-read from storage.
onWorkerRestart((name) => {
  if (name !== 'model' || !pageListeners) return;
  useTrain.setState({ data: new Map() });
  useTrain.getState().watch();
  void useTrain.getState().refreshRuns();
});
