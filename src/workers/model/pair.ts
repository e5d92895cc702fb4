// Sentence-pair (MRPC) classifiers in the model worker: evaluation and one-pair answers. Training them is
// a run like any other (train-run.ts with train-mrpc.ts); a finished run stores its classifier here.
import { BertForSequenceClassification, type HostParams } from '../../core/model/index.js';
import {
  MRPC_LABELS,
  explainPair,
  featurizePairs,
  goldLabels,
  pairLogits,
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
import type { PairApi, PairEvaluation, PairRun } from '../pair-api.js';
import { modelJob } from './jobs.js';
import { store } from './registry.js';
import { backendInfo } from './backend.js';

interface Resident {
  run: PairRun;
  model: BertForSequenceClassification;
  tokenizer: BertTokenizer;
  /** The backend its tensors live on: a switch since then means reading it again. */
  backend: string;
}

/** Classifiers on the device; the others are loaded from IndexedDB when asked for. */
const runs = new Map<string, Resident>();
const RUN_KIND = 'pair-run';
const owner = (id: string) => `pair-run:${id}`;

/** A classifier's record (with the vocabulary, so it outlives its source model) and its parameters, in one transaction. */
export async function savePairModel(run: PairRun, params: HostParams, vocab: string, lowercase: boolean): Promise<void> {
  const tensors = [...params].map(([name, t]) => ({ name, shape: [...t.shape], data: t.data as Float32Array }));
  await (await store()).putTensors({ ...run, kind: RUN_KIND, vocab, lowercase } as unknown as KeyedRecord, owner(run.id), tensors);
  // A classifier saved again under the same id (a run stopped after a resume) is read afresh.
  runs.get(run.id)?.model.dispose();
  runs.delete(run.id);
}

/** Removes a classifier's record and parameters (one transaction) and frees it if resident. */
export async function deletePairModel(id: string): Promise<void> {
  runs.get(id)?.model.dispose();
  runs.delete(id);
  await (await store()).deleteRecord(RUN_KIND, id, owner(id));
}

async function loadRun(id: string): Promise<Resident> {
  // Waits for the worker's backend choice, so a request that arrives first (a page opened from a link)
  // does not build tensors on a backend still starting.
  const backend = (await backendInfo()).current;
  const held = runs.get(id);
  if (held && held.backend === backend) return held;
  const s = await store();
  const rec = await s.getRecord<KeyedRecord & PairRun & { vocab: string; lowercase: boolean }>(RUN_KIND, id);
  if (!rec) throw new StudioError('not-found', 'That sentence-pair run is gone (deleted in another tab?): train it again.');
  const host: HostParams = new Map((await s.readTensors(owner(id))).map((t) => [t.name, { shape: t.shape, data: t.data }]));
  const { vocab, lowercase } = rec;
  const run: PairRun = { ...(rec as PairRun) };
  delete (run as Partial<typeof rec>).vocab;
  delete (run as Partial<typeof rec>).lowercase;
  // Keep memory bounded: only the classifier asked for stays resident.
  for (const [k, r] of runs) {
    r.model.dispose();
    runs.delete(k);
  }
  const model = new BertForSequenceClassification(rec.config, host, MRPC_LABELS);
  const r: Resident = { run, model, tokenizer: tokenizerFromVocab(vocab, { lowercase }), backend };
  runs.set(id, r);
  return r;
}

export async function pairDataset(id: string): Promise<{ info: PairDatasetInfo; examples: PairExample[] }> {
  const s = await store();
  const info = await s.getRecord<PairDatasetInfo & KeyedRecord>(PAIR_DATASET_KIND, id);
  if (!info) throw new StudioError('not-found', `No sentence-pair dataset with id ${id}: it may have been deleted.`);
  return { info, examples: await readPairs(s, info) };
}

async function scoreRun(r: Resident, examples: PairExample[], features: PairFeatures, ctx: HandlerContext | null) {
  const logits = await pairLogits(r.model, features, r.tokenizer.padId, 32, (done, total) => ctx?.progress(done, total, 'scoring pairs'));
  const labels = predictedLabels(logits);
  const predictions = new Map<string, number>();
  features.ids.forEach((id, i) => predictions.set(id, labels[i]));
  return { logits, labels, scores: scorePairs(goldLabels(examples), predictions) };
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
    pairsId,
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
  'pair-runs': async () => {
    const recs = await (await store()).listRecords<KeyedRecord & PairRun>(RUN_KIND);
    return recs.map(({ vocab: _v, lowercase: _l, ...run }) => run as unknown as PairRun).sort((a, b) => a.createdAt - b.createdAt);
  },
  'pair-delete': ({ runId }, ctx) =>
    modelJob('deleting a sentence-pair run', ctx, async () => {
      await deletePairModel(runId);
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
