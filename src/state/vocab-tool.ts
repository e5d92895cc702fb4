import { create } from 'zustand';
import type { VocabCoverage } from '../core/tokenizer/index.js';
import type { Progress } from '../workers/protocol.js';
import { WorkerError } from '../workers/protocol.js';
import type { TrainedVocabInfo, VocabTrainSettings } from '../workers/features-api.js';
import { featuresWorker } from '../workers/clients.js';
import { trainedVocabOption, useInspector, type VocabOption } from './inspector.js';

type Job = { progress: Progress | null; controller: AbortController; what: string };

interface VocabToolState {
  settings: VocabTrainSettings;
  name: string;
  trained: TrainedVocabInfo[];
  job: Job | null;
  error: string | null;
  /** Coverage of one dataset by the vocabularies measured, in the order measured. */
  coverage: { datasetId: string; rows: { vocab: VocabOption; coverage: VocabCoverage }[] } | null;
  setSettings(s: Partial<VocabTrainSettings>): void;
  setName(name: string): void;
  refresh(): Promise<void>;
  train(datasetId: string): Promise<void>;
  remove(id: string): Promise<void>;
  measure(datasetId: string, vocabs: VocabOption[]): Promise<void>;
  cancel(): void;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const useVocabTool = create<VocabToolState>((set, get) => ({
  settings: { vocabSize: 8000, minFrequency: 2, limitAlphabet: 1000, lowercase: true },
  name: '',
  trained: [],
  job: null,
  error: null,
  coverage: null,

  setSettings: (s) => set({ settings: { ...get().settings, ...s }, error: null }),
  setName: (name) => set({ name }),

  async refresh() {
    try {
      set({ trained: await featuresWorker().call('vocabularies', null) });
    } catch (err) {
      set({ error: `Could not list the trained vocabularies: ${message(err)}` });
    }
  },

  async train(datasetId) {
    const controller = new AbortController();
    set({ job: { progress: null, controller, what: 'Training a vocabulary' }, error: null });
    try {
      const v = await featuresWorker().call('train-vocab', { datasetId, name: get().name, settings: get().settings }, {
        signal: controller.signal,
        onProgress: (progress) => set({ job: { progress, controller, what: 'Training a vocabulary' } }),
      });
      set({ job: null, name: '' });
      await get().refresh();
      await useInspector.getState().loadVocabs();
      // The new vocabulary becomes the inspector's choice, ready to tokenize with.
      useInspector.getState().setSettings({ vocabId: trainedVocabOption(v).id });
    } catch (err) {
      set({ job: null, error: err instanceof WorkerError && err.cancelled ? 'Training cancelled; nothing was stored.' : message(err) });
    }
  },

  async remove(id) {
    try {
      await featuresWorker().call('delete-vocabulary', { id });
    } catch (err) {
      set({ error: `Could not delete the vocabulary: ${message(err)}` });
    }
    await get().refresh();
    await useInspector.getState().loadVocabs();
  },

  async measure(datasetId, vocabs) {
    const controller = new AbortController();
    set({ job: { progress: null, controller, what: 'Measuring coverage' }, error: null, coverage: null });
    try {
      const result = await featuresWorker().call(
        'vocab-coverage',
        { datasetId, vocabs: vocabs.map((v) => ({ source: v.source, lowercase: v.lowercase })) },
        { signal: controller.signal, onProgress: (progress) => set({ job: { progress, controller, what: 'Measuring coverage' } }) },
      );
      set({ job: null, coverage: { datasetId, rows: vocabs.map((vocab, i) => ({ vocab, coverage: result[i] })) } });
    } catch (err) {
      set({ job: null, error: err instanceof WorkerError && err.cancelled ? 'Coverage cancelled.' : message(err) });
    }
  },

  cancel() {
    get().job?.controller.abort();
  },
}));
