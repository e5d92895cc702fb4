import { type BertForSequenceClassification, classificationConfigJson, classificationHeadParamSpecs } from '../../model/index.js';
import { TASK_METRICS } from '../views.js';
import type { TaskPipeline } from '../types.js';
import { DEFAULT_PAIR_MAX_LENGTH, type PairFeatures, featurizePairs } from './featurize.js';
import { meanCrossEntropy, pairLogits, predictedLabels } from './infer.js';
import { type PairScores, scorePairs } from './metric.js';
import { parsePairs } from './parse.js';
import { MRPC_LABELS, type PairExample, type PairParseReport } from './types.js';

export * from './featurize.js';
export * from './infer.js';
export * from './metric.js';
export * from './parse.js';
export * from './train-data.js';
export * from './types.js';

/** The gold labels of labelled examples, by id. */
export function goldLabels(examples: readonly PairExample[]): Map<string, 0 | 1> {
  const gold = new Map<string, 0 | 1>();
  for (const e of examples) if (e.label !== null) gold.set(e.id, e.label);
  return gold;
}

/** GLUE MRPC: is sentence 2 a paraphrase of sentence 1? BertForSequenceClassification with two labels. */
export const mrpcTask: TaskPipeline<PairExample[], PairParseReport, PairFeatures, ReadonlyMap<string, number>, PairScores> = {
  name: 'mrpc',
  title: 'Sentence-pair classification (GLUE MRPC)',
  architecture: 'BertForSequenceClassification',
  autoClass: 'AutoModelForSequenceClassification',
  labels: MRPC_LABELS,
  headSpecs: (config, labels = MRPC_LABELS) => classificationHeadParamSpecs(config, labels.length),
  configJson: (labels = MRPC_LABELS) => classificationConfigJson(labels),
  defaults: { maxLength: DEFAULT_PAIR_MAX_LENGTH, batchSize: 8 },
  metric: TASK_METRICS.mrpc,
  dataFormats: ['GLUE MRPC tsv (train/dev/test)', 'msr_paraphrase_*.txt', 'CSV/JSONL with sentence1, sentence2, label'],
  parse: parsePairs,
  featurize: (tokenizer, examples, settings) => featurizePairs(tokenizer, examples, settings.maxLength),
  score: (examples, predictions) => scorePairs(goldLabels(examples), predictions),
};
export * from './saliency.js';
export * from './padding.js';

/**
 * A classifier's scores on labelled pairs, as a run's evaluation reports them (studio and CLI alike):
 * one pass for the logits, from which come the predicted labels (accuracy, F1) and the eval loss.
 */
export async function scorePairModel(
  model: Pick<BertForSequenceClassification, 'forward' | 'numLabels'>,
  examples: readonly PairExample[],
  features: PairFeatures,
  padId: number,
): Promise<{ eval_loss: number | null; accuracy: number; f1: number }> {
  const logits = await pairLogits(model, features, padId, 32);
  const labels = predictedLabels(logits);
  const s = scorePairs(goldLabels(examples), new Map(features.ids.map((id, r) => [id, labels[r]])));
  return { eval_loss: meanCrossEntropy(logits, features.labels), accuracy: s.accuracy, f1: s.f1 };
}
