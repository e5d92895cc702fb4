// Question answering runs: SQuAD windows from stored feature sets, EM/F1 and eval loss, the trained model in the registry.
import { evaluateModel } from '../../core/eval/index.js';
import { BertForQuestionAnswering } from '../../core/model/index.js';
import { articlesFromShards, type DatasetInfo, type FeatureSetInfo } from '../../core/storage/index.js';
import type { SquadFile } from '../../core/squad/types.js';
import { tokenizerFromVocab, type BertTokenizer } from '../../core/tokenizer/index.js';
import { evaluateLoss, qaTrainData, type TrainFeatures } from '../../core/train/index.js';
import { ensureFeatureSet } from '../feature-sets.js';
import { StudioError, type HandlerContext } from '../protocol.js';
import type { EvalPoint, RunSetup } from '../train-api.js';
import { message } from './train-backend.js';
import { notice } from './train-events.js';
import type { PreparedRun, RunTask, RunTokenizer } from './train-task.js';
import { getModelInfo, readParams, saveModel, store } from './registry.js';

/** How the stored windows name the tokenizer to people (their content-hash key is for lookups only). */
function vocabLabel(vocab: string): string {
  const tokens = vocab.split('\n').filter((line) => line.trim() !== '').length;
  return `the model's vocabulary (${tokens.toLocaleString('en-US')} tokens)`;
}

async function requireDataset(id: string): Promise<DatasetInfo> {
  const info = await (await store()).getDataset(id);
  if (!info) throw new StudioError('not-found', `No dataset with id ${id}: it may have been deleted.`);
  return info;
}

/** Training windows of a dataset for this tokenizer and window setting, made once and reused from IndexedDB. */
async function featureSet(dataset: DatasetInfo, tokenizer: BertTokenizer, vocab: string, lowercase: boolean, setup: RunSetup, maxPositions: number, ctx: HandlerContext | null): Promise<FeatureSetInfo> {
  try {
    const { info } = await ensureFeatureSet(
      await store(),
      dataset,
      tokenizer,
      { tokenizerLabel: vocabLabel(vocab), lowercase, maxLength: setup.maxLength, stride: setup.stride, maxPositionEmbeddings: maxPositions },
      ctx,
    );
    return info;
  } catch (err) {
    if (err instanceof StudioError && err.code === 'invalid-input') throw new StudioError('invalid-input', `Cannot make training windows: ${err.message}`);
    throw err;
  }
}

/** All windows of a feature set as the flat arrays the Trainer reads. */
async function loadFeatures(info: FeatureSetInfo): Promise<TrainFeatures> {
  const s = await store();
  const L = info.maxLength;
  const n = info.features;
  const out = {
    count: n,
    length: L,
    inputIds: new Int32Array(n * L),
    tokenTypeIds: new Uint8Array(n * L),
    attentionMask: new Uint8Array(n * L),
    startPositions: new Int32Array(n),
    endPositions: new Int32Array(n),
  };
  let at = 0;
  for (let i = 0; i < info.shardCount; i++) {
    const { batch } = await s.readFeatureShard(info.key, i);
    out.inputIds.set(batch.inputIds, at * L);
    out.tokenTypeIds.set(batch.tokenTypeIds, at * L);
    out.attentionMask.set(batch.attentionMask, at * L);
    out.startPositions.set(batch.startPositions, at);
    out.endPositions.set(batch.endPositions, at);
    at += batch.count;
  }
  return out;
}

export async function squadFileOf(dataset: DatasetInfo): Promise<SquadFile> {
  const s = await store();
  const shards = [];
  for (let i = 0; i < dataset.shardCount; i++) shards.push(await s.readShard(dataset.id, i));
  return { version: dataset.version, data: articlesFromShards(dataset, shards) };
}

/** EM/F1 on the eval questions and the loss on their windows; a score that fails is reported and left null. */
function qaEvaluator(runId: string, setup: RunSetup, model: BertForQuestionAnswering, tokenizer: BertTokenizer, squad: SquadFile, features: TrainFeatures | null) {
  return async (step: number, batchSize: number) => {
    const point: Omit<EvalPoint, 'step' | 'epoch'> = { exact_match: null, f1: null, eval_loss: null };
    try {
      const report = await evaluateModel(model, tokenizer, squad, { maxLength: setup.maxLength, stride: setup.stride, batchSize });
      point.exact_match = report.exact_match;
      point.f1 = report.f1;
    } catch (err) {
      notice(runId, 'warn', `EM/F1 could not be computed at step ${step}: ${message(err)}`);
    }
    if (features) {
      try {
        point.eval_loss = await evaluateLoss(model, features, batchSize);
      } catch (err) {
        notice(runId, 'warn', `Eval loss could not be computed at step ${step}: ${message(err)}`);
      }
    }
    return point;
  };
}

export const qaRunTask: RunTask = {
  async prepare(runId, setup, { vocab, lowercase }, config, params, ctx): Promise<PreparedRun> {
    const maxPositions = config.max_position_embeddings;
    const tokenizer = tokenizerFromVocab(vocab, { lowercase });
    const trainDataset = await requireDataset(setup.trainDatasetId);
    const trainSet = await featureSet(trainDataset, tokenizer, vocab, lowercase, setup, maxPositions, ctx);
    if (trainSet.features === 0) throw new StudioError('invalid-input', `${trainDataset.name} gives no training windows.`);
    const features = await loadFeatures(trainSet);
    let evalDataset: DatasetInfo | null = null;
    let evalData: { squad: SquadFile; features: TrainFeatures | null } | null = null;
    if (setup.evalDatasetId) {
      evalDataset = await requireDataset(setup.evalDatasetId);
      const evalSet = await featureSet(evalDataset, tokenizer, vocab, lowercase, setup, maxPositions, ctx);
      evalData = { squad: await squadFileOf(evalDataset), features: evalSet.features > 0 ? await loadFeatures(evalSet) : null };
    }
    const model = new BertForQuestionAnswering(config, params ?? (await readParams(setup.modelId)));
    return {
      model,
      data: qaTrainData(features),
      evaluate: evalData ? qaEvaluator(runId, setup, model, tokenizer, evalData.squad, evalData.features) : null,
      trainDatasetName: trainDataset.name,
      evalDatasetName: evalDataset?.name ?? null,
    };
  },

  async saveTrained(info, tok: RunTokenizer, step, params, finished) {
    const source = finished ? await getModelInfo(info.setup.modelId).catch(() => null) : null;
    return saveModel(
      {
        label: `${info.modelLabel} · ${info.label} (step ${step})`,
        source: { kind: 'run', runId: info.id, step, maxLength: info.setup.maxLength, stride: info.setup.stride },
        config: info.config,
        vocab: tok.vocab,
        lowercase: tok.lowercase,
        report: source?.report ?? null,
      },
      params,
    );
  },
};
