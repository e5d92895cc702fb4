import { create } from 'zustand';
import type { Progress } from '../workers/protocol.js';
import { WorkerError } from '../workers/protocol.js';
import type { EvalRow, EvalRun, EvalRunInfo, EvalSettings } from '../workers/eval-api.js';
import { modelWorker } from '../workers/clients.js';
import { modelVocabOption, useInspector } from './inspector.js';
import { useModels } from './models.js';
import { useStudio } from './studio.js';

export type Outcome = 'all' | 'wrong' | 'right';

export interface RowFilter {
  /** wrong: EM 0; right: EM 1. */
  outcome: Outcome;
  /** F1 range in percent, both ends included. */
  f1Min: number;
  f1Max: number;
  /** A question type from the run's byQuestionType, or null for all. */
  type: string | null;
  text: string;
}

export const ALL_ROWS: RowFilter = { outcome: 'all', f1Min: 0, f1Max: 100, type: null, text: '' };

export const EVAL_DEFAULTS: EvalSettings = { maxLength: 384, stride: 128, batchSize: 16, nBest: 20, maxAnswerLength: 30 };

interface EvaluateState {
  modelId: string | null;
  datasetId: string | null;
  settings: EvalSettings;
  job: { label: string; progress: Progress | null; controller: AbortController } | null;
  error: string | null;
  runs: EvalRunInfo[];
  /** The run whose table is shown. */
  run: EvalRun | null;
  filter: RowFilter;
  /** Set while the logits of a clicked row are computed. */
  inspecting: string | null;
  choose(s: Partial<Pick<EvaluateState, 'modelId' | 'datasetId'>>): void;
  setSettings(s: Partial<EvalSettings>): void;
  setFilter(f: Partial<RowFilter>): void;
  refreshRuns(): Promise<void>;
  evaluate(): Promise<void>;
  cancel(): void;
  openRun(id: string): Promise<void>;
  deleteRun(id: string): Promise<void>;
  /** Opens a question of the shown run in the Feature Inspector with the model's logits over its windows. */
  inspect(row: EvalRow): Promise<void>;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function filterRows(rows: EvalRow[], f: RowFilter): EvalRow[] {
  const text = f.text.trim().toLowerCase();
  return rows.filter(
    (r) =>
      (f.outcome === 'all' || (f.outcome === 'wrong' ? r.exact === 0 : r.exact === 1)) &&
      100 * r.f1 >= f.f1Min - 1e-9 &&
      100 * r.f1 <= f.f1Max + 1e-9 &&
      (f.type === null || r.type === f.type) &&
      (!text || r.question.toLowerCase().includes(text) || r.id.toLowerCase().includes(text) || r.prediction.toLowerCase().includes(text)),
  );
}

export const useEvaluate = create<EvaluateState>((set, get) => ({
  modelId: null,
  datasetId: null,
  settings: EVAL_DEFAULTS,
  job: null,
  error: null,
  runs: [],
  run: null,
  filter: ALL_ROWS,
  inspecting: null,

  choose: (s) => set(s),
  setSettings: (s) => set({ settings: { ...get().settings, ...s } }),
  setFilter: (f) => set({ filter: { ...get().filter, ...f } }),

  async refreshRuns() {
    try {
      set({ runs: await modelWorker().call('eval-runs', null) });
    } catch (err) {
      set({ error: message(err) });
    }
  },

  async evaluate() {
    const { modelId, datasetId, settings } = get();
    if (!modelId || !datasetId) return set({ error: 'Choose a model and a dataset.' });
    const controller = new AbortController();
    const label = `${useModels.getState().models.find((m) => m.id === modelId)?.label ?? 'model'} on ${useStudio.getState().datasets.find((d) => d.id === datasetId)?.name ?? 'dataset'}`;
    set({ job: { label, progress: null, controller }, error: null });
    try {
      const info = await modelWorker().call(
        'evaluate',
        { modelId, datasetId, settings },
        { signal: controller.signal, onProgress: (progress) => set({ job: { label, progress, controller } }) },
      );
      set({ job: null });
      await get().refreshRuns();
      await get().openRun(info.id);
    } catch (err) {
      set({ job: null, error: err instanceof WorkerError && err.cancelled ? 'Evaluation cancelled; nothing was stored.' : message(err) });
    }
  },

  cancel: () => get().job?.controller.abort(),

  async openRun(id) {
    try {
      set({ run: await modelWorker().call('eval-run', { id }), filter: ALL_ROWS, error: null });
    } catch (err) {
      set({ error: message(err) });
    }
  },

  async deleteRun(id) {
    await modelWorker().call('delete-eval-run', { id });
    if (get().run?.id === id) set({ run: null });
    await get().refreshRuns();
  },

  async inspect(row) {
    const run = get().run;
    if (!run) return;
    await useModels.getState().refresh();
    const model = useModels.getState().models.find((m) => m.id === run.modelId);
    if (!model) return set({ error: `The model of this run (“${run.modelLabel}”) was deleted, so its logits cannot be drawn.` });
    if (!model.vocab) return set({ error: `The model “${model.label}” has no vocabulary.` });
    set({ inspecting: row.id, error: null });
    try {
      const logits = await modelWorker().call('example-logits', { runId: run.id, exampleId: row.id });
      const p = logits.predicted;
      const vocab = modelVocabOption(model, model.vocab);
      useStudio.getState().selectDataset(run.datasetId);
      useStudio.getState().setPanel('features');
      await useInspector.getState().openWithLogits(
        run.datasetId,
        { vocab, maxLength: run.settings.maxLength, stride: run.settings.stride },
        { exampleId: row.id, source: model.label, windows: logits.windows, predicted: p ? { start: p.start, end: p.end, text: p.text } : null },
      );
    } catch (err) {
      set({ error: message(err) });
    } finally {
      set({ inspecting: null });
    }
  },
}));
