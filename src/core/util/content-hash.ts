// A 128-bit content hash for cache keys (feature sets): equal inputs give equal keys on every
// machine, and unequal ones collide with negligible chance. Not for security: nothing here is secret.

import { fmix32 as fmix } from './prng';

const PRIMES = [0x01000193, 0x0100019d, 0x010001a5, 0x010001c9];
const OFFSETS = [0x811c9dc5, 0x050c5d1f, 0x6a09e667, 0xbb67ae85];

/**
 * Four FNV-1a lanes with different primes over UTF-16 code units, mixed together at the end. Each
 * `update` is prefixed with its length, so ["ab", "c"] and ["a", "bc"] hash differently.
 */
export class ContentHasher {
  private h0 = OFFSETS[0];
  private h1 = OFFSETS[1];
  private h2 = OFFSETS[2];
  private h3 = OFFSETS[3];

  update(s: string): this {
    this.unit(s.length & 0xffff);
    this.unit(s.length >>> 16);
    let { h0, h1, h2, h3 } = this;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      h0 = Math.imul(h0 ^ c, PRIMES[0]);
      h1 = Math.imul(h1 ^ c, PRIMES[1]);
      h2 = Math.imul(h2 ^ c, PRIMES[2]);
      h3 = Math.imul(h3 ^ c, PRIMES[3]);
    }
    Object.assign(this, { h0, h1, h2, h3 });
    return this;
  }

  /** 32 hex digits. */
  digest(): string {
    let a = fmix(this.h0 ^ Math.imul(this.h3, 0x9e3779b1));
    let b = fmix(this.h1 ^ a);
    let c = fmix(this.h2 ^ b);
    const d = fmix(this.h3 ^ c);
    a = fmix(a ^ d);
    b = fmix(b ^ a);
    c = fmix(c ^ b);
    return [a, b, c, d].map((x) => (x >>> 0).toString(16).padStart(8, '0')).join('');
  }

  private unit(c: number): void {
    this.h0 = Math.imul(this.h0 ^ c, PRIMES[0]);
    this.h1 = Math.imul(this.h1 ^ c, PRIMES[1]);
    this.h2 = Math.imul(this.h2 ^ c, PRIMES[2]);
    this.h3 = Math.imul(this.h3 ^ c, PRIMES[3]);
  }
}

export function contentHash(parts: Iterable<string>): string {
  const h = new ContentHasher();
  for (const p of parts) h.update(p);
  return h.digest();
}
