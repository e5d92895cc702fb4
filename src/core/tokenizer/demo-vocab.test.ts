import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOracle } from '../features/oracle.test-util.js';
import { DEMO_DATASET } from '../squad/demo.js';
import { squadTexts } from '../squad/texts.js';
import { DEMO_VOCAB_TEXT, trainDemoVocab } from './demo-vocab.js';
import { DEMO_VOCAB_TOKENS } from './demo-vocab.generated.js';
import { tokenizerFromVocab } from './load.js';

describe('the shipped demo vocabulary', () => {
  it('is exactly what the trainer produces from the demo dataset (run scripts/make-demo-vocab.ts after changing either)', () => {
    expect(DEMO_VOCAB_TOKENS).toEqual(trainDemoVocab().tokens);
  });

  it('starts with the BERT special tokens and tokenizes the whole demo without [UNK]', () => {
    expect(DEMO_VOCAB_TOKENS.slice(0, 5)).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    const t = tokenizerFromVocab(DEMO_VOCAB_TEXT, { lowercase: true });
    let tokens = 0;
    for (const text of squadTexts(DEMO_DATASET.data)) {
      const enc = t.encode(text);
      tokens += enc.length;
      expect(Array.from(enc.ids).filter((id) => id === t.unkId).length, text).toBe(0);
    }
    expect(tokens).toBeGreaterThan(1000);
  });

  it('tokenizes the demo as Hugging Face does with the same vocab.txt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-vocab-'));
    try {
      const file = join(dir, 'vocab.txt');
      writeFileSync(file, DEMO_VOCAB_TEXT);
      const oracle = await loadOracle(file, true);
      const ours = tokenizerFromVocab(DEMO_VOCAB_TEXT, { lowercase: true });
      for (const text of squadTexts(DEMO_DATASET.data)) {
        const ref = await oracle.tokenizer.encode(text, null, { addSpecialTokens: false });
        expect(Array.from(ours.encode(text).ids)).toEqual(ref.getIds());
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
