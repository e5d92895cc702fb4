// What the page shows of each task (its metric, what a training row is called), without the task's code (which loads tfjs).
import type { TaskName } from './types.js';

export interface TaskMetric {
  /** Its `evaluate` name. */
  name: 'squad' | 'glue/mrpc';
  /** The scores it reports, on its own scale; f1 is always one of them. */
  keys: readonly ('exact_match' | 'f1' | 'accuracy')[];
  scale: 'percent' | 'fraction';
  /** The scores' names in a chart title. */
  title: string;
}

export const TASK_METRICS: Readonly<Record<TaskName, TaskMetric>> = {
  qa: { name: 'squad', keys: ['exact_match', 'f1'], scale: 'percent', title: 'EM / F1' },
  mrpc: { name: 'glue/mrpc', keys: ['accuracy', 'f1'], scale: 'fraction', title: 'accuracy / F1' },
};

/** What one training row of a task is, in a count ("408 pairs"). */
export const TASK_ROW_NAMES: Readonly<Record<TaskName, string>> = { qa: 'windows', mrpc: 'pairs' };

/** A score on its task's scale as a percentage string. */
export function formatTaskScore(task: TaskName, score: number): string {
  return `${(TASK_METRICS[task].scale === 'fraction' ? 100 * score : score).toFixed(2)}%`;
}
