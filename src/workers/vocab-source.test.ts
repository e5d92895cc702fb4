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

describe('vocabulary files', () => {
  it('are decoded by their byte-order mark, and invalid UTF-8 is reported with its offset', async () => {
    const utf16 = new Uint8Array([0xff, 0xfe, ...Array.from(Buffer.from('[PAD]\n[UNK]\ncafé\n', 'utf16le'))]);
    expect(await vocabSourceText({ kind: 'file', file: new File([utf16], 'vocab.txt'), label: 'vocab.txt' })).toBe('[PAD]\n[UNK]\ncafé\n');
    const latin1 = new File([Buffer.from('[PAD]\ncafé\n', 'latin1')], 'vocab.txt');
    await expect(vocabSourceText({ kind: 'file', file: latin1, label: 'vocab.txt' })).rejects.toThrow('The vocabulary vocab.txt is not valid UTF-8 at byte 9 (E9 0A)');
  });
});
