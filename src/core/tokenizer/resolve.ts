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
}

/**
 * The one place that decides a tokenizer's casing. A tokenizer.json carries its own (an explicit
 * `lowercase` overrides it). For a vocab.txt: the explicit choice, then tokenizer_config.json
 * `do_lower_case` (from the same model folder), then the file name ("uncased"/"cased"), then
 * BertTokenizer's default (lowercase).
 */
export function resolveTokenizer(file: TokenizerFile, options: { lowercase?: boolean; tokenizerConfig?: string | null } = {}): ResolvedTokenizer {
  if (file.text.trimStart().startsWith('{')) {
    const tokenizer = tokenizerFromFileText(file.text, { lowercase: options.lowercase });
    const why = options.lowercase === undefined ? `${file.name} normalizer` : 'explicit choice';
    return { tokenizer, vocabText: vocabTextOf(tokenizer), lowercase: tokenizer.normalizer.lowercase, why };
  }
  const casing = vocabCasing(file.name, options.lowercase, options.tokenizerConfig ?? null);
  const tokenizer = tokenizerFromFileText(file.text, { lowercase: casing.lowercase });
  return { tokenizer, vocabText: file.text, lowercase: casing.lowercase, why: casing.why };
}

function vocabCasing(vocabName: string, explicit: boolean | undefined, tokenizerConfig: string | null): { lowercase: boolean; why: string } {
  if (explicit !== undefined) return { lowercase: explicit, why: explicit ? '--lowercase' : '--cased' };
  if (tokenizerConfig) {
    let v: unknown;
    try {
      v = (JSON.parse(tokenizerConfig) as { do_lower_case?: unknown }).do_lower_case;
    } catch {
      throw new Error('tokenizer_config.json is not valid JSON');
    }
    if (typeof v === 'boolean') return { lowercase: v, why: 'tokenizer_config.json do_lower_case' };
  }
  const name = vocabName.toLowerCase();
  if (name.includes('uncased')) return { lowercase: true, why: `"uncased" in ${vocabName}` };
  if (name.includes('cased')) return { lowercase: false, why: `"cased" in ${vocabName}` };
  return { lowercase: true, why: 'default (pass --cased for a cased vocabulary)' };
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
