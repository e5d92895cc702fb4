// The Feature Inspector's sentence-pair view: which pair dataset and pair, the max_length and the
// Trainer's batching to show it under. The vocabulary is the inspector's (useInspector).
import { create } from 'zustand';
import type { InspectedPair, PairBatching, PairInspectJob, PairMatch } from '../workers/features-api.js';
import type { PairRun } from '../workers/pair-api.js';
import { featuresWorker } from '../workers/clients.js';
import { DEFAULT_PAIR_MAX_LENGTH } from '../core/tasks/mrpc/featurize.js';
import { modelVocabOption, useInspector, withVocab } from './inspector.js';
import { useModels } from './models.js';
import { useStudio } from './studio.js';

export type InspectorTask = 'qa' | 'mrpc';

interface PairInspectorState {
  /** Which of the inspector's two views is shown. */
  task: InspectorTask;
  pairsId: string | null;
  maxLength: number;
  batching: PairBatching;
  pair: InspectedPair | null;
  /** The row to show (kept across setting changes, which reopen it). */
  rowId: string | null;
  error: string | null;
  /** Something to know about what is shown (e.g. a run's vocabulary was not available). */
  note: string | null;
  loading: boolean;
  query: string;
  matches: { list: PairMatch[]; total: number } | null;
  /** Where the settings came from when a run's pair was opened (its label). */
  fromRun: string | null;
  setTask(task: InspectorTask): void;
  setPairs(id: string): void;
  setSettings(s: Partial<{ maxLength: number; batching: Partial<PairBatching> }>): void;
  job(): PairInspectJob | null;
  open(target: { rowId?: string; position?: number }): Promise<void>;
  search(query: string): Promise<void>;
  /** Opens a pair of a run's evaluation here, under the run's own vocabulary, max_length and batching. */
  openFromRun(run: PairRun, pairsId: string, rowId: string): Promise<void>;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Opens and searches can overlap (typing, stepping): only the latest one's answer is shown. */
let openSeq = 0;
let searchSeq = 0;

export const usePairInspector = create<PairInspectorState>((set, get) => ({
  task: 'qa',
  pairsId: null,
  maxLength: DEFAULT_PAIR_MAX_LENGTH,
  // The Train panel's pair defaults (batch 8, seed 42, shuffled every epoch).
  batching: { batchSize: 8, seed: 42, shuffle: true, groupByLength: false, epoch: 0 },
  pair: null,
  rowId: null,
  error: null,
  note: null,
  loading: false,
  query: '',
  matches: null,
  fromRun: null,

  setTask: (task) => set({ task }),

  setPairs(pairsId) {
    set({ pairsId, pair: null, rowId: null, error: null, matches: null, query: '', fromRun: null, note: null });
  },

  setSettings(s) {
    set({
      ...(s.maxLength !== undefined ? { maxLength: s.maxLength } : {}),
      ...(s.batching ? { batching: { ...get().batching, ...s.batching } } : {}),
      fromRun: null,
      note: null,
    });
  },

  job() {
    const { pairsId, maxLength, batching } = get();
    const ins = useInspector.getState();
    const v = ins.vocabs.find((x) => x.id === ins.vocabId);
    return pairsId && v ? { pairsId, vocab: v.source, lowercase: ins.lowercase, maxLength, batching } : null;
  },

  async open(target) {
    const job = get().job();
    if (!job) return set({ error: get().pairsId ? 'Choose a vocabulary first.' : 'Import a sentence-pair dataset (MRPC) in the Data panel first.' });
    const seq = ++openSeq;
    set({ loading: true });
    try {
      const pair = await featuresWorker().call('pair-inspect', { job, ...target });
      if (seq === openSeq) set({ pair, rowId: pair.id, error: null, loading: false });
    } catch (err) {
      if (seq === openSeq) set({ pair: null, error: message(err), loading: false });
    }
  },

  async search(query) {
    set({ query });
    const pairsId = get().pairsId;
    if (!pairsId || !query.trim()) return set({ matches: null });
    const seq = ++searchSeq;
    try {
      const r = await featuresWorker().call('pair-search', { pairsId, query, limit: 50 });
      if (seq === searchSeq) set({ matches: { list: r.matches, total: r.total }, error: null });
    } catch (err) {
      if (seq === searchSeq) set({ error: message(err) });
    }
  },

  async openFromRun(run, pairsId, rowId) {
    await useModels.getState().refresh();
    const model = useModels.getState().models.find((m) => m.id === run.setup.modelId);
    const ins = useInspector.getState();
    await ins.loadVocabs();
    if (model?.vocab) {
      const v = modelVocabOption(model, model.vocab);
      useInspector.setState({ vocabs: withVocab(useInspector.getState().vocabs, v) });
      useInspector.getState().setSettings({ vocabId: v.id, lowercase: v.lowercase });
    }
    const { maxLength, batchSize, seed, groupByLength } = run.setup;
    set({
      task: 'mrpc',
      pairsId,
      maxLength,
      batching: { batchSize, seed, shuffle: true, groupByLength, epoch: 0 },
      pair: null,
      rowId,
      error: null,
      note: model?.vocab ? null : `The model of “${run.label}” is gone or has no vocabulary: the pair is shown with the inspector's vocabulary instead.`,
      matches: null,
      query: '',
      fromRun: run.label,
    });
    useStudio.getState().setPanel('features');
    await get().open({ rowId });
  },
}));
