import { FeatureBuilder, featureSetKey, type ParagraphInput } from '../core/features/index.js';
import type { BertTokenizer } from '../core/tokenizer/index.js';
import type { DatasetInfo, FeatureSetInfo, IdbDatasetStore, ParagraphRecord } from '../core/storage/index.js';
import { indexMap } from '../core/util/codepoints.js';
import { StudioError, type HandlerContext } from './protocol.js';
import { withOriginLock } from './origin-lock.js';

/** A stored paragraph as featurizer input: answer_start (code points) becomes a UTF-16 index; the first answer labels. */
export function paragraphInput(p: ParagraphRecord, onlyId?: string): ParagraphInput {
  const map = indexMap(p.context);
  return {
    context: p.context,
    questions: p.qas
      .filter((q) => onlyId === undefined || q.id === onlyId)
      .map((q) => {
        const a = q.answers[0];
        return { id: q.id, question: q.question, answer: a ? { text: a.text, start: map.toUtf16(a.answer_start) } : undefined };
      }),
  };
}

export interface FeatureSetRequest {
  /** How the tokenizer is named in the list of stored feature sets. */
  tokenizerLabel: string;
  lowercase: boolean;
  maxLength: number;
  stride: number;
  maxPositionEmbeddings?: number;
}

/**
 * Training windows of a dataset, made once per featureSetKey (content of data and vocabulary, casing,
 * featurizer version, max_length, stride) and reused: shards are written as they are made, and the
 * set's record, written last, makes them visible.
 */
export async function ensureFeatureSet(
  store: IdbDatasetStore,
  dataset: DatasetInfo,
  tokenizer: BertTokenizer,
  req: FeatureSetRequest,
  ctx: HandlerContext | null,
): Promise<{ info: FeatureSetInfo; reused: boolean }> {
  const dataHash = await store.datasetContentHash(dataset);
  const key = featureSetKey(dataHash, tokenizer, { task: 'qa', maxLength: req.maxLength, stride: req.stride });
  // The features worker and a run starting in the model worker may ask for the same set at once: the
  // second waits and then finds it made, instead of deleting the first one's shards.
  return withOriginLock(`feature-set:${key}`, () => makeFeatureSet(store, dataset, tokenizer, req, ctx, dataHash, key));
}

async function makeFeatureSet(
  store: IdbDatasetStore,
  dataset: DatasetInfo,
  tokenizer: BertTokenizer,
  req: FeatureSetRequest,
  ctx: HandlerContext | null,
  dataHash: string,
  key: string,
): Promise<{ info: FeatureSetInfo; reused: boolean }> {
  const existing = await store.getFeatureSet(key);
  if (existing) return { info: existing, reused: true };
  const t0 = performance.now();
  let examples = 0;
  let features = 0;
  const windowsPerExample = new Array<number>(8).fill(0);
  // Shards of an earlier, unfinished run of the same key are replaced.
  await store.deleteFeatureSet(key);
  try {
    for (let i = 0; i < dataset.shardCount; i++) {
      ctx?.checkCancelled();
      const shard = await store.readShard(dataset.id, i);
      let builder: FeatureBuilder;
      try {
        builder = new FeatureBuilder(tokenizer, { maxLength: req.maxLength, stride: req.stride, maxPositionEmbeddings: req.maxPositionEmbeddings }, 'train');
        for (const p of shard.paragraphs) builder.addParagraph(paragraphInput(p));
      } catch (err) {
        throw new StudioError('invalid-input', err instanceof Error ? err.message : String(err));
      }
      const batch = builder.finish();
      for (let w = 0; w < batch.count; ) {
        let k = 0;
        const e = batch.exampleIndex[w];
        while (w < batch.count && batch.exampleIndex[w] === e) {
          w++;
          k++;
        }
        windowsPerExample[Math.min(k, windowsPerExample.length) - 1]++;
      }
      examples += batch.examples.length;
      features += batch.count;
      await store.putFeatureShard({ key, index: i, batch });
      ctx?.progress(i + 1, dataset.shardCount, `${features.toLocaleString('en-US')} windows from ${examples.toLocaleString('en-US')} examples`);
    }
  } catch (err) {
    await store.deleteFeatureSet(key).catch(() => undefined);
    throw err;
  }
  const info: FeatureSetInfo = {
    key,
    datasetId: dataset.id,
    dataHash,
    tokenizer: req.tokenizerLabel,
    lowercase: req.lowercase,
    maxLength: req.maxLength,
    stride: req.stride,
    examples,
    features,
    shardCount: dataset.shardCount,
    windowsPerExample,
    createdAt: Date.now(),
    millis: Math.round(performance.now() - t0),
  };
  await store.putFeatureSet(info);
  return { info, reused: false };
}
