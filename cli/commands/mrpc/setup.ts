// The part of `train --task mrpc` that `export-trainer --task mrpc` shares: model folder, tokenizer,
// pairs and hyperparameter overrides, so an exported run is set up exactly as a CLI run.
import { type ParsedArgs, intOption, required } from '../../args.js';
import { type PairExample, type PairFeatures, featurizePairs } from '../../../src/core/tasks/mrpc/index.js';
import type { TrainOptions } from '../../../src/core/train/index.js';
import { TRAIN_FLAGS, type TokenizerChoice, chooseTokenizer, hyperparameterOverrides, stepsOption } from '../train-setup.js';
import { type LoadedClassifier, loadClassifierFolder, maxLengthOption, readPairs } from './common.js';

export const MRPC_TRAIN_FLAGS = [...TRAIN_FLAGS, 'group-by-length'];

export interface MrpcTrainSetup {
  modelDir: string;
  folder: LoadedClassifier;
  tok: TokenizerChoice;
  maxLength: number;
  trainPath: string;
  trainFeatures: PairFeatures;
  evalPath: string | undefined;
  evalExamples: PairExample[] | null;
  evalFeatures: PairFeatures | null;
  overrides: Partial<TrainOptions>;
  evalEvery: number;
}

/** Loads the classifier folder (a new head seeded by --seed), the tokenizer and the labelled pairs. */
export async function prepareMrpcTraining(p: ParsedArgs): Promise<MrpcTrainSetup> {
  const modelDir = required(p, 'model');
  const trainPath = required(p, 'train');
  const { maxSteps, epochs } = stepsOption(p);
  const overrides = hyperparameterOverrides(p, maxSteps, epochs);
  if (p.flags.has('group-by-length')) overrides.groupByLength = true;
  const evalEvery = intOption(p, 'eval-every', 0);

  const folder = await loadClassifierFolder(modelDir, { seed: overrides.seed ?? 42 });
  const config = folder.loaded.config;
  const tok = await chooseTokenizer(p, modelDir);
  if (tok.tokenizer.vocabSize > config.vocab_size) {
    throw new Error(`the tokenizer has ${tok.tokenizer.vocabSize} tokens but the model's vocab_size is ${config.vocab_size}; use the model's own vocabulary`);
  }
  const maxLength = maxLengthOption(p, config);
  const trainFeatures = featurizePairs(tok.tokenizer, await readPairs(p, trainPath, 'training data', { needLabels: true }), maxLength);
  const evalPath = p.values.get('eval');
  const evalExamples = evalPath ? await readPairs(p, evalPath, 'evaluation data', { needLabels: true }) : null;
  const evalFeatures = evalExamples ? featurizePairs(tok.tokenizer, evalExamples, maxLength) : null;
  return { modelDir, folder, tok, maxLength, trainPath, trainFeatures, evalPath, evalExamples, evalFeatures, overrides, evalEvery };
}
