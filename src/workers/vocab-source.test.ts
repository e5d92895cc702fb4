import { describe, expect, it } from 'vitest';
import { StudioError } from './protocol.js';
import { OFFLINE_VOCAB_HINT, vocabSourceKey, vocabSourceText } from './vocab-source.js';

describe('vocabulary sources', () => {
  it('says what works offline when a download fails', async () => {
    // Port 1 on the loopback refuses connections: a real failed fetch, no network needed.
    const err = await vocabSourceText({ kind: 'url', url: 'http://127.0.0.1:1/vocab.txt', label: 'bert-base-uncased' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StudioError);
    expect((err as StudioError).code).toBe('unavailable');
    expect((err as StudioError).message).toContain('Could not download the vocabulary bert-base-uncased from http://127.0.0.1:1/vocab.txt');
    expect((err as StudioError).message).toContain(OFFLINE_VOCAB_HINT);
    expect(OFFLINE_VOCAB_HINT).toMatch(/BERT Studio demo.*ships with the studio.*from disk.*local assets/);
  });

  it('keys a text vocabulary by its own key and returns its text', async () => {
    const v = { kind: 'text' as const, text: '[PAD]\n[UNK]\n', key: 'builtin:demo:abc', label: 'demo' };
    expect(vocabSourceKey(v)).toBe('builtin:demo:abc');
    expect(await vocabSourceText(v)).toBe('[PAD]\n[UNK]\n');
  });
});
