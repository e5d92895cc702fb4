import type { ModelFileInput, ModelInfo } from './model-api.js';
import type { RunInfo, RunSetup } from './train-api.js';
import type { PairRun } from './pair-api.js';

/** Graduating a run to Hugging Face Trainer and bringing its results back. */
export type ExportApi = {
  /** The run a setup describes as a zipped Python project for transformers.Trainer. */
  'trainer-export': {
    payload: { setup: RunSetup; label: string };
    result: { zip: Uint8Array; fileName: string; files: string[]; trainWindows: number; evalWindows: number };
  };
  /**
   * A Trainer output folder (model files + trainer_state.json): a question-answering one as a model and a
   * run in the history; a sequence-classification (MRPC) one as a sentence-pair run.
   */
  'trainer-import': {
    payload: { files: ModelFileInput[]; label: string };
    result: { task: 'qa'; model: ModelInfo; run: RunInfo } | { task: 'mrpc'; pairRun: PairRun };
  };
  /** A stored model as the files of a Hugging Face folder (config, weights, tokenizer), e.g. to push to the Hub. */
  'model-folder': { payload: { id: string }; result: { files: [string, Uint8Array][] } };
};
