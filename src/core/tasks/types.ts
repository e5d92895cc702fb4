import type { BertConfig, ParamSpec } from '../model/index.js';
import type { TaskMetric } from './views.js';

export type TaskName = 'qa' | 'mrpc';

export const TASK_NAMES: readonly TaskName[] = ['qa', 'mrpc'];

/**
 * What every task declares about itself, the same for QA and sentence-pair classification: its
 * head (Hugging Face class, parameters, config.json fields), tokenization defaults and metric.
 * The per-task data functions (parse, featurize, train rows, inference, post-processing, scoring)
 * live beside it in the task's folder and are reached through `TaskPipeline`.
 */
export interface TaskInfo {
  name: TaskName;
  title: string;
  /** Hugging Face class written to config.json `architectures`, and the Auto class that loads it. */
  architecture: 'BertForQuestionAnswering' | 'BertForSequenceClassification';
  autoClass: 'AutoModelForQuestionAnswering' | 'AutoModelForSequenceClassification';
  /** Class names in id order (classification tasks); null for span tasks. */
  labels: readonly string[] | null;
  /** Parameters after the encoder: qa_outputs, or pooler + classifier. */
  headSpecs(config: BertConfig, labels?: readonly string[]): ParamSpec[];
  /** config.json fields beside the BERT ones (architectures; id2label, label2id, num_labels). */
  configJson(labels?: readonly string[]): Record<string, unknown>;
  /** Tokenization defaults, as the Hugging Face scripts use them. */
  defaults: { maxLength: number; stride?: number; batchSize?: number };
  /** The metric: its `evaluate` name and the keys it reports (on its own scale). */
  metric: TaskMetric;
  /** File kinds the task imports. */
  dataFormats: readonly string[];
}

/** A task's stages, typed by its own data: examples, features and predictions. */
export interface TaskPipeline<Examples, ParseReport, Features, Predictions, Scores> extends TaskInfo {
  parse(text: string): { examples: Examples; report: ParseReport };
  featurize(tokenizer: import('../tokenizer/index.js').BertTokenizer, examples: Examples, settings: { maxLength: number; stride?: number }): Features;
  score(examples: Examples, predictions: Predictions): Scores;
}
