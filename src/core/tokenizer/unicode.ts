/**
 * Character classes used by BERT's normalizer and pre-tokenizer, as Hugging Face's Rust
 * tokenizers define them. Results are memoised in one flat table indexed by code point.
 */

export const WHITESPACE = 1;
export const PUNCTUATION = 2;
/** Unicode "Other" (Cc, Cf, Cn, Co, Cs) except \t \n \r: removed by clean_text. */
export const CONTROL = 4;
/** CJK ideographs that handle_chinese_chars isolates. */
export const CHINESE = 8;
/** Nonspacing marks (Mn), removed by strip_accents. */
export const NONSPACING_MARK = 16;

const COMPUTED = 128;
const table = new Uint8Array(0x110000);

/**
 * Hugging Face's Rust tokenizer classifies characters with Unicode 8 era tables (the
 * unicode_categories and unicode-normalization-alignments crates), while JavaScript's regexes follow
 * the engine's current Unicode. These are the code points where the two disagree, found by running
 * every code point through the Rust tokenizer (see tokenizer.test.ts, which re-checks them all).
 * Most are characters assigned after Unicode 8 (unassigned, hence plain letters, for Rust).
 */
const LEGACY = {
  notControl: '890-891 8e2 110cd 13430-1343f',
  notMark:
    '7fd 897-89f 8ca-8e1 9fe afa-aff b55 c04 c3c d00 d3b-d3c d81 eba ece 180f 1885-1886 1abf-1add 1ae0-1aeb ' +
    '1df6-1dfb a82c a8c5 a8ff a9bd 10d24-10d27 10d69-10d6d 10eab-10eac 10efa-10eff 10f46-10f50 10f82-10f85 ' +
    '11070 11073-11074 110c2 111c9 111cf 1123e 11241 1133b 113bb-113c0 113ce 113d0 113d2 113e1-113e2 ' +
    '11438-1143f 11442-11444 11446 1145e 1182f-11837 11839-1183a 1193b-1193c 1193e 11943 119d4-119d7 ' +
    '119da-119db 119e0 11a01-11a0a 11a33-11a38 11a3b-11a3e 11a47 11a51-11a56 11a59-11a5b 11a8a-11a96 ' +
    '11a98-11a99 11b60 11b62-11b64 11b66 11c30-11c36 11c38-11c3d 11c3f 11c92-11ca7 11caa-11cb0 11cb2-11cb3 ' +
    '11cb5-11cb6 11d31-11d36 11d3a 11d3c-11d3d 11d3f-11d45 11d47 11d90-11d91 11d95 11d97 11ef3-11ef4 ' +
    '11f00-11f01 11f36-11f3a 11f40 11f42 11f5a 13440 13447-13455 1611e-16129 1612d-1612f 16f4f 16fe4 ' +
    '1cf00-1cf2d 1cf30-1cf46 1e000-1e006 1e008-1e018 1e01b-1e021 1e023-1e024 1e026-1e02a 1e08f 1e130-1e136 ' +
    '1e2ae 1e2ec-1e2ef 1e4ec-1e4ef 1e5ee-1e5ef 1e6e3 1e6e6 1e6ee-1e6ef 1e6f5 1e944-1e94a',
  mark: '1734 1171e',
  notPunctuation:
    '61d 9fd a76 c77 c84 1b4e-1b4f 1b7d-1b7f 2e43-2e4f 2e52-2e5d 10d6e 10ead 10ed0 10f55-10f59 10f86-10f89 ' +
    '113d4-113d5 113d7-113d8 1144b-1144f 1145a-1145b 1145d 11660-1166c 116b9 1183b 11944-11946 119e2 ' +
    '11a3f-11a46 11a9a-11a9c 11a9e-11aa2 11b00-11b09 11be1 11c41-11c45 11c70-11c71 11ef7-11ef8 11f43-11f4f ' +
    '11fff 12ff1-12ff2 16d6d-16d6f 16e97-16e9a 16fe2 1e5ff 1e95e-1e95f',
  punctuation: '166d 111c9',
  noDecomposition: '105c9 105e4 11383 11385 1138e 11391 113c5 113c7-113c8 11938 16121-16128 16d68-16d6a',
};

function parseRanges(spec: string): Set<number> {
  const out = new Set<number>();
  for (const part of spec.split(' ')) {
    const [a, b] = part.split('-');
    const lo = parseInt(a, 16);
    const hi = b === undefined ? lo : parseInt(b, 16);
    for (let c = lo; c <= hi; c++) out.add(c);
  }
  return out;
}

let legacy: Record<keyof typeof LEGACY, Set<number>> | null = null;

function legacySets(): Record<keyof typeof LEGACY, Set<number>> {
  if (!legacy) {
    legacy = {
      notControl: parseRanges(LEGACY.notControl),
      notMark: parseRanges(LEGACY.notMark),
      mark: parseRanges(LEGACY.mark),
      notPunctuation: parseRanges(LEGACY.notPunctuation),
      punctuation: parseRanges(LEGACY.punctuation),
      noDecomposition: parseRanges(LEGACY.noDecomposition),
    };
  }
  return legacy;
}

/** True where Rust's (older) normalization tables have no canonical decomposition for `cp`. */
export function hasLegacyNoDecomposition(cp: number): boolean {
  return legacySets().noDecomposition.has(cp);
}

const P_RE = /\p{P}/u;
const C_RE = /[\p{Cc}\p{Cf}\p{Co}]/u;
const MN_RE = /\p{Mn}/u;

/** Rust's char::is_whitespace: the Unicode White_Space property. */
function isWhitespace(cp: number): boolean {
  return (
    (cp >= 0x09 && cp <= 0x0d) ||
    cp === 0x20 ||
    cp === 0x85 ||
    cp === 0xa0 ||
    cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200a) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    cp === 0x202f ||
    cp === 0x205f ||
    cp === 0x3000
  );
}

function isAsciiPunctuation(cp: number): boolean {
  return (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126);
}

function isChinese(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b920 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

function compute(cp: number): number {
  let flags = COMPUTED;
  if (isWhitespace(cp)) flags |= WHITESPACE;
  if (isChinese(cp)) flags |= CHINESE;
  if (cp < 0x80) {
    if (isAsciiPunctuation(cp)) flags |= PUNCTUATION;
    if ((cp < 0x20 || cp === 0x7f) && cp !== 9 && cp !== 10 && cp !== 13) flags |= CONTROL;
    return flags;
  }
  // Lone surrogates cannot reach the Rust tokenizer (its strings are valid UTF-8); treat them as "Other".
  if (cp >= 0xd800 && cp <= 0xdfff) return flags | CONTROL;
  const s = String.fromCodePoint(cp);
  const old = legacySets();
  if ((P_RE.test(s) && !old.notPunctuation.has(cp)) || old.punctuation.has(cp)) flags |= PUNCTUATION;
  if (C_RE.test(s) && !old.notControl.has(cp)) flags |= CONTROL;
  if ((MN_RE.test(s) && !old.notMark.has(cp)) || old.mark.has(cp)) flags |= NONSPACING_MARK;
  return flags;
}

/** Bit set of the classes above for one code point. */
export function charFlags(cp: number): number {
  const f = table[cp];
  if (f !== 0) return f;
  const g = compute(cp);
  table[cp] = g;
  return g;
}
