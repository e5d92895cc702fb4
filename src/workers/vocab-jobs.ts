// The "Train a vocabulary" tool's jobs, run in the features worker next to the datasets they read.
import { CoverageCounter, trainWordPieceAsync, vocabText, type BertTokenizer, type VocabCoverage } from '../core/tokenizer/index.js';
import { squadTexts } from '../core/squad/texts.js';
import type { DatasetInfo, IdbDatasetStore, KeyedRecord } from '../core/storage/index.js';
import { StudioError, type HandlerContext } from './protocol.js';
import type { TrainedVocabInfo, VocabTrainSettings } from './features-api.js';

const KIND = 'vocabulary';

/** Every question and each distinct context of a dataset, shard by shard. */
async function* datasetTexts(store: IdbDatasetStore, info: DatasetInfo, ctx: HandlerContext, label: string): AsyncGenerator<string> {
  for (let i = 0; i < info.shardCount; i++) {
    ctx.checkCancelled();
    const shard = await store.readShard(info.id, i);
    yield* squadTexts([{ title: '', paragraphs: shard.paragraphs }]);
    ctx.progress(i + 1, info.shardCount, label);
  }
}

function checkSettings(s: VocabTrainSettings): void {
  const whole = (v: number, min: number) => Number.isInteger(v) && v >= min;
  if (!whole(s.vocabSize, 10) || s.vocabSize > 200_000) throw new StudioError('invalid-input', `Vocabulary size must be a whole number from 10 to 200,000 (got ${s.vocabSize}).`);
  if (!whole(s.minFrequency, 0)) throw new StudioError('invalid-input', `Minimum frequency must be a whole number of at least 0 (got ${s.minFrequency}).`);
  if (s.limitAlphabet !== null && !whole(s.limitAlphabet, 1)) throw new StudioError('invalid-input', `Alphabet limit must be a whole number of at least 1, or empty for no limit (got ${s.limitAlphabet}).`);
}

export async function trainVocabulary(
  store: IdbDatasetStore,
  info: DatasetInfo,
  name: string,
  settings: VocabTrainSettings,
  ctx: HandlerContext,
): Promise<TrainedVocabInfo> {
  checkSettings(settings);
  const texts: string[] = [];
  for await (const t of datasetTexts(store, info, ctx, 'reading the dataset')) texts.push(t);
  const n = (x: number) => x.toLocaleString('en-US');
  // Rate and time left per phase, from the phase's own start.
  let phase = '';
  let phaseStart = Date.now();
  let phaseFrom = 0;
  const pace = (kind: string, done: number, total: number, unit: string) => {
    if (kind !== phase) {
      phase = kind;
      phaseStart = Date.now();
      phaseFrom = done;
    }
    const secs = (Date.now() - phaseStart) / 1000;
    const rate = secs > 0.2 ? (done - phaseFrom) / secs : 0;
    return rate > 0 ? ` · ${n(Math.round(rate))} ${unit}/s · ${kind === 'merging' ? 'at most ' : ''}${Math.ceil((total - done) / rate)} s left` : '';
  };
  const trained = await trainWordPieceAsync(
    texts,
    {
      vocabSize: settings.vocabSize,
      minFrequency: settings.minFrequency,
      limitAlphabet: settings.limitAlphabet,
      normalizer: { cleanText: true, handleChineseChars: true, stripAccents: null, lowercase: settings.lowercase },
    },
    {
      checkCancelled: () => ctx.checkCancelled(),
      onProgress: (p) =>
        p.phase === 'counting'
          ? ctx.progress(p.done, texts.length, `counting words: ${n(p.done)} of ${n(texts.length)} texts${pace('counting', p.done, texts.length, 'texts')}`)
          : ctx.progress(p.done, p.total, `merging: ${n(p.done)} of at most ${n(p.total)} tokens${pace('merging', p.done, p.total, 'tokens')}`),
    },
  );
  const vocab: TrainedVocabInfo = {
    id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    name: name.trim() || `${info.name} (${trained.tokens.length} tokens)`,
    createdAt: Date.now(),
    lowercase: settings.lowercase,
    size: trained.tokens.length,
    datasetName: info.name,
    settings,
    words: trained.words,
    wordOccurrences: trained.wordOccurrences,
    text: vocabText(trained.tokens),
  };
  ctx.checkCancelled();
  await store.putRecord({ kind: KIND, ...vocab } as KeyedRecord);
  return vocab;
}

export async function listVocabularies(store: IdbDatasetStore): Promise<TrainedVocabInfo[]> {
  const all = await store.listRecords<KeyedRecord & TrainedVocabInfo>(KIND);
  return all.map(({ kind: _kind, ...v }) => v as TrainedVocabInfo).sort((a, b) => a.createdAt - b.createdAt);
}

export async function deleteVocabulary(store: IdbDatasetStore, id: string): Promise<void> {
  await store.deleteRecord(KIND, id);
}

/** One pass over the dataset's text, every vocabulary counting at once. */
export async function datasetCoverage(
  store: IdbDatasetStore,
  info: DatasetInfo,
  tokenizers: BertTokenizer[],
  ctx: HandlerContext,
): Promise<VocabCoverage[]> {
  const counters = tokenizers.map((t) => new CoverageCounter(t));
  for await (const t of datasetTexts(store, info, ctx, 'measuring coverage')) for (const c of counters) c.add(t);
  return counters.map((c) => c.result());
}

