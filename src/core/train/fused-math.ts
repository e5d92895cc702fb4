/**
 * Attributes of one AdamW update, precomputed on the host from lr, t and the options:
 * stepSize = lr / (1 - beta1^t), sqrtBc2 = sqrt(1 - beta2^t), decay = 1 - lr * wd (1 where none),
 * gradScale = the clipping coefficient.
 */
export interface AdamWStepAttrs {
  beta1: number;
  beta2: number;
  eps: number;
  stepSize: number;
  sqrtBc2: number;
  decay: number;
  gradScale: number;
}

const f = Math.fround;

/**
 * The AdamW update element by element, rounding to float32 after every operation in the order the
 * composite tfjs ops take, so the result equals theirs (double rounding is exact for + - * / sqrt).
 */
export function adamwLoop(
  p: Float32Array,
  m: Float32Array,
  v: Float32Array,
  g: Float32Array,
  pOut: Float32Array,
  mOut: Float32Array,
  vOut: Float32Array,
  a: AdamWStepAttrs,
): void {
  const b1 = f(a.beta1);
  const c1 = f(1 - a.beta1);
  const b2 = f(a.beta2);
  const c2 = f(1 - a.beta2);
  const bc2 = f(a.sqrtBc2);
  const eps = f(a.eps);
  const decay = f(a.decay);
  const stepSize = f(a.stepSize);
  const scale = f(a.gradScale);
  const scaled = a.gradScale !== 1;
  const decays = a.decay !== 1;
  for (let i = 0; i < p.length; i++) {
    const gi = scaled ? f(g[i] * scale) : g[i];
    const mi = f(f(m[i] * b1) + f(gi * c1));
    const vi = f(f(v[i] * b2) + f(f(gi * gi) * c2));
    const denom = f(f(Math.sqrt(vi) / bc2) + eps);
    const pi = decays ? f(p[i] * decay) : p[i];
    pOut[i] = pi - f(f(mi / denom) * stepSize);
    mOut[i] = mi;
    vOut[i] = vi;
  }
}

/** sum of x^2, accumulated in float64 (tfjs's cpu Sum accumulates in a JS number too). */
export function sumOfSquaresLoop(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s;
}
