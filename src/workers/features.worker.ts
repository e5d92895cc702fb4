/// <reference lib="webworker" />
import { serve, StudioError, type HandlerContext } from './protocol.js';
import type { FeatureJob, FeaturesApi, InspectedExample, InspectedWindow, VocabSource } from './features-api.js';
import { tokenizerFromFileText, type BertTokenizer } from '../core/tokenizer/index.js';
import { FeatureBuilder, auditFeatures, getWindow, contextRange, type FeatureAudit } from '../core/features/index.js';
import { vocabSourceKey, vocabSourceText } from './vocab-source.js';
import { datasetCoverage, deleteVocabulary, listVocabularies, trainVocabulary } from './vocab-jobs.js';
import { ensureFeatureSet, paragraphInput } from './feature-sets.js';
import { IdbDatasetStore, type DatasetInfo, type FeatureSetInfo } from '../core/storage/index.js';
import { indexMap } from '../core/util/codepoints.js';
import { pairInspectHandlers } from './pair-inspect.js';

let storePromise: Promise<IdbDatasetStore> | null = null;
const store = () => (storePromise ??= IdbDatasetStore.open());
const tokenizers = new Map<string, BertTokenizer>();

async function loadTokenizer(v: VocabSource, lowercase: boolean): Promise<BertTokenizer> {
  const key = `${vocabSourceKey(v)}|${lowercase}`;
  const cached = tokenizers.get(key);
  if (cached) return cached;
  const text = await vocabSourceText(v);
  let tok: BertTokenizer;
  try {
    tok = tokenizerFromFileText(text, { lowercase });
  } catch (err) {
    throw new StudioError('invalid-input', `${v.label} is not a BERT vocabulary: ${err instanceof Error ? err.message : String(err)}`);
  }
  tokenizers.set(key, tok);
  return tok;
}

async function requireDataset(id: string): Promise<DatasetInfo> {
  const info = await (await store()).getDataset(id);
  if (!info) throw new StudioError('not-found', `No dataset with id ${id}: it may have been deleted.`);
  return info;
}

function settingsError(err: unknown): never {
  throw new StudioError('invalid-input', err instanceof Error ? err.message : String(err));
}

async function featurize(job: FeatureJob, ctx: HandlerContext): Promise<{ info: FeatureSetInfo; reused: boolean }> {
  const dataset = await requireDataset(job.datasetId);
  const tokenizer = await loadTokenizer(job.vocab, job.lowercase);
  return ensureFeatureSet(await store(), dataset, tokenizer, { tokenizerLabel: job.vocab.label, lowercase: job.lowercase, maxLength: job.maxLength, stride: job.stride }, ctx);
}

/** Where each question of a dataset sits, so stepping and lookups by id need no scan. */
const questionIndexes = new Map<string, { ids: string[]; where: Map<string, { shard: number; offset: number }> }>();

async function questionIndex(dataset: DatasetInfo) {
  let idx = questionIndexes.get(dataset.id);
  if (idx) return idx;
  const ids: string[] = [];
  const where = new Map<string, { shard: number; offset: number }>();
  const s = await store();
  for (let i = 0; i < dataset.shardCount; i++) {
    const shard = await s.readShard(dataset.id, i);
    shard.paragraphs.forEach((p, offset) => {
      for (const q of p.qas) {
        ids.push(q.id);
        where.set(q.id, { shard: i, offset });
      }
    });
  }
  idx = { ids, where };
  questionIndexes.set(dataset.id, idx);
  return idx;
}

async function inspect(job: FeatureJob, exampleId: string | undefined, position: number | undefined): Promise<InspectedExample> {
  const dataset = await requireDataset(job.datasetId);
  const idx = await questionIndex(dataset);
  const id = exampleId ?? idx.ids[Math.max(0, Math.min(idx.ids.length - 1, position ?? 0))];
  const loc = idx.where.get(id);
  if (!loc) throw new StudioError('not-found', `No question with id “${id}” in ${dataset.name}.`);
  const tokenizer = await loadTokenizer(job.vocab, job.lowercase);
  const p = (await (await store()).readShard(dataset.id, loc.shard)).paragraphs[loc.offset];
  let builder: FeatureBuilder;
  try {
    builder = new FeatureBuilder(tokenizer, { maxLength: job.maxLength, stride: job.stride }, 'train');
    builder.addParagraph(paragraphInput(p, id));
  } catch (err) {
    settingsError(err);
  }
  const batch = builder.finish();
  const audit = auditFeatures(batch);
  const qa = p.qas.find((q) => q.id === id)!;
  const map = indexMap(p.context);
  const windows: InspectedWindow[] = [];
  let previousLast = -1;
  for (let w = 0; w < batch.count; w++) {
    const win = getWindow(batch, w);
    const row = audit.rows[w];
    const { first, last } = contextRange(batch, w);
    // Context tokens are shared when they start before the previous window's last context token ended.
    let overlap = 0;
    if (w > 0) for (let i = first; i <= last && win.offsets[i]![0] < previousLast; i++) overlap++;
    previousLast = first <= last ? win.offsets[last]![1] : previousLast;
    const slice = (a: number, b: number) => (a === 0 && b === 0 ? null : p.context.slice(win.offsets[a]![0], win.offsets[b]![1]));
    windows.push({
      ...win,
      tokens: win.inputIds.map((t) => tokenizer.idToToken(t) ?? '[?]'),
      placement: row.placement,
      overlapWithPrevious: overlap,
      decoded: row.decoded,
      partialDecoded: slice(win.partialOverlap.start, win.partialOverlap.end),
      match: row.match,
      reason: row.reason,
    });
  }
  return {
    id,
    title: dataset.titles[p.article],
    article: p.article,
    paragraph: p.paragraph,
    question: batch.examples[0].question,
    context: p.context,
    answers: qa.answers.map((a) => ({ text: a.text, start: map.toUtf16(a.answer_start), end: map.toUtf16(a.answer_start + [...a.text].length) })),
    windows,
    position: idx.ids.indexOf(id),
    total: idx.ids.length,
  };
}

async function audit(job: FeatureJob, ctx: HandlerContext) {
  const { info } = await featurize(job, ctx);
  const s = await store();
  const merged: FeatureAudit = {
    rows: [],
    examplesWithoutWindow: [],
    examplesWithMismatch: [],
    counts: { inside: 0, partial: 0, absent: 0, mismatched: 0, partialRuleDiffers: 0 },
  };
  let offset = 0;
  for (let i = 0; i < info.shardCount; i++) {
    ctx.checkCancelled();
    const { batch } = await s.readFeatureShard(info.key, i);
    const a = auditFeatures(batch);
    for (const r of a.rows) merged.rows.push({ ...r, window: r.window + offset });
    merged.examplesWithoutWindow.push(...a.examplesWithoutWindow);
    merged.examplesWithMismatch.push(...a.examplesWithMismatch);
    for (const k of Object.keys(merged.counts) as (keyof FeatureAudit['counts'])[]) merged.counts[k] += a.counts[k];
    offset += batch.count;
    ctx.progress(i + 1, info.shardCount, 'auditing windows');
  }
  return { audit: merged, examples: info.examples };
}

serve<FeaturesApi>(self, {
  featurize: (job, ctx) => featurize(job, ctx),
  async 'feature-sets'() {
    return (await store()).listFeatureSets();
  },
  async 'delete-feature-set'({ key }) {
    await (await store()).deleteFeatureSet(key);
    return null;
  },
  inspect: ({ job, exampleId, position }) => inspect(job, exampleId, position),
  ...pairInspectHandlers(store, loadTokenizer),
  audit: ({ job }, ctx) => audit(job, ctx),
  async 'train-vocab'({ datasetId, name, settings }, ctx) {
    return trainVocabulary(await store(), await requireDataset(datasetId), name, settings, ctx);
  },
  vocabularies: async () => listVocabularies(await store()),
  async 'delete-vocabulary'({ id }) {
    await deleteVocabulary(await store(), id);
    return null;
  },
  async 'vocab-coverage'({ datasetId, vocabs }, ctx) {
    const info = await requireDataset(datasetId);
    const toks = await Promise.all(vocabs.map((v) => loadTokenizer(v.source, v.lowercase)));
    return datasetCoverage(await store(), info, toks, ctx);
  },
});
