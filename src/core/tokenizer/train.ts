import { BertTokenizer } from './bert';
import type { NormalizerOptions } from './types';

/** Hugging Face's WordPieceTrainer settings (defaults as BertWordPieceTokenizer.train sets them). */
export interface WordPieceTrainerOptions {
  vocabSize: number;
  /** A pair seen fewer times than this is never merged. */
  minFrequency: number;
  /** First in the vocabulary, in this order. */
  specialTokens: string[];
  /** Keep at most this many distinct characters (the most frequent); null keeps all. */
  limitAlphabet: number | null;
  /** Characters kept whatever their count. */
  initialAlphabet: string[];
  continuingSubwordPrefix: string;
  /** BertNormalizer settings; `lowercase` true is an uncased vocabulary. */
  normalizer: NormalizerOptions;
}

export const DEFAULT_TRAINER_OPTIONS: WordPieceTrainerOptions = {
  vocabSize: 30000,
  minFrequency: 2,
  specialTokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'],
  limitAlphabet: 1000,
  initialAlphabet: [],
  continuingSubwordPrefix: '##',
  normalizer: { cleanText: true, handleChineseChars: true, stripAccents: null, lowercase: true },
};

export interface TrainProgress {
  phase: 'counting' | 'merging';
  done: number;
  total: number;
}

export interface TrainHooks {
  onProgress?: (p: TrainProgress) => void;
  /** Throws to stop the training (called between texts and every few hundred merges). */
  checkCancelled?: () => void;
  /**
   * Rank of each `##` piece in the id order. Hugging Face numbers them in the iteration order of a
   * randomly seeded hash map; by default we number them in order of first appearance. Tests pass the
   * reference's order here to compare the rest of the algorithm exactly.
   */
  pieceOrder?: Map<string, number>;
}

export interface TrainedVocabulary {
  /** Tokens in id order (the lines of vocab.txt). */
  tokens: string[];
  lowercase: boolean;
  /** Distinct pre-tokenized words and their total count. */
  words: number;
  wordOccurrences: number;
  alphabet: number;
  /** Characters dropped by limit_alphabet (words holding them lose them, as in Hugging Face). */
  droppedCharacters: number;
  merges: number;
}

/** Counts of the normalized, pre-tokenized words of some texts, in order of first appearance. */
export class WordCounter {
  readonly counts = new Map<string, number>();
  private readonly splitter: BertTokenizer;

  constructor(normalizer: NormalizerOptions) {
    this.splitter = bertWordSplitter(normalizer);
  }

  add(text: string): void {
    this.splitter.words(text, (w) => this.counts.set(w, (this.counts.get(w) ?? 0) + 1));
  }
}

/** The BERT normalizer + pre-tokenizer alone: a tokenizer whose vocabulary holds only what its constructor needs. */
export function bertWordSplitter(normalizer: NormalizerOptions): BertTokenizer {
  const vocab = new Map(['[PAD]', '[UNK]', '[CLS]', '[SEP]'].map((t, i) => [t, i]));
  return new BertTokenizer(vocab, {
    normalizer,
    wordPiece: { unkToken: '[UNK]', continuingSubwordPrefix: '##', maxInputCharsPerWord: 100 },
    clsToken: '[CLS]',
    sepToken: '[SEP]',
    padToken: '[PAD]',
  });
}

/** Trains a WordPiece vocabulary from texts, as Hugging Face's WordPieceTrainer does. */
export function trainWordPiece(texts: Iterable<string>, options: Partial<WordPieceTrainerOptions> = {}, hooks: TrainHooks = {}): TrainedVocabulary {
  const opts = { ...DEFAULT_TRAINER_OPTIONS, ...options };
  const counter = new WordCounter(opts.normalizer);
  let n = 0;
  for (const t of texts) {
    counter.add(t);
    if (++n % 256 === 0) {
      hooks.checkCancelled?.();
      hooks.onProgress?.({ phase: 'counting', done: n, total: 0 });
    }
  }
  return trainFromCounts(counter.counts, opts, hooks);
}

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * The same training, giving the event loop a turn every few tens of milliseconds, so that a worker
 * sees a cancel request (`hooks.checkCancelled` then throws) and posts its progress.
 */
export async function trainWordPieceAsync(texts: Iterable<string>, options: Partial<WordPieceTrainerOptions> = {}, hooks: TrainHooks = {}): Promise<TrainedVocabulary> {
  const opts = { ...DEFAULT_TRAINER_OPTIONS, ...options };
  const counter = new WordCounter(opts.normalizer);
  let n = 0;
  let last = Date.now();
  const breathe = async () => {
    if (Date.now() - last < 30) return;
    await nextTask();
    last = Date.now();
    hooks.checkCancelled?.();
  };
  for (const t of texts) {
    counter.add(t);
    if (++n % 64 === 0) {
      hooks.onProgress?.({ phase: 'counting', done: n, total: 0 });
      await breathe();
    }
  }
  const steps = trainSteps(counter.counts, opts, hooks);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    hooks.onProgress?.(r.value);
    await breathe();
  }
}

function validate(o: WordPieceTrainerOptions): void {
  if (!Number.isInteger(o.vocabSize) || o.vocabSize < 1) throw new Error(`vocabulary size must be a positive whole number, got ${o.vocabSize}`);
  if (!Number.isInteger(o.minFrequency) || o.minFrequency < 0) throw new Error(`minimum frequency must be a whole number >= 0, got ${o.minFrequency}`);
  if (o.limitAlphabet !== null && (!Number.isInteger(o.limitAlphabet) || o.limitAlphabet < 0))
    throw new Error(`alphabet limit must be a whole number >= 0, got ${o.limitAlphabet}`);
  if (o.continuingSubwordPrefix.length === 0) throw new Error('the continuing-subword prefix must not be empty');
  for (const c of o.initialAlphabet) if ([...c].length !== 1) throw new Error(`initial alphabet entries must be single characters, got "${c}"`);
}

/** Pair keys pack two ids into one number (ids stay far below 2^26). */
const PAIR = 0x4000000;

/**
 * The BPE merge loop of Hugging Face's BpeTrainer with the `##` prefix, step for step: the same
 * alphabet rule, pair counts, queue order (count, then the smaller pair of ids) and per-entry word
 * sets, so the same merges happen in the same order.
 */
export function trainFromCounts(wordCounts: Map<string, number>, options: WordPieceTrainerOptions, hooks: TrainHooks = {}): TrainedVocabulary {
  const steps = trainSteps(wordCounts, options, hooks);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    hooks.checkCancelled?.();
    hooks.onProgress?.(r.value);
  }
}

/** The training as steps: yields its progress every few hundred merges. */
function* trainSteps(wordCounts: Map<string, number>, options: WordPieceTrainerOptions, hooks: TrainHooks): Generator<TrainProgress, TrainedVocabulary> {
  validate(options);
  const prefix = options.continuingSubwordPrefix;
  const w2id = new Map<string, number>();
  const id2w: string[] = [];
  const add = (t: string): number => {
    const id = id2w.length;
    id2w.push(t);
    w2id.set(t, id);
    return id;
  };
  for (const t of options.specialTokens) if (!w2id.has(t)) add(t);

  // Alphabet: every character with its count, the initial alphabet counting as infinitely frequent.
  const alphabet = new Map<string, number>();
  let occurrences = 0;
  for (const [word, count] of wordCounts) {
    occurrences += count;
    for (const c of word) alphabet.set(c, (alphabet.get(c) ?? 0) + count);
  }
  for (const c of options.initialAlphabet) alphabet.set(c, Infinity);
  let kept = [...alphabet.entries()];
  const toRemove = options.limitAlphabet !== null && alphabet.size > options.limitAlphabet ? alphabet.size - options.limitAlphabet : 0;
  if (toRemove > 0) {
    // Least frequent first; Rust breaks ties arbitrarily (unstable sort), we drop the higher code point.
    kept.sort((a, b) => a[1] - b[1] || cp(b[0]) - cp(a[0]));
    kept = kept.slice(toRemove);
  }
  kept.sort((a, b) => cp(a[0]) - cp(b[0]));
  for (const [c] of kept) if (!w2id.has(c)) add(c);

  // Words as symbol ids; `##` pieces numbered in first-appearance order (or the given order).
  const wordList: string[] = [];
  const counts: number[] = [];
  for (const [w, c] of wordCounts) {
    wordList.push(w);
    counts.push(c);
  }
  const pieceOf = (c: string, first: boolean) => (first ? c : prefix + c);
  const newPieces: string[] = [];
  const seen = new Set<string>();
  for (const w of wordList) {
    let first = true;
    for (const c of w) {
      if (w2id.has(c)) {
        const s = pieceOf(c, first);
        if (!w2id.has(s) && !seen.has(s)) {
          seen.add(s);
          newPieces.push(s);
        }
      }
      first = false;
    }
  }
  if (hooks.pieceOrder) {
    const rank = hooks.pieceOrder;
    newPieces.sort((a, b) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity));
  }
  for (const s of newPieces) add(s);
  const words: Int32Array[] = [];
  const lengths = new Int32Array(wordList.length);
  wordList.forEach((w, i) => {
    const ids: number[] = [];
    let first = true;
    for (const c of w) {
      if (w2id.has(c)) ids.push(w2id.get(pieceOf(c, first))!);
      first = false;
    }
    words.push(Int32Array.from(ids));
    lengths[i] = ids.length;
  });

  const pairCounts = new Map<number, number>();
  let whereToUpdate = new Map<number, Set<number>>();
  words.forEach((sym, i) => {
    for (let k = 0; k + 1 < lengths[i]; k++) {
      const key = sym[k] * PAIR + sym[k + 1];
      pairCounts.set(key, (pairCounts.get(key) ?? 0) + counts[i]);
      let s = whereToUpdate.get(key);
      if (!s) whereToUpdate.set(key, (s = new Set()));
      s.add(i);
    }
  });
  const queue = new MergeQueue();
  const flush = () => {
    for (const [key, pos] of whereToUpdate) {
      const count = pairCounts.get(key)!;
      if (count > 0) queue.push({ key, count, pos });
    }
    whereToUpdate = new Map();
  };
  flush();

  let merges = 0;
  const changes: number[] = [];
  while (w2id.size < options.vocabSize && queue.size > 0) {
    const top = queue.pop()!;
    const current = pairCounts.get(top.key)!;
    if (top.count !== current) {
      top.count = current;
      queue.push(top);
      continue;
    }
    if (top.count < 1 || options.minFrequency > top.count) break;
    const a = Math.floor(top.key / PAIR);
    const b = top.key % PAIR;
    const partB = id2w[b].startsWith(prefix) ? id2w[b].slice(prefix.length) : id2w[b];
    const token = id2w[a] + partB;
    const newId = w2id.get(token) ?? add(token);
    merges++;
    for (const i of top.pos) {
      changes.length = 0;
      lengths[i] = mergeWord(words[i], lengths[i], a, b, newId, changes);
      for (let k = 0; k < changes.length; k += 2) {
        const key = changes[k];
        const change = changes[k + 1];
        pairCounts.set(key, (pairCounts.get(key) ?? 0) + change * counts[i]);
        if (change > 0) {
          let s = whereToUpdate.get(key);
          if (!s) whereToUpdate.set(key, (s = new Set()));
          s.add(i);
        }
      }
    }
    flush();
    if (merges % 200 === 0) yield { phase: 'merging', done: w2id.size, total: options.vocabSize };
  }
  return {
    tokens: id2w,
    lowercase: options.normalizer.lowercase,
    words: wordCounts.size,
    wordOccurrences: occurrences,
    alphabet: kept.length,
    droppedCharacters: toRemove,
    merges,
  };
}

function cp(c: string): number {
  return c.codePointAt(0)!;
}

/**
 * Merges every non-overlapping (a, b) left to right in `sym[0, len)`, in place; pushes the pair-count
 * changes as [pairKey, delta] the way Hugging Face's Word::merge reports them. Returns the new length.
 */
function mergeWord(sym: Int32Array, len: number, a: number, b: number, id: number, changes: number[]): number {
  let out = 0;
  for (let i = 0; i < len; ) {
    if (sym[i] === a && i + 1 < len && sym[i + 1] === b) {
      if (out > 0) {
        changes.push(sym[out - 1] * PAIR + a, -1, sym[out - 1] * PAIR + id, 1);
      }
      if (i + 2 < len) {
        changes.push(b * PAIR + sym[i + 2], -1, id * PAIR + sym[i + 2], 1);
      }
      sym[out++] = id;
      i += 2;
    } else sym[out++] = sym[i++];
  }
  return out;
}

interface Merge {
  key: number;
  count: number;
  pos: Set<number>;
}

/** Max-heap on count, then the smaller (first id, second id) pair. */
class MergeQueue {
  private heap: Merge[] = [];

  get size(): number {
    return this.heap.length;
  }

  private above(x: Merge, y: Merge): boolean {
    return x.count !== y.count ? x.count > y.count : x.key < y.key;
  }

  push(m: Merge): void {
    const h = this.heap;
    h.push(m);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.above(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  pop(): Merge | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.above(h[l], h[m])) m = l;
        if (r < h.length && this.above(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

/** vocab.txt text of a trained vocabulary. */
export function vocabText(tokens: readonly string[]): string {
  return tokens.join('\n') + '\n';
}
