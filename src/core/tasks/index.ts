// A task = data format + validation, featurize, head, loss, post-processing and metric. Each task's
// folder holds its stages; this module is the one place that lists them.
import { mrpcTask } from './mrpc/index.js';
import { qaTask } from './qa/index.js';
import { TASK_NAMES, type TaskInfo, type TaskName } from './types.js';

export { TASK_NAMES, type TaskInfo, type TaskName, type TaskPipeline } from './types.js';
export { TASK_METRICS, TASK_ROW_NAMES, formatTaskScore, type TaskMetric } from './views.js';
export { qaTask } from './qa/index.js';
export { mrpcTask } from './mrpc/index.js';
export * as mrpc from './mrpc/index.js';

export const TASKS: Readonly<Record<TaskName, TaskInfo>> = { qa: qaTask, mrpc: mrpcTask };

export function parseTaskName(value: string | undefined): TaskName {
  if (value === undefined) return 'qa';
  if ((TASK_NAMES as readonly string[]).includes(value)) return value as TaskName;
  throw new Error(`unknown task "${value}": expected one of ${TASK_NAMES.join(', ')}`);
}

/**
 * The task a model folder was trained for, from config.json `architectures` (none: question
 * answering, the studio's first task and what a bare pretrained encoder gets by default).
 */
export function taskOfConfigJson(json: Record<string, unknown>): TaskName | null {
  const arch = Array.isArray(json.architectures) ? json.architectures : [];
  for (const t of TASK_NAMES) if (arch.includes(TASKS[t].architecture)) return t;
  return null;
}
