import { ContentHasher } from '../util/content-hash';
import type { BertTokenizer } from './bert';

const hashes = new WeakMap<BertTokenizer, string>();

/**
 * A tokenizer's identity by content: its tokens in id order and every setting that changes its
 * output (normalizer, WordPiece options, special tokens). A vocab.txt and a tokenizer.json holding
 * the same vocabulary and settings hash alike, wherever they were loaded from.
 */
export function tokenizerContentHash(tokenizer: BertTokenizer): string {
  let hash = hashes.get(tokenizer);
  if (hash) return hash;
  const h = new ContentHasher();
  const { config, normalizer: n } = tokenizer;
  const w = config.wordPiece;
  // Fields listed one by one: object key order differs between the vocab.txt and tokenizer.json loaders.
  const settings = [n.cleanText, n.handleChineseChars, n.stripAccents, n.lowercase, w.unkToken, w.continuingSubwordPrefix, w.maxInputCharsPerWord];
  h.update(JSON.stringify([...settings, config.clsToken, config.sepToken, config.padToken]));
  for (let id = 0; id < tokenizer.vocabSize; id++) h.update(tokenizer.idToToken(id) ?? '\u0000');
  hash = h.digest();
  hashes.set(tokenizer, hash);
  return hash;
}
