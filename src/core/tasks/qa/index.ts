import { type FeatureBatch, featurizeSquad } from '../../features/index.js';
import { qaHeadParamSpecs } from '../../model/index.js';
import { type EvaluationResult, evaluate } from '../../squad/metric.js';
import { parseSquad } from '../../squad/parse.js';
import type { SquadFile, ValidationReport } from '../../squad/types.js';
import { TASK_METRICS } from '../views.js';
import type { TaskPipeline } from '../types.js';

/** Extractive question answering on SQuAD: the task the studio started with, behind the task interface. */
export const qaTask: TaskPipeline<SquadFile | undefined, ValidationReport, FeatureBatch, Record<string, string>, EvaluationResult> = {
  name: 'qa',
  title: 'Question answering (SQuAD)',
  architecture: 'BertForQuestionAnswering',
  autoClass: 'AutoModelForQuestionAnswering',
  labels: null,
  headSpecs: (config) => qaHeadParamSpecs(config),
  configJson: () => ({ architectures: ['BertForQuestionAnswering'] }),
  defaults: { maxLength: 384, stride: 128, batchSize: 12 },
  metric: TASK_METRICS.qa,
  dataFormats: ['SQuAD JSON (v1.1, v2.0)'],
  parse: (text) => {
    const { data, report } = parseSquad(text);
    return { examples: data ?? undefined, report };
  },
  featurize: (tokenizer, file, settings) => {
    if (!file) throw new Error('no SQuAD data to featurize');
    return featurizeSquad(tokenizer, file, { maxLength: settings.maxLength, stride: settings.stride ?? 128 }, 'train');
  },
  score: (file, predictions) => {
    if (!file) throw new Error('no SQuAD data to score against');
    return evaluate(file, predictions);
  },
};
