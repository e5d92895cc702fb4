/**
 * Seeded random numbers in plain JS, so that an init or a dropout seed gives the same numbers
 * on every backend and machine (tf.random* would depend on the backend's kernels).
 */

/** 32-bit FNV-1a of a string, used to give every parameter its own stream. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Mixes two 32-bit values into one well-spread seed (murmur3 finaliser). */
export function mixSeeds(a: number, b: number): number {
  return fmix32((Math.imul(a >>> 0, 0x9e3779b1) ^ (b >>> 0)) >>> 0);
}

/** murmur3's finaliser: every input bit flips about half of the output bits. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Mulberry32: small, fast, and good enough for weight init; returns floats in [0, 1). */
export function uniformGenerator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fills `out` with normal(mean, std) draws (Box-Muller on the uniform stream). */
export function fillNormal(out: Float32Array, seed: number, mean: number, std: number): Float32Array {
  const uniform = uniformGenerator(seed);
  for (let i = 0; i < out.length; i += 2) {
    // 1 - u keeps the log argument in (0, 1].
    const r = Math.sqrt(-2 * Math.log(1 - uniform()));
    const theta = 2 * Math.PI * uniform();
    out[i] = mean + std * r * Math.cos(theta);
    if (i + 1 < out.length) out[i + 1] = mean + std * r * Math.sin(theta);
  }
  return out;
}
