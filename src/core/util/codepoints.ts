/**
 * Conversions between UTF-16 code-unit indices (JavaScript string positions) and Unicode code-point
 * indices (Python string positions, used by SQuAD's answer_start and by Hugging Face offsets).
 */

const SURROGATE = /[\uD800-\uDFFF]/;

/** True when the string holds no surrogate code unit, so both index spaces coincide. */
export function isBmpOnly(s: string): boolean {
  return !SURROGATE.test(s);
}

/** Maps indices of one string both ways; identity when the string has no surrogates. */
export interface IndexMap {
  readonly identity: boolean;
  /** UTF-16 index (0..s.length) -> code-point index. An index inside a pair maps to the pair's code point. */
  toCodePoint(utf16: number): number;
  /** Code-point index (0..count) -> UTF-16 index. Indices past the end clamp to s.length. */
  toUtf16(codePoint: number): number;
  /** Number of code points in the string. */
  readonly codePointLength: number;
}

const IDENTITY_CACHE = new Map<number, IndexMap>();

function identityMap(length: number): IndexMap {
  let m = IDENTITY_CACHE.get(length);
  if (!m) {
    m = {
      identity: true,
      codePointLength: length,
      toCodePoint: (i) => i,
      toUtf16: (i) => (i > length ? length : i),
    };
    if (IDENTITY_CACHE.size > 4096) IDENTITY_CACHE.clear();
    IDENTITY_CACHE.set(length, m);
  }
  return m;
}

/** Builds the two lookup tables once, so that converting many offsets of one string is O(1) each. */
export function indexMap(s: string): IndexMap {
  if (isBmpOnly(s)) return identityMap(s.length);
  const n = s.length;
  const toCp = new Int32Array(n + 1);
  const toU16: number[] = [];
  let cp = 0;
  for (let i = 0; i < n; ) {
    toU16.push(i);
    const c = s.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < n && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    toCp[i] = cp;
    if (pair) {
      toCp[i + 1] = cp;
      i += 2;
    } else i += 1;
    cp++;
  }
  toCp[n] = cp;
  toU16.push(n);
  const table = Int32Array.from(toU16);
  return {
    identity: false,
    codePointLength: cp,
    toCodePoint: (i) => toCp[i < 0 ? 0 : i > n ? n : i],
    toUtf16: (i) => table[i < 0 ? 0 : i > cp ? cp : i],
  };
}

/** One-off conversion; prefer indexMap() when converting many indices of the same string. */
export function utf16ToCodePoint(s: string, utf16: number): number {
  return indexMap(s).toCodePoint(utf16);
}

/** One-off conversion; prefer indexMap() when converting many indices of the same string. */
export function codePointToUtf16(s: string, codePoint: number): number {
  return indexMap(s).toUtf16(codePoint);
}

/** Number of code points (Python's len()). */
export function codePointLength(s: string): number {
  return isBmpOnly(s) ? s.length : indexMap(s).codePointLength;
}
