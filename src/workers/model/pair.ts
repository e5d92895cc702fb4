// Sentence-pair (MRPC) runs in the model worker: protocol in, the core Trainer and run loop, events out.
// A run's model stays resident for evaluation and the Playground while the worker lives.
import { BertForSequenceClassification, type HostParams } from '../../core/model/index.js';
import { Trainer, runTrainer } from '../../core/train/index.js';
import {
  MRPC_LABELS,
  explainPair,
  featurizePairs,
  goldLabels,
  pairLogits,
  pairTrainData,
  paddingReport,
  predictedLabels,
  scorePairs,
  softmaxRow,
  type PairExample,
  type PairFeatures,
} from '../../core/tasks/mrpc/index.js';
import { PAIR_DATASET_KIND, readPairs, type PairDatasetInfo } from '../../core/storage/pairs.js';
import type { KeyedRecord } from '../../core/storage/idb.js';
import { tokenizerFromVocab, type BertTokenizer } from '../../core/tokenizer/index.js';
import type { Handlers, HandlerContext } from '../protocol.js';
import { StudioError } from '../protocol.js';
import type { PairApi, PairEvaluation, PairRun, PairRunSetup } from '../pair-api.js';
import { backendInfo, setBackend } from './backend.js';
import { modelJob } from './jobs.js';
import { getModelInfo, readParams, releaseAll, store, tokenizerFor } from './registry.js';
import { refuseWhileRunning } from './train.js';

interface Resident {
  run: PairRun;
  model: BertForSequenceClassification;
  tokenizer: BertTokenizer;
}

/** Runs whose model is on the device; the others are loaded from IndexedDB when asked for. */
const runs = new Map<string, Resident>();
/** The run being trained, read by the page between steps for its live chart. */
let liveRun: PairRun | null = null;
const RUN_KIND = 'pair-run';
const owner = (id: string) => `pair-run:${id}`;

/** A run's record (with the vocabulary, so it outlives its source model) and its parameters, in one transaction. */
export async function saveRun(r: Resident, vocab: string, lowercase: boolean): Promise<void> {
  const host = await r.model.toHostParams();
  const tensors = [...host].map(([name, t]) => ({ name, shape: t.shape, data: t.data as Float32Array }));
  await (await store()).putTensors({ ...r.run, kind: RUN_KIND, vocab, lowercase } as unknown as KeyedRecord, owner(r.run.id), tensors);
}

async function loadRun(id: string): Promise<Resident> {
  const held = runs.get(id);
  if (held) return held;
  const s = await store();
  const rec = await s.getRecord<KeyedRecord & PairRun & { vocab: string; lowercase: boolean }>(RUN_KIND, id);
  if (!rec) throw new StudioError('not-found', 'That sentence-pair run is gone (deleted in another tab?): train it again.');
  const host: HostParams = new Map((await s.readTensors(owner(id))).map((t) => [t.name, { shape: t.shape, data: t.data }]));
  const { vocab, lowercase } = rec;
  const run: PairRun = { ...(rec as PairRun) };
  delete (run as Partial<typeof rec>).vocab;
  delete (run as Partial<typeof rec>).lowercase;
  // Keep memory bounded: one resident pair model at a time besides the one asked for.
  for (const [k, r] of runs) {
    r.model.dispose();
    runs.delete(k);
  }
  const model = new BertForSequenceClassification(rec.config, host, MRPC_LABELS);
  const r: Resident = { run, model, tokenizer: tokenizerFromVocab(vocab, { lowercase }) };
  runs.set(id, r);
  return r;
}

export async function pairDataset(id: string): Promise<{ info: PairDatasetInfo; examples: PairExample[] }> {
  const s = await store();
  const info = await s.getRecord<PairDatasetInfo & KeyedRecord>(PAIR_DATASET_KIND, id);
  if (!info) throw new StudioError('not-found', `No sentence-pair dataset with id ${id}: it may have been deleted.`);
  return { info, examples: await readPairs(s, info) };
}

function checkSetup(s: PairRunSetup): void {
  const problems: string[] = [];
  if (!(s.learningRate > 0)) problems.push(`learning rate must be > 0, got ${s.learningRate}`);
  for (const [name, v, min] of [['batch size', s.batchSize, 1], ['epochs', s.epochs, 1], ['max length', s.maxLength, 8], ['max steps', s.maxSteps, 0], ['eval every', s.evalEvery, 0]] as const) {
    if (!Number.isInteger(v) || v < min) problems.push(`${name} must be an integer >= ${min}, got ${v}`);
  }
  if (problems.length) throw new StudioError('invalid-input', `Cannot start the run: ${problems.join('; ')}.`);
}

export async function makeModel(setup: PairRunSetup, config: BertForSequenceClassification['config']): Promise<BertForSequenceClassification> {
  if (setup.init === 'random') return BertForSequenceClassification.init(config, setup.seed, MRPC_LABELS);
  // The stored encoder (and its pooler, when it has one) with a fresh classifier: the task's own head.
  const fresh = BertForSequenceClassification.init(config, setup.seed, MRPC_LABELS);
  const host: HostParams = await fresh.toHostParams();
  fresh.dispose();
  for (const [name, t] of await readParams(setup.modelId)) if (host.has(name)) host.set(name, t);
  return new BertForSequenceClassification(config, host, MRPC_LABELS);
}

async function scoreRun(r: Resident, examples: PairExample[], features: PairFeatures, ctx: HandlerContext | null) {
  const logits = await pairLogits(r.model, features, r.tokenizer.padId, 32, (done, total) => ctx?.progress(done, total, 'scoring pairs'));
  const labels = predictedLabels(logits);
  const predictions = new Map<string, number>();
  features.ids.forEach((id, i) => predictions.set(id, labels[i]));
  return { logits, labels, scores: scorePairs(goldLabels(examples), predictions) };
}

async function train(setup: PairRunSetup, ctx: HandlerContext): Promise<PairRun> {
  checkSetup(setup);
  refuseWhileRunning();
  const backend = (await backendInfo()).current;
  if (setup.backend && setup.backend !== backend) {
    releaseAll();
    await setBackend(setup.backend);
  }
  const modelInfo = await getModelInfo(setup.modelId);
  const tokenizer = tokenizerFor(modelInfo);
  const trainSet = await pairDataset(setup.trainPairsId);
  const evalSet = setup.evalPairsId ? await pairDataset(setup.evalPairsId) : null;
  ctx.progress(0, 1, 'tokenizing pairs');
  if (setup.maxLength > modelInfo.config.max_position_embeddings)
    throw new StudioError('invalid-input', `max length ${setup.maxLength} exceeds the model's ${modelInfo.config.max_position_embeddings} positions.`);
  const features = featurizePairs(tokenizer, trainSet.examples, setup.maxLength);
  const evalFeatures = evalSet ? featurizePairs(tokenizer, evalSet.examples, setup.maxLength) : null;
  let data;
  try {
    data = pairTrainData(features, tokenizer.padId);
  } catch (err) {
    throw new StudioError('invalid-input', err instanceof Error ? err.message : String(err));
  }
  const model = await makeModel(setup, modelInfo.config);
  const trainer = new Trainer(model, data, {
    learningRate: setup.learningRate,
    batchSize: setup.batchSize,
    epochs: setup.epochs,
    ...(setup.maxSteps > 0 ? { maxSteps: setup.maxSteps } : {}),
    seed: setup.seed,
    groupByLength: setup.groupByLength,
  });
  const id = `pair-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const run: PairRun = {
    id,
    label: `${modelInfo.label} on ${trainSet.info.name}`,
    setup,
    modelLabel: modelInfo.label,
    config: modelInfo.config,
    trainName: trainSet.info.name,
    evalName: evalSet?.info.name ?? null,
    status: 'running',
    reason: null,
    step: 0,
    totalSteps: trainer.totalSteps,
    pairs: features.count,
    truncated: features.truncated,
    padding: paddingReport(features.lengths, setup.maxLength, setup.batchSize, setup.seed),
    points: [],
    evals: [],
    backend: (await backendInfo()).current,
    createdAt: Date.now(),
  };
  const resident: Resident = { run, model, tokenizer };
  liveRun = run;
  const started = performance.now();
  try {
    const summary = await runTrainer(trainer, {
      evalEvery: setup.evalEvery,
      evaluate: evalSet && evalFeatures ? async () => {
        const { scores } = await scoreRun(resident, evalSet.examples, evalFeatures, null);
        return { accuracy: scores.accuracy, f1: scores.f1 };
      } : undefined,
      onEval: (step, _epoch, scores) => {
        run.evals.push({ step, accuracy: scores.accuracy, f1: scores.f1 });
      },
      onStep: async (m) => {
        run.step = m.step;
        run.points.push({ step: m.step, epoch: m.epoch, loss: m.loss, lr: m.lr, grad_norm: m.grad_norm });
        const secs = (performance.now() - started) / 1000;
        const left = (secs / m.step) * (trainer.totalSteps - m.step);
        ctx.progress(m.step, trainer.totalSteps, `step ${m.step} of ${trainer.totalSteps} · loss ${m.loss.toFixed(4)} · ${(m.step / secs).toFixed(2)} steps/s · ${Math.ceil(left)} s left`);
        // Lets the worker see a cancel message between steps.
        await new Promise((r) => setTimeout(r, 0));
      },
      shouldStop: () => ctx.signal.aborted,
      // The run's parameters after it ends or stops, so evaluation and the Playground find it after a reload.
      checkpoint: async () => {
        await saveRun(resident, modelInfo.vocab!, modelInfo.lowercase);
      },
    });
    run.status = summary.endedBy === 'done' ? 'completed' : 'stopped';
    run.reason = summary.endedBy === 'non-finite' ? 'the loss was not finite several steps in a row; the last good parameters are kept' : summary.endedBy === 'stopped' ? 'stopped by you' : null;
    await (await store()).putRecord({ ...(await (await store()).getRecord(RUN_KIND, id))!, status: run.status, reason: run.reason, evals: run.evals });
  } catch (err) {
    trainer.dispose();
    model.dispose();
    throw err;
  } finally {
    liveRun = null;
  }
  trainer.dispose();
  for (const [k, r] of runs) {
    r.model.dispose();
    runs.delete(k);
  }
  runs.set(id, resident);
  return run;
}


async function evaluate(runId: string, pairsId: string, ctx: HandlerContext): Promise<PairEvaluation> {
  const r = await loadRun(runId);
  const t0 = performance.now();
  const { info, examples } = await pairDataset(pairsId);
  if (!examples.some((e) => e.label !== null)) throw new StudioError('invalid-input', `“${info.name}” has no labels to score against (GLUE test.tsv is unlabelled).`);
  const features = featurizePairs(r.tokenizer, examples, r.run.setup.maxLength);
  const { logits, labels, scores } = await scoreRun(r, examples, features, ctx);
  const C = logits.numLabels;
  return {
    runId,
    datasetName: info.name,
    labels: [...MRPC_LABELS],
    accuracy: scores.accuracy,
    f1: scores.f1,
    precision: scores.precision,
    recall: scores.recall,
    total: scores.total,
    confusion: scores.confusion,
    rows: examples.map((e, i) => ({ id: e.id, sentence1: e.sentence1, sentence2: e.sentence2, label: e.label, predicted: labels[i], probabilities: softmaxRow(logits.logits, i * C, C) })),
    millis: performance.now() - t0,
  };
}

export const pairHandlers: Handlers<Omit<PairApi, 'pair-export'>> = {
  'pair-train': ({ setup }, ctx) => modelJob('a sentence-pair training run', ctx, () => train(setup, ctx)),
  'pair-live': async () => liveRun,
  'pair-runs': async () => {
    const recs = await (await store()).listRecords<KeyedRecord & PairRun>(RUN_KIND);
    return recs.map(({ vocab: _v, lowercase: _l, ...run }) => run as unknown as PairRun).sort((a, b) => a.createdAt - b.createdAt);
  },
  'pair-delete': ({ runId }, ctx) =>
    modelJob('deleting a sentence-pair run', ctx, async () => {
      runs.get(runId)?.model.dispose();
      runs.delete(runId);
      await (await store()).deleteRecord(RUN_KIND, runId, owner(runId));
      return null;
    }),
  'pair-evaluate': ({ runId, pairsId }, ctx) => modelJob('a sentence-pair evaluation', ctx, () => evaluate(runId, pairsId, ctx)),
  'pair-answer': ({ runId, sentence1, sentence2 }, ctx) =>
    modelJob('a sentence-pair answer', ctx, async () => {
      const r = await loadRun(runId);
      if (!sentence1.trim() || !sentence2.trim()) throw new StudioError('invalid-input', 'Enter both sentences.');
      const x = await explainPair(r.model, r.tokenizer, sentence1, sentence2, r.run.setup.maxLength);
      return {
        labels: [...MRPC_LABELS],
        probabilities: x.probabilities,
        predicted: x.predicted,
        tokens: Array.from(x.pair.inputIds, (id) => r.tokenizer.idToToken(id) ?? `[${id}]`),
        tokenTypes: Array.from(x.pair.tokenTypeIds),
        saliency: x.saliency,
        lengths: x.pair.lengths,
        kept: x.pair.kept,
      };
    }),
};
