export type { ProjectFiles, SplitSummary, TrainerExportTask } from './task.js';
export { codePointOffsets, qaExportTask, type QaEvalSplit, type QaExportSplit } from './qa.js';
export {
  EXPORT_FORMAT,
  REQUIREMENTS,
  buildTrainerProject,
  projectReadme,
  runConfig,
  trainOrder,
  trainerHyperparameters,
  zipProject,
  type TrainerExportSpec,
} from './project.js';
export { parseTrainerState, type TrainerEvalLog, type TrainerLog, type TrainerStepLog } from './trainer-state.js';
export { lossCurveSvg, modelCard, type CurvePoint, type EvalSummary, type ModelCardInfo } from './model-card.js';
