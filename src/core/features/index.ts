export {
  FeatureBuilder,
  featurizeParagraphs,
  featurizeSquad,
  squadParagraphs,
  stripQuestion,
  validateSettings,
} from './featurize';
export { labelSpan, labelWindow } from './labels';
export { contextRange, getWindow, labelBatchWindow } from './window';
export { auditFeatures, auditToCsv } from './audit';
export type { AnswerPlacement, FeatureAudit, MismatchReason, WindowAuditRow } from './audit';
export type {
  FeatureBatch,
  FeatureExample,
  FeatureMode,
  FeatureSettings,
  FeatureWindow,
  LabelRule,
  ParagraphInput,
  QuestionInput,
  SpanLabel,
} from './types';
export * from './postprocess';
export { FEATURIZER_VERSION, featureSetKey, type FeatureWindowSettings } from './set-key';
export { consecutiveRows, lengthGroupedOrder, padBatch, paddingCost } from './batcher';
export type { FixedRows, PadOptions, PaddedBatch, RaggedRows } from './batcher';
