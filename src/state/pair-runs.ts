// Sentence-pair (MRPC) classifiers as the page sees them: those kept by the model worker (finished runs,
// imported Trainer folders) and the last evaluation. Training is a run (state/train.ts); the Playground
// asks through state/pair-playground.ts.
import { create } from 'zustand';
import type { Progress } from '../workers/protocol.js';
import { WorkerError } from '../workers/protocol.js';
import { modelWorker } from '../workers/clients.js';
import type { PairEvaluation, PairRun } from '../workers/pair-api.js';

export type PairJob = { kind: 'evaluate' | 'delete'; progress: Progress | null; controller: AbortController };

interface PairRunState {
  runs: PairRun[];
  selectedRunId: string | null;
  job: PairJob | null;
  error: string | null;
  evaluation: PairEvaluation | null;
  refresh(): Promise<void>;
  select(id: string): void;
  evaluate(pairsId: string): Promise<void>;
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

    async refresh() {
      const runs = await modelWorker().call('pair-runs', null);
      const sel = get().selectedRunId;
      set({ runs, selectedRunId: sel && runs.some((r) => r.id === sel) ? sel : (runs[runs.length - 1]?.id ?? null) });
    },

    select(id) {
      set({ selectedRunId: id, evaluation: null });
    },

    async evaluate(pairsId) {
      const runId = get().selectedRunId;
      if (!runId) return;
      const evaluation = await job('evaluate', (signal, onProgress) => modelWorker().call('pair-evaluate', { runId, pairsId }, { signal, onProgress }));
      if (evaluation) set({ evaluation });
    },

    async remove(id) {
      await job('delete', () => modelWorker().call('pair-delete', { runId: id }));
      if (get().selectedRunId === id) set({ selectedRunId: null, evaluation: null });
      await get().refresh();
    },

    cancel() {
      get().job?.controller.abort();
    },
  };
});
