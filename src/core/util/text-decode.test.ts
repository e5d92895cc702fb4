import { describe, expect, it } from 'vitest';
import { StrictTextDecoder, TextDecodeError, decodeText, parseEncodingName, sniffEncoding } from './text-decode.js';

const bytes = (...b: number[]) => Uint8Array.from(b);
// "café Zürich" in each encoding, written out byte by byte.
const UTF8 = bytes(0x63, 0x61, 0x66, 0xc3, 0xa9, 0x20, 0x5a, 0xc3, 0xbc, 0x72, 0x69, 0x63, 0x68);
const CP1252 = bytes(0x63, 0x61, 0x66, 0xe9, 0x20, 0x5a, 0xfc, 0x72, 0x69, 0x63, 0x68);
const UTF16LE = bytes(0x63, 0, 0x61, 0, 0x66, 0, 0xe9, 0, 0x20, 0, 0x5a, 0, 0xfc, 0, 0x72, 0, 0x69, 0, 0x63, 0, 0x68, 0);
const swap = (b: Uint8Array) => Uint8Array.from(b, (_, i) => b[i ^ 1]);

function decodeInChunks(b: Uint8Array, size: number, encoding?: Parameters<typeof decodeText>[1]): string {
  const d = new StrictTextDecoder(encoding);
  let out = '';
  for (let i = 0; i < b.length; i += size) out += d.push(b.subarray(i, i + size));
  return out + d.end();
}

function decodeError(b: Uint8Array): TextDecodeError {
  try {
    decodeText(b);
  } catch (err) {
    if (err instanceof TextDecodeError) return err;
    throw err;
  }
  throw new Error('decoded without error');
}

describe('BOM-aware strict decoding', () => {
  it('reads UTF-8 with and without its byte-order mark, whatever the chunk size', () => {
    for (const size of [1, 2, 3, 5, 100]) {
      expect(decodeInChunks(UTF8, size)).toBe('café Zürich');
      expect(decodeInChunks(bytes(0xef, 0xbb, 0xbf, ...UTF8), size)).toBe('café Zürich');
    }
    expect(decodeText(bytes(0xef, 0xbb, 0xbf, ...UTF8)).encoding).toBe('utf-8');
  });

  it('reads UTF-16 LE and BE from their byte-order marks, surrogate pairs included', () => {
    const emoji = bytes(0x3d, 0xd8, 0x80, 0xde); // U+1F680 in UTF-16 LE
    for (const size of [1, 3, 64]) {
      expect(decodeInChunks(bytes(0xff, 0xfe, ...UTF16LE, ...emoji), size)).toBe('café Zürich🚀');
      expect(decodeInChunks(bytes(0xfe, 0xff, ...swap(UTF16LE), ...swap(emoji)), size)).toBe('café Zürich🚀');
    }
    expect(decodeText(bytes(0xfe, 0xff, ...swap(UTF16LE))).encoding).toBe('utf-16be');
    // Without a mark, a NUL in the first two bytes gives UTF-16 away.
    expect(decodeText(UTF16LE)).toEqual({ text: 'café Zürich', encoding: 'utf-16le' });
    expect(sniffEncoding(swap(UTF16LE))).toEqual({ encoding: 'utf-16be', bom: 0 });
  });

  it('reports invalid UTF-8 with its byte offset instead of replacing it', () => {
    const e = decodeError(CP1252);
    expect(e.offset).toBe(3);
    expect(e.encoding).toBe('utf-8');
    expect(e.message).toMatch(/^not valid UTF-8 at byte 3 \(E9 20\)/);
    expect(e.message).toMatch(/Windows-1252/);
    // Offsets count from the start of the file, BOM included, across chunks.
    const d = new StrictTextDecoder();
    d.push(bytes(0xef, 0xbb, 0xbf, 0x61, 0x62));
    expect(() => d.push(bytes(0x63, 0x80))).toThrow(/at byte 6 \(80\): a continuation byte with no lead byte/);
    expect(decodeError(bytes(0x61, 0xc0, 0xaf)).offset).toBe(1); // overlong "/"
    expect(decodeError(bytes(0x61, 0xed, 0xa0, 0x80)).offset).toBe(1); // an encoded surrogate
    expect(decodeError(bytes(0x61, 0x62, 0xe2, 0x82)).message).toMatch(/at byte 2 \(E2 82\): the file ends inside a multi-byte character/);
  });

  it('decodes Windows-1252 when asked, the bytes 0x80-0x9F included', () => {
    expect(decodeText(CP1252, 'windows-1252').text).toBe('café Zürich');
    expect(decodeText(bytes(0x80, 0x93, 0x94, 0x99), 'windows-1252').text).toBe('€“”™');
  });

  it('reports broken UTF-16: a lone surrogate, an odd byte at the end', () => {
    expect(() => decodeText(bytes(0xff, 0xfe, 0x61, 0, 0x3d, 0xd8, 0x62, 0))).toThrow(/UTF-16 LE at byte 4: a high surrogate without its low surrogate/);
    expect(() => decodeText(bytes(0xff, 0xfe, 0x61, 0, 0x62))).toThrow(/at byte 4 \(62\): the file ends with half a UTF-16 code unit/);
  });

  it('names encodings the way users write them', () => {
    expect(parseEncodingName('Windows-1252')).toBe('windows-1252');
    expect(parseEncodingName('latin1')).toBe('windows-1252');
    expect(parseEncodingName('UTF_16LE')).toBe('utf-16le');
    expect(() => parseEncodingName('ebcdic')).toThrow(/unknown encoding "ebcdic"/);
  });
});
