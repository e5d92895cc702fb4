import { BertTokenizer } from './bert';
import type { NormalizerOptions, TokenizerConfig, WordPieceOptions } from './types';

export interface VocabOptions {
  /** true for uncased vocabularies (lowercase + strip accents), false for cased ones. */
  lowercase: boolean;
  normalizer?: Partial<NormalizerOptions>;
  wordPiece?: Partial<WordPieceOptions>;
}

const DEFAULT_WORDPIECE: WordPieceOptions = {
  unkToken: '[UNK]',
  continuingSubwordPrefix: '##',
  maxInputCharsPerWord: 100,
};

/**
 * Parses vocab.txt as Hugging Face does: one token per line, id = line number, trailing
 * whitespace trimmed, a later duplicate overriding an earlier one.
 */
export function parseVocabText(text: string): Map<string, number> {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const vocab = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) vocab.set(lines[i].trimEnd(), i);
  return vocab;
}

/** Builds a BERT tokenizer from the text of a vocab.txt file. */
export function tokenizerFromVocab(vocabText: string, options: VocabOptions): BertTokenizer {
  const vocab = parseVocabText(vocabText);
  if (vocab.size === 0) throw new Error('the vocabulary file is empty');
  const config: TokenizerConfig = {
    normalizer: {
      cleanText: true,
      handleChineseChars: true,
      stripAccents: null,
      lowercase: options.lowercase,
      ...options.normalizer,
    },
    wordPiece: { ...DEFAULT_WORDPIECE, ...options.wordPiece },
    clsToken: '[CLS]',
    sepToken: '[SEP]',
    padToken: '[PAD]',
  };
  return new BertTokenizer(vocab, config);
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function bool(v: unknown, fallback: boolean): boolean {
  return typeof v === 'boolean' ? v : fallback;
}

/** Finds the BertNormalizer, also inside a Sequence normalizer. */
function findBertNormalizer(n: unknown): Json | null {
  if (!isObject(n)) return null;
  if (n.type === 'BertNormalizer') return n;
  if (n.type === 'Sequence' && Array.isArray(n.normalizers)) {
    for (const m of n.normalizers) {
      const found = findBertNormalizer(m);
      if (found) return found;
    }
  }
  return null;
}

/** Special tokens named by a BertProcessing / TemplateProcessing post-processor, if any. */
function specialTokens(post: unknown): { cls?: string; sep?: string } {
  if (!isObject(post)) return {};
  if (post.type === 'BertProcessing' && Array.isArray(post.cls) && Array.isArray(post.sep))
    return { cls: String(post.cls[0]), sep: String(post.sep[0]) };
  return {};
}

/**
 * Builds a BERT tokenizer from a Hugging Face tokenizer.json (object or text). Reads the
 * BertNormalizer flags (strip_accents null follows lowercase) and the WordPiece model.
 */
export function tokenizerFromJson(json: string | Json, overrides?: Partial<NormalizerOptions>): BertTokenizer {
  const root: unknown = typeof json === 'string' ? JSON.parse(json) : json;
  if (!isObject(root)) throw new Error('tokenizer.json: expected a JSON object');
  const model = root.model;
  if (!isObject(model) || model.type !== 'WordPiece' || !isObject(model.vocab))
    throw new Error(
      `tokenizer.json: expected a WordPiece model with a vocab, found ${isObject(model) ? String(model.type) : 'none'}`,
    );
  const bert = findBertNormalizer(root.normalizer);
  if (root.normalizer != null && !bert)
    throw new Error('tokenizer.json: only the BertNormalizer is supported (found another normalizer)');
  const lowercase = bool(bert?.lowercase, true);
  const normalizer: NormalizerOptions = {
    cleanText: bool(bert?.clean_text, true),
    handleChineseChars: bool(bert?.handle_chinese_chars, true),
    stripAccents: typeof bert?.strip_accents === 'boolean' ? bert.strip_accents : null,
    lowercase,
    ...overrides,
  };
  const vocab = new Map<string, number>();
  for (const [token, id] of Object.entries(model.vocab)) {
    if (typeof id !== 'number') throw new Error(`tokenizer.json: vocab entry "${token}" has no numeric id`);
    vocab.set(token, id);
  }
  const wordPiece: WordPieceOptions = {
    unkToken: typeof model.unk_token === 'string' ? model.unk_token : DEFAULT_WORDPIECE.unkToken,
    continuingSubwordPrefix:
      typeof model.continuing_subword_prefix === 'string'
        ? model.continuing_subword_prefix
        : DEFAULT_WORDPIECE.continuingSubwordPrefix,
    maxInputCharsPerWord:
      typeof model.max_input_chars_per_word === 'number'
        ? model.max_input_chars_per_word
        : DEFAULT_WORDPIECE.maxInputCharsPerWord,
  };
  const specials = specialTokens(root.post_processor);
  const padding = isObject(root.padding) && typeof root.padding.pad_token === 'string' ? root.padding.pad_token : null;
  return new BertTokenizer(vocab, {
    normalizer,
    wordPiece,
    clsToken: specials.cls ?? '[CLS]',
    sepToken: specials.sep ?? '[SEP]',
    padToken: padding ?? '[PAD]',
  });
}

/**
 * Chooses the loader from the file's content: a JSON object is a tokenizer.json (which carries its
 * own casing; `lowercase`, when given, overrides it), anything else a vocab.txt (which needs it).
 */
export function tokenizerFromFileText(
  text: string,
  options: { lowercase?: boolean; normalizer?: Partial<NormalizerOptions>; wordPiece?: Partial<WordPieceOptions> },
): BertTokenizer {
  if (text.trimStart().startsWith('{')) {
    const overrides = { ...options.normalizer };
    if (options.lowercase !== undefined) overrides.lowercase = options.lowercase;
    return tokenizerFromJson(text, overrides);
  }
  if (options.lowercase === undefined)
    throw new Error('a vocab.txt does not say whether it is cased: pass lowercase true (uncased) or false (cased)');
  return tokenizerFromVocab(text, { ...options, lowercase: options.lowercase });
}
