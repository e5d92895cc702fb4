// What the run machinery needs of a task. Everything else about a run (loop, checkpoints, metrics,
// pause/resume, backend fallback, events) is the same for every task.
import type { BertConfig, HostParams } from '../../core/model/index.js';
import type { TrainData, TrainOptions, TrainableModel } from '../../core/train/index.js';
import type { HandlerContext } from '../protocol.js';
import type { EvalPoint, PairRunDetails, RunInfo, RunSetup } from '../train-api.js';

export interface RunTokenizer {
  vocab: string;
  lowercase: boolean;
}

/** A run's data and model, ready for the Trainer. */
export interface PreparedRun {
  model: TrainableModel & { dispose(): void };
  data: TrainData;
  /** Trainer options the task sets beside the setup's hyperparameters (e.g. group_by_length). */
  trainOptions?: Partial<TrainOptions>;
  /** Scores the model on the eval set (the scores it could compute; warnings go out as notices); null without one. */
  evaluate: ((step: number, batchSize: number) => Promise<Omit<EvalPoint, 'step' | 'epoch'>>) | null;
  trainDatasetName: string;
  evalDatasetName: string | null;
  /** Sentence-pair runs: what tokenization truncated and what padding costs, shown with the run. */
  pair?: PairRunDetails;
}

export interface RunTask {
  /** The run's rows (stored features reused) and its model: from `params` (a checkpoint's) or the setup's model. */
  prepare(runId: string, setup: RunSetup, tok: RunTokenizer, config: BertConfig, params: HostParams | null, ctx: HandlerContext): Promise<PreparedRun>;
  /**
   * Stores trained parameters where the task's Evaluate and Playground find them; answers the name they
   * go by. `finished`: the run ended here (not a stop from a stored checkpoint). `evals`: every
   * evaluation so far, the last one included (it may not be stored yet).
   */
  saveTrained(info: RunInfo, tok: RunTokenizer, step: number, params: HostParams, finished: boolean, evals: readonly EvalPoint[]): Promise<{ id: string; label: string }>;
}
