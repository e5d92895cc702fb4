import type { BertTokenizer } from './bert';
import { tokenizerFromFileText } from './load';

/** A tokenizer file's text and name: a vocab.txt or a tokenizer.json. */
export interface TokenizerFile {
  text: string;
  name: string;
}

export interface ResolvedTokenizer {
  tokenizer: BertTokenizer;
  /** vocab.txt text (one token per line in id order), for a model folder written out. */
  vocabText: string;
  lowercase: boolean;
  /** Where the casing came from, for a report. */
  why: string;
  /** True when nothing said the casing and it was inferred from names or the vocabulary's tokens. */
  guessed: boolean;
}

/**
 * The one place that decides a tokenizer's casing, for the CLI and the studio alike: an explicit
 * choice; else tokenizer_config.json `do_lower_case` of the same model folder (Hugging Face applies
 * it over a tokenizer.json too); else a tokenizer.json's own normalizer; else, for a bare vocab.txt,
 * "uncased"/"cased" in its file or folder name, else its tokens (uppercase word pieces: cased).
 */
export function resolveTokenizer(
  file: TokenizerFile,
  options: { lowercase?: boolean; tokenizerConfig?: string | null; folderName?: string } = {},
): ResolvedTokenizer {
  let decided: { lowercase: boolean; why: string } | null = null;
  if (options.lowercase !== undefined) decided = { lowercase: options.lowercase, why: options.lowercase ? '--lowercase' : '--cased' };
  else if (options.tokenizerConfig) {
    let v: unknown;
    try {
      v = (JSON.parse(options.tokenizerConfig) as { do_lower_case?: unknown }).do_lower_case;
    } catch {
      throw new Error('tokenizer_config.json is not valid JSON');
    }
    if (typeof v === 'boolean') decided = { lowercase: v, why: 'tokenizer_config.json do_lower_case' };
  }
  if (file.text.trimStart().startsWith('{')) {
    const tokenizer = tokenizerFromFileText(file.text, { lowercase: decided?.lowercase });
    const lowercase = tokenizer.normalizer.lowercase;
    return { tokenizer, vocabText: vocabTextOf(tokenizer), lowercase, why: decided?.why ?? `${file.name} normalizer`, guessed: false };
  }
  const casing = decided ?? guessVocabCasing(file, options.folderName);
  const tokenizer = tokenizerFromFileText(file.text, { lowercase: casing.lowercase });
  return { tokenizer, vocabText: file.text, lowercase: casing.lowercase, why: casing.why, guessed: decided === null };
}

function guessVocabCasing(file: TokenizerFile, folderName?: string): { lowercase: boolean; why: string } {
  for (const name of [file.name, folderName ?? '']) {
    if (/uncased/i.test(name)) return { lowercase: true, why: `"uncased" in ${name}` };
    if (/cased/i.test(name)) return { lowercase: false, why: `"cased" in ${name}` };
  }
  // Special tokens such as [CLS] do not count; an uncased vocabulary may keep a stray uppercase symbol
  // (bert-base-uncased has 2 of 30,522), a cased one has them by the thousand (8,368 of 28,996).
  const tokens = file.text.split('\n');
  const upperCount = tokens.filter((t) => !/^\[.*\]$/.test(t.trim()) && /\p{Lu}/u.test(t)).length;
  const upper = upperCount > Math.max(2, tokens.length * 0.01);
  return { lowercase: !upper, why: upper ? 'the vocabulary has uppercase tokens' : 'the vocabulary has no uppercase tokens' };
}

/** vocab.txt text of a tokenizer, one token per line in id order. */
export function vocabTextOf(tokenizer: BertTokenizer): string {
  const lines: string[] = [];
  for (let id = 0; id < tokenizer.vocabSize; id++) {
    const t = tokenizer.idToToken(id);
    if (t === undefined) throw new Error(`the tokenizer has no token with id ${id}; cannot write vocab.txt`);
    lines.push(t);
  }
  return `${lines.join('\n')}\n`;
}
