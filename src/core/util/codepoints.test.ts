import { describe, expect, it } from 'vitest';
import { codePointLength, codePointToUtf16, indexMap, isBmpOnly, utf16ToCodePoint } from './codepoints';

describe('codepoints', () => {
  it('is the identity without surrogates', () => {
    const s = 'héllo wörld';
    expect(isBmpOnly(s)).toBe(true);
    const m = indexMap(s);
    expect(m.identity).toBe(true);
    for (let i = 0; i <= s.length; i++) {
      expect(m.toCodePoint(i)).toBe(i);
      expect(m.toUtf16(i)).toBe(i);
    }
    expect(codePointLength(s)).toBe(s.length);
  });

  it('counts a surrogate pair as one code point', () => {
    const s = 'a😀b𝔘c';
    expect(isBmpOnly(s)).toBe(false);
    expect(codePointLength(s)).toBe(5);
    const cps = [...s];
    const m = indexMap(s);
    let u = 0;
    for (let cp = 0; cp < cps.length; cp++) {
      expect(m.toUtf16(cp)).toBe(u);
      expect(m.toCodePoint(u)).toBe(cp);
      u += cps[cp].length;
    }
    expect(m.toUtf16(cps.length)).toBe(s.length);
    expect(m.toCodePoint(s.length)).toBe(cps.length);
    // The low half of a pair maps to the pair's code point.
    expect(utf16ToCodePoint(s, 2)).toBe(1);
    expect(codePointToUtf16(s, 2)).toBe(3);
  });

  it('round-trips every index of a mixed string and matches Array.from slicing', () => {
    const s = '𝒳x😀😀y\u{10FFFF}';
    const m = indexMap(s);
    const cps = Array.from(s);
    for (let a = 0; a <= cps.length; a++)
      for (let b = a; b <= cps.length; b++)
        expect(s.slice(m.toUtf16(a), m.toUtf16(b))).toBe(cps.slice(a, b).join(''));
  });

  it('treats lone surrogates as one code point each, as Python does', () => {
    const s = 'a\uD800b\uDC00';
    const m = indexMap(s);
    expect(m.codePointLength).toBe(4);
    expect(m.toUtf16(3)).toBe(3);
  });

  it('clamps out-of-range indices', () => {
    const s = 'a😀';
    const m = indexMap(s);
    expect(m.toUtf16(10)).toBe(3);
    expect(m.toCodePoint(10)).toBe(2);
    expect(indexMap('abc').toUtf16(9)).toBe(3);
  });
});
