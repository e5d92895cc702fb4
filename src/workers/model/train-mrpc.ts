// Sentence-pair (GLUE MRPC) runs: pairs tokenized with dynamic padding, accuracy/F1 and eval loss, the
// trained classifier stored where the pair Evaluate and Playground find it.
import { BertForSequenceClassification, type HostParams } from '../../core/model/index.js';
import { MRPC_LABELS, featurizePairs, pairTrainData, paddingReport, scorePairModel } from '../../core/tasks/mrpc/index.js';
import { tokenizerFromVocab } from '../../core/tokenizer/index.js';
import { pairSetupOfRun, type PairRun } from '../pair-api.js';
import { StudioError } from '../protocol.js';
import type { RunSetup } from '../train-api.js';
import { pairDataset, savePairModel } from './pair.js';
import { readParams } from './registry.js';
import { message } from './train-backend.js';
import type { PreparedRun, RunTask } from './train-task.js';

function checkSetup(s: RunSetup, maxPositions: number): void {
  const problems: string[] = [];
  if (!Number.isInteger(s.maxLength) || s.maxLength < 8) problems.push(`max length must be an integer >= 8, got ${s.maxLength}`);
  else if (s.maxLength > maxPositions) problems.push(`max length ${s.maxLength} exceeds the model's ${maxPositions} positions`);
  for (const [name, v] of [['eval every', s.evalEvery], ['checkpoint every', s.checkpointEvery]] as const) {
    if (!Number.isInteger(v) || v < 0) problems.push(`${name} must be an integer >= 0, got ${v}`);
  }
  if (problems.length) throw new StudioError('invalid-input', `Cannot start the run: ${problems.join('; ')}.`);
}

/** The setup's starting weights: a random BertForSequenceClassification, or the stored encoder (and pooler) with a fresh classifier. */
export async function pairStartParams(modelId: string, init: 'random' | 'weights', seed: number, config: BertForSequenceClassification['config']): Promise<HostParams> {
  const fresh = BertForSequenceClassification.init(config, seed, MRPC_LABELS);
  const host: HostParams = await fresh.toHostParams();
  fresh.dispose();
  if (init === 'weights') for (const [name, t] of await readParams(modelId)) if (host.has(name)) host.set(name, t);
  return host;
}

export const mrpcRunTask: RunTask = {
  async prepare(_runId, setup, { vocab, lowercase }, config, params, ctx): Promise<PreparedRun> {
    checkSetup(setup, config.max_position_embeddings);
    const tokenizer = tokenizerFromVocab(vocab, { lowercase });
    const trainSet = await pairDataset(setup.trainDatasetId);
    const evalSet = setup.evalDatasetId ? await pairDataset(setup.evalDatasetId) : null;
    ctx.progress(0, 1, 'tokenizing pairs');
    const features = featurizePairs(tokenizer, trainSet.examples, setup.maxLength);
    const evalFeatures = evalSet ? featurizePairs(tokenizer, evalSet.examples, setup.maxLength) : null;
    let data;
    try {
      data = pairTrainData(features, tokenizer.padId);
    } catch (err) {
      throw new StudioError('invalid-input', message(err));
    }
    const h = setup.hyperparameters;
    const model = new BertForSequenceClassification(config, params ?? (await pairStartParams(setup.modelId, setup.pair?.init ?? 'random', h.seed, config)), MRPC_LABELS);
    return {
      model,
      data,
      trainOptions: { groupByLength: setup.pair?.groupByLength ?? false },
      evaluate:
        evalSet && evalFeatures
          ? async () => ({ exact_match: null, ...(await scorePairModel(model, evalSet.examples, evalFeatures, tokenizer.padId)) })
          : null,
      trainDatasetName: trainSet.info.name,
      evalDatasetName: evalSet?.info.name ?? null,
      pair: { truncated: features.truncated, padding: paddingReport(features.lengths, setup.maxLength, h.batchSize, h.seed) },
    };
  },

  async saveTrained(info, tok, step, params, _finished, evals) {
    const run: PairRun = {
      id: info.id,
      label: info.label,
      setup: pairSetupOfRun(info.setup),
      modelLabel: info.modelLabel,
      config: info.config,
      trainName: info.trainDatasetName,
      evalName: info.evalDatasetName,
      status: step >= info.totalSteps ? 'completed' : 'stopped',
      reason: null,
      step,
      totalSteps: info.totalSteps,
      pairs: info.featureCount,
      truncated: info.pair?.truncated ?? 0,
      padding: info.pair?.padding ?? { realTokens: 0, fixed: 0, dynamic: 0, grouped: 0 },
      evals: evals.filter((e) => e.accuracy != null && e.f1 !== null).map((e) => ({ step: e.step, accuracy: e.accuracy!, f1: e.f1! })),
      backend: info.backend,
      createdAt: info.createdAt,
    };
    await savePairModel(run, params, tok.vocab, tok.lowercase);
    return { id: run.id, label: run.label };
  },
};
