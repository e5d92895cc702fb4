// Sentence-pair (MRPC) classifiers as the page sees them: those kept by the model worker (finished runs,
// imported Trainer folders), the last evaluation and the Playground's answer. Training is a run (state/train.ts).
import { create } from 'zustand';
import type { Progress } from '../workers/protocol.js';
import { WorkerError } from '../workers/protocol.js';
import { modelWorker } from '../workers/clients.js';
import type { PairAnswer, PairEvaluation, PairRun } from '../workers/pair-api.js';

export type PairJob = { kind: 'evaluate' | 'answer'; progress: Progress | null; controller: AbortController };

interface PairRunState {
  runs: PairRun[];
  selectedRunId: string | null;
  job: PairJob | null;
  error: string | null;
  evaluation: PairEvaluation | null;
  answer: PairAnswer | null;
  refresh(): Promise<void>;
  select(id: string): void;
  evaluate(pairsId: string): Promise<void>;
  ask(sentence1: string, sentence2: string): Promise<void>;
  remove(id: string): Promise<void>;
  cancel(): void;
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const usePairRuns = create<PairRunState>((set, get) => {
  /** One job at a time from this page; progress lands on it, Cancel aborts it. */
  async function job<T>(kind: PairJob['kind'], work: (signal: AbortSignal, onProgress: (p: Progress) => void) => Promise<T>): Promise<T | null> {
    const controller = new AbortController();
    set({ job: { kind, progress: null, controller }, error: null });
    try {
      return await work(controller.signal, (progress) => {
        const j = get().job;
        if (j?.controller === controller) set({ job: { ...j, progress } });
      });
    } catch (err) {
      set({ error: err instanceof WorkerError && err.cancelled ? null : messageOf(err) });
      return null;
    } finally {
      if (get().job?.controller === controller) set({ job: null });
    }
  }

  return {
    runs: [],
    selectedRunId: null,
    job: null,
    error: null,
    evaluation: null,
    answer: null,

    async refresh() {
      const runs = await modelWorker().call('pair-runs', null);
      const sel = get().selectedRunId;
      set({ runs, selectedRunId: sel && runs.some((r) => r.id === sel) ? sel : (runs[runs.length - 1]?.id ?? null) });
    },

    select(id) {
      set({ selectedRunId: id, evaluation: null, answer: null });
    },

    async evaluate(pairsId) {
      const runId = get().selectedRunId;
      if (!runId) return;
      const evaluation = await job('evaluate', (signal, onProgress) => modelWorker().call('pair-evaluate', { runId, pairsId }, { signal, onProgress }));
      if (evaluation) set({ evaluation });
    },

    async ask(sentence1, sentence2) {
      const runId = get().selectedRunId;
      if (!runId) return;
      const answer = await job('answer', (signal) => modelWorker().call('pair-answer', { runId, sentence1, sentence2 }, { signal }));
      if (answer) set({ answer });
    },

    async remove(id) {
      await job('answer', () => modelWorker().call('pair-delete', { runId: id }));
      if (get().selectedRunId === id) set({ selectedRunId: null, evaluation: null, answer: null });
      await get().refresh();
    },

    cancel() {
      get().job?.controller.abort();
    },
  };
});
