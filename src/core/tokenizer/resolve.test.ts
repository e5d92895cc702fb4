import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveTokenizer } from './resolve';

const vocab = (cased: boolean) => readFileSync(resolve(process.cwd(), `../shared/data/vocab/bert-base-${cased ? 'cased' : 'uncased'}-vocab.txt`), 'utf8');

describe('resolveTokenizer (one casing rule for every command)', () => {
  it('a cased vocabulary named without a hint and no tokenizer_config.json is cased, from its tokens', () => {
    const r = resolveTokenizer({ text: vocab(true), name: 'vocab.txt' }, { folderName: 'my-model' });
    expect(r).toMatchObject({ lowercase: false, guessed: true, why: 'the vocabulary has uppercase tokens' });
    expect(r.tokenizer.tokenize('Paris')).toEqual(['Paris']);
    expect(resolveTokenizer({ text: vocab(false), name: 'vocab.txt' }).lowercase).toBe(true);
  });

  it('takes the explicit choice, then tokenizer_config.json, then the file or folder name', () => {
    const text = vocab(true);
    expect(resolveTokenizer({ text, name: 'vocab.txt' }, { lowercase: true, tokenizerConfig: '{"do_lower_case": false}' })).toMatchObject({ lowercase: true, guessed: false });
    expect(resolveTokenizer({ text, name: 'vocab.txt' }, { tokenizerConfig: '{"do_lower_case": true}' })).toMatchObject({ lowercase: true, why: 'tokenizer_config.json do_lower_case' });
    expect(resolveTokenizer({ text, name: 'vocab.txt' }, { folderName: 'bert-base-uncased' })).toMatchObject({ lowercase: true, why: '"uncased" in bert-base-uncased' });
    expect(() => resolveTokenizer({ text, name: 'vocab.txt' }, { tokenizerConfig: '{oops' })).toThrow('tokenizer_config.json is not valid JSON');
  });
});
