/** Files of a project or a model folder: relative path -> bytes. */
export type ProjectFiles = Map<string, Uint8Array>;

/** Counts of one split, as the README and run_config.json describe it. */
export interface SplitSummary {
  /** Where it came from (file or dataset name). */
  source: string;
  examples: number;
  /** Rows the model sees (windows for QA, pairs for classification). */
  rows: number;
}

/**
 * What a task contributes to an exported Trainer project: its Python module (model class,
 * columns, metric), its already-tokenized data files, and the words that describe them. The
 * project around it (train.py, launch.sh, requirements, README) is the same for every task.
 */
export interface TrainerExportTask {
  /** Stable id written to run_config.json, e.g. "extractive-qa". */
  id: string;
  /** A human name, e.g. "Extractive question answering (SQuAD v1.1)". */
  title: string;
  /** The transformers Auto class train.py loads the model with. */
  autoModelClass: string;
  /** task.py: COLUMNS, DROPOUT_FIELDS, load_model, save_tokenizer, metrics, save_outputs. */
  pythonModule: string;
  /** Files under data/, by path relative to the project. */
  dataFiles: ProjectFiles;
  trainFile: string;
  evalFile: string | null;
  /** Extra data entries for run_config.json (e.g. the eval examples file). */
  dataConfig: Record<string, unknown>;
  train: SplitSummary;
  eval: SplitSummary | null;
  /** Tokens of each training row, when rows differ in length: the length-grouped order needs them. */
  trainLengths?: ArrayLike<number>;
  /** Metric names as Trainer logs them, without the eval_ prefix. */
  metrics: string[];
  /** Tokenization settings, for the README and run_config.json. */
  tokenization: Record<string, unknown>;
  /** README paragraph: what the data files hold. */
  dataReadme: string;
}
