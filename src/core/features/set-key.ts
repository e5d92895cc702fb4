import { tokenizerContentHash, type BertTokenizer } from '../tokenizer/index';

/**
 * Bumped when a task's featurizer changes what it writes for the same input, so feature sets made by
 * an older one are not read as current.
 */
export const FEATURIZER_VERSION = { qa: 1, mrpc: 1 } as const;

/** The settings that shape a task's stored features: QA windows have a stride, sentence pairs do not. */
export type FeatureWindowSettings = { task: 'qa'; maxLength: number; stride: number } | { task: 'mrpc'; maxLength: number };

/**
 * The one key under which tokenized features are stored and looked up: the data's content hash,
 * the tokenizer's content (vocabulary and settings), its casing, the featurizer's version and the
 * window settings. A dataset's name or id is not part of it, so a renamed dataset or the same file
 * imported twice finds the features already made.
 */
export function featureSetKey(dataHash: string, tokenizer: BertTokenizer, settings: FeatureWindowSettings): string {
  const casing = tokenizer.normalizer.lowercase ? 'uncased' : 'cased';
  const window = settings.task === 'qa' ? `max_length=${settings.maxLength},stride=${settings.stride}` : `max_length=${settings.maxLength}`;
  return [`${settings.task}/v${FEATURIZER_VERSION[settings.task]}`, `data:${dataHash}`, `vocab:${tokenizerContentHash(tokenizer)}`, casing, window].join('|');
}
