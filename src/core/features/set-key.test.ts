import { describe, expect, it } from 'vitest';
import { featureSetKey, FEATURIZER_VERSION } from './set-key';
import { DEMO_VOCAB_TEXT, tokenizerFromVocab } from '../tokenizer';
import { contentHash } from '../util/content-hash';

const tok = tokenizerFromVocab(DEMO_VOCAB_TEXT, { lowercase: true });

describe('featureSetKey', () => {
  it('names the task, featurizer version, casing and window settings, and separates tasks', () => {
    const qa = featureSetKey('d', tok, { task: 'qa', maxLength: 384, stride: 128 });
    const pairs = featureSetKey('d', tok, { task: 'mrpc', maxLength: 384 });
    expect(qa).toMatch(new RegExp(`^qa/v${FEATURIZER_VERSION.qa}\\|data:d\\|vocab:[0-9a-f]{32}\\|uncased\\|max_length=384,stride=128$`));
    expect(pairs).toMatch(/^mrpc\/v\d+\|data:d\|vocab:[0-9a-f]{32}\|uncased\|max_length=384$/);
    expect(featureSetKey('d', tok, { task: 'mrpc', maxLength: 128 })).not.toBe(pairs);
  });
});

describe('contentHash', () => {
  it('is stable, 128 bits, and tells apart the same text cut differently', () => {
    expect(contentHash(['ab', 'c'])).toBe(contentHash(['ab', 'c']));
    expect(contentHash(['ab', 'c'])).toMatch(/^[0-9a-f]{32}$/);
    expect(contentHash(['ab', 'c'])).not.toBe(contentHash(['a', 'bc']));
    expect(contentHash(['abc'])).not.toBe(contentHash(['abd']));
    expect(contentHash([''])).not.toBe(contentHash([]));
  });
});
