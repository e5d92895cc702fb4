// Fused training kernels for tfjs's wasm backend, compiled by AssemblyScript with 128-bit SIMD.
// The module imports tfjs-wasm's own memory: every pointer is a byte offset of a tensor there, so
// kernels read and write tensors in place. Nothing here allocates or holds static data.

// ---- exp and erf in four lanes ----

const LOG2E: f32 = 1.44269504;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;

/** e^x, about 1 ulp (Cephes expf's range reduction and polynomial); exactly 0 below -87.3. */
// @ts-ignore: decorator
@inline function exp4(x: v128): v128 {
  const xc = f32x4.min(x, f32x4.splat(88.3762626647949));
  const n = f32x4.nearest(f32x4.mul(xc, f32x4.splat(LOG2E)));
  let r = f32x4.sub(xc, f32x4.mul(n, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  const r2 = f32x4.mul(r, r);
  p = f32x4.add(f32x4.add(f32x4.mul(p, r2), r), f32x4.splat(1));
  // 2^n through the exponent bits; n is in [-127, 128] after the clamp above.
  const ni = i32x4.trunc_sat_f32x4_s(f32x4.max(n, f32x4.splat(-126)));
  const pow2 = i32x4.shl(i32x4.add(ni, i32x4.splat(127)), 23);
  const y = f32x4.mul(p, pow2);
  return v128.andnot(y, f32x4.lt(x, f32x4.splat(-87.3365478515625)));
}

/** erf as tfjs computes it (Abramowitz-Stegun 7.1.26, error 1.5e-7). */
// @ts-ignore: decorator
@inline function erf4(x: v128): v128 {
  const a = f32x4.abs(x);
  const t = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), f32x4.mul(f32x4.splat(0.3275911), a)));
  let p = f32x4.splat(1.061405429);
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-1.453152027));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(1.421413741));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-0.284496736));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.254829592));
  p = f32x4.mul(p, t);
  const r = f32x4.sub(f32x4.splat(1), f32x4.mul(p, exp4(f32x4.neg(f32x4.mul(a, a)))));
  // Copy x's sign onto r.
  return v128.or(v128.and(x, i32x4.splat(0x80000000)), r);
}

/** The dropout multiplier of four elements: scale where float32(u + keep) >= 1, else 0. */
// @ts-ignore: decorator
@inline function kept4(u: v128, keep: v128, scale: v128): v128 {
  return v128.and(scale, f32x4.ge(f32x4.add(u, keep), f32x4.splat(1)));
}

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

// @ts-ignore: decorator
@inline function hmax(v: v128): f32 {
  return max(max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}

// Scalar versions for the tails of rows whose length is not a multiple of 4.
// @ts-ignore: decorator
@inline function exp1(x: f32): f32 {
  return f32x4.extract_lane(exp4(f32x4.splat(x)), 0);
}
// @ts-ignore: decorator
@inline function erf1(x: f32): f32 {
  return f32x4.extract_lane(erf4(f32x4.splat(x)), 0);
}
// @ts-ignore: decorator
@inline function kept1(u: f32, keep: f32, scale: f32): f32 {
  return u + keep >= 1 ? scale : 0;
}

// ---- AdamW ----

/** One AdamW update, rounding after every operation in the composite's order (see fused-math.ts). */
export function adamw(p: usize, m: usize, v: usize, g: usize, po: usize, mo: usize, vo: usize, n: i32,
  b1: f32, c1: f32, b2: f32, c2: f32, bc2: f32, eps: f32, decay: f32, stepSize: f32, scale: f32, scaled: i32, decays: i32): void {
  const B1 = f32x4.splat(b1), C1 = f32x4.splat(c1), B2 = f32x4.splat(b2), C2 = f32x4.splat(c2);
  const BC2 = f32x4.splat(bc2), EPS = f32x4.splat(eps), DECAY = f32x4.splat(decay), STEP = f32x4.splat(stepSize), SCALE = f32x4.splat(scale);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i << 2;
    let gi = v128.load(g + o);
    if (scaled) gi = f32x4.mul(gi, SCALE);
    const mi = f32x4.add(f32x4.mul(v128.load(m + o), B1), f32x4.mul(gi, C1));
    const vi = f32x4.add(f32x4.mul(v128.load(v + o), B2), f32x4.mul(f32x4.mul(gi, gi), C2));
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vi), BC2), EPS);
    let pi = v128.load(p + o);
    if (decays) pi = f32x4.mul(pi, DECAY);
    v128.store(po + o, f32x4.sub(pi, f32x4.mul(f32x4.div(mi, denom), STEP)));
    v128.store(mo + o, mi);
    v128.store(vo + o, vi);
  }
  for (let i = n4; i < n; i++) {
    const o = <usize>i << 2;
    let gi = load<f32>(g + o);
    if (scaled) gi = gi * scale;
    const mi = load<f32>(m + o) * b1 + gi * c1;
    const vi = load<f32>(v + o) * b2 + gi * gi * c2;
    const denom = sqrt<f32>(vi) / bc2 + eps;
    let pi = load<f32>(p + o);
    if (decays) pi = pi * decay;
    store<f32>(po + o, pi - (mi / denom) * stepSize);
    store<f32>(mo + o, mi);
    store<f32>(vo + o, vi);
  }
}

/** Sum of squares, accumulated in float64 per lane pair. */
export function sumSquares(x: usize, n: i32): f64 {
  let acc0 = f64x2.splat(0), acc1 = f64x2.splat(0);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    const sq = f32x4.mul(v, v);
    acc0 = f64x2.add(acc0, f64x2.promote_low_f32x4(sq));
    acc1 = f64x2.add(acc1, f64x2.promote_low_f32x4(i32x4.shuffle(sq, sq, 2, 3, 0, 1)));
  }
  let s = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1) + f64x2.extract_lane(acc1, 0) + f64x2.extract_lane(acc1, 1);
  for (let i = n4; i < n; i++) {
    const v = <f64>load<f32>(x + (<usize>i << 2));
    s += v * v;
  }
  return s;
}

// ---- LayerNorm over rows of H ----

// @ts-ignore: decorator
@inline function rowMean(x: usize, H: i32): f32 {
  let acc = f32x4.splat(0);
  const H4 = H & ~3;
  for (let h = 0; h < H4; h += 4) acc = f32x4.add(acc, v128.load(x + (<usize>h << 2)));
  let s = hsum(acc);
  for (let h = H4; h < H; h++) s += load<f32>(x + (<usize>h << 2));
  return s / <f32>H;
}

// @ts-ignore: decorator
@inline function rowRstd(x: usize, H: i32, mean: f32, eps: f32): f32 {
  const M = f32x4.splat(mean);
  let acc = f32x4.splat(0);
  const H4 = H & ~3;
  for (let h = 0; h < H4; h += 4) {
    const d = f32x4.sub(v128.load(x + (<usize>h << 2)), M);
    acc = f32x4.add(acc, f32x4.mul(d, d));
  }
  let s = hsum(acc);
  for (let h = H4; h < H; h++) {
    const d = load<f32>(x + (<usize>h << 2)) - mean;
    s += d * d;
  }
  return <f32>1 / sqrt<f32>(s / <f32>H + eps);
}

export function layerNorm(x: usize, gamma: usize, beta: usize, y: usize, N: i32, H: i32, eps: f32): void {
  const H4 = H & ~3;
  const rowBytes = <usize>H << 2;
  for (let n = 0; n < N; n++) {
    const xr = x + <usize>n * rowBytes, yr = y + <usize>n * rowBytes;
    const mean = rowMean(xr, H);
    const rstd = rowRstd(xr, H, mean, eps);
    const M = f32x4.splat(mean), R = f32x4.splat(rstd);
    for (let h = 0; h < H4; h += 4) {
      const o = <usize>h << 2;
      const xhat = f32x4.mul(f32x4.sub(v128.load(xr + o), M), R);
      v128.store(yr + o, f32x4.add(f32x4.mul(xhat, v128.load(gamma + o)), v128.load(beta + o)));
    }
    for (let h = H4; h < H; h++) {
      const o = <usize>h << 2;
      store<f32>(yr + o, (load<f32>(xr + o) - mean) * rstd * load<f32>(gamma + o) + load<f32>(beta + o));
    }
  }
}

/** dx = rstd (g - mean(g) - xhat mean(g xhat)), g = dy gamma; dgamma = sum dy xhat; dbeta = sum dy. */
export function layerNormGrad(dy: usize, x: usize, gamma: usize, dx: usize, dgamma: usize, dbeta: usize, N: i32, H: i32, eps: f32): void {
  const H4 = H & ~3;
  const rowBytes = <usize>H << 2;
  memory.fill(dgamma, 0, rowBytes);
  memory.fill(dbeta, 0, rowBytes);
  const invH = <f32>1 / <f32>H;
  for (let n = 0; n < N; n++) {
    const xr = x + <usize>n * rowBytes, dyr = dy + <usize>n * rowBytes, dxr = dx + <usize>n * rowBytes;
    const mean = rowMean(xr, H);
    const rstd = rowRstd(xr, H, mean, eps);
    const M = f32x4.splat(mean), R = f32x4.splat(rstd);
    let sg = f32x4.splat(0), sgx = f32x4.splat(0);
    for (let h = 0; h < H4; h += 4) {
      const o = <usize>h << 2;
      const xhat = f32x4.mul(f32x4.sub(v128.load(xr + o), M), R);
      const d = v128.load(dyr + o);
      const g = f32x4.mul(d, v128.load(gamma + o));
      sg = f32x4.add(sg, g);
      sgx = f32x4.add(sgx, f32x4.mul(g, xhat));
      v128.store(dgamma + o, f32x4.add(v128.load(dgamma + o), f32x4.mul(d, xhat)));
      v128.store(dbeta + o, f32x4.add(v128.load(dbeta + o), d));
    }
    let sumG = hsum(sg), sumGX = hsum(sgx);
    for (let h = H4; h < H; h++) {
      const o = <usize>h << 2;
      const xhat = (load<f32>(xr + o) - mean) * rstd;
      const d = load<f32>(dyr + o);
      const g = d * load<f32>(gamma + o);
      sumG += g;
      sumGX += g * xhat;
      store<f32>(dgamma + o, load<f32>(dgamma + o) + d * xhat);
      store<f32>(dbeta + o, load<f32>(dbeta + o) + d);
    }
    sumG *= invH;
    sumGX *= invH;
    const SG = f32x4.splat(sumG), SGX = f32x4.splat(sumGX);
    for (let h = 0; h < H4; h += 4) {
      const o = <usize>h << 2;
      const xhat = f32x4.mul(f32x4.sub(v128.load(xr + o), M), R);
      const g = f32x4.mul(v128.load(dyr + o), v128.load(gamma + o));
      v128.store(dxr + o, f32x4.mul(R, f32x4.sub(f32x4.sub(g, SG), f32x4.mul(xhat, SGX))));
    }
    for (let h = H4; h < H; h++) {
      const o = <usize>h << 2;
      const xhat = (load<f32>(xr + o) - mean) * rstd;
      store<f32>(dxr + o, rstd * (load<f32>(dyr + o) * load<f32>(gamma + o) - sumG - xhat * sumGX));
    }
  }
}

// ---- attention: dropout(softmax(scores * scale + mask)) over rows of len ----

/** Writes the row's softmax into out; returns nothing. */
// @ts-ignore: decorator
@inline function softmaxRow(s: usize, m: usize, out: usize, len: i32, scale: f32): void {
  const L4 = len & ~3;
  const S = f32x4.splat(scale);
  let mx4 = f32x4.splat(-Infinity);
  for (let j = 0; j < L4; j += 4) {
    const o = <usize>j << 2;
    const z = f32x4.add(f32x4.mul(v128.load(s + o), S), v128.load(m + o));
    v128.store(out + o, z);
    mx4 = f32x4.max(mx4, z);
  }
  let mx = hmax(mx4);
  for (let j = L4; j < len; j++) {
    const o = <usize>j << 2;
    const z = load<f32>(s + o) * scale + load<f32>(m + o);
    store<f32>(out + o, z);
    mx = max(mx, z);
  }
  const MX = f32x4.splat(mx);
  let sum4 = f32x4.splat(0);
  for (let j = 0; j < L4; j += 4) {
    const o = <usize>j << 2;
    const e = exp4(f32x4.sub(v128.load(out + o), MX));
    v128.store(out + o, e);
    sum4 = f32x4.add(sum4, e);
  }
  let sum = hsum(sum4);
  for (let j = L4; j < len; j++) {
    const o = <usize>j << 2;
    const e = exp1(load<f32>(out + o) - mx);
    store<f32>(out + o, e);
    sum += e;
  }
  const inv = f32x4.splat(<f32>1 / sum);
  for (let j = 0; j < L4; j += 4) {
    const o = <usize>j << 2;
    v128.store(out + o, f32x4.mul(v128.load(out + o), inv));
  }
  const invS = <f32>1 / sum;
  for (let j = L4; j < len; j++) {
    const o = <usize>j << 2;
    store<f32>(out + o, load<f32>(out + o) * invS);
  }
}

/** scores [rows, len], mask [rows / perBatch, len], noise [rows, len] or 0 for no dropout. */
export function attentionProbs(scores: usize, mask: usize, noise: usize, out: usize, rows: i32, len: i32, perBatch: i32, scale: f32, keep: f32, dropScale: f32): void {
  const rowBytes = <usize>len << 2;
  const L4 = len & ~3;
  const K = f32x4.splat(keep), D = f32x4.splat(dropScale);
  for (let r = 0; r < rows; r++) {
    const base = <usize>r * rowBytes;
    softmaxRow(scores + base, mask + <usize>(r / perBatch) * rowBytes, out + base, len, scale);
    if (noise == 0) continue;
    for (let j = 0; j < L4; j += 4) {
      const o = base + (<usize>j << 2);
      v128.store(out + o, f32x4.mul(v128.load(out + o), kept4(v128.load(noise + o), K, D)));
    }
    for (let j = L4; j < len; j++) {
      const o = base + (<usize>j << 2);
      store<f32>(out + o, load<f32>(out + o) * kept1(load<f32>(noise + o), keep, dropScale));
    }
  }
}

/** dx = scale * p * (g - sum(g p)) with g = dy * the dropout multiplier; p recomputed from the scores. */
export function attentionProbsGrad(dy: usize, scores: usize, mask: usize, noise: usize, dx: usize, rows: i32, len: i32, perBatch: i32, scale: f32, keep: f32, dropScale: f32): void {
  const rowBytes = <usize>len << 2;
  const L4 = len & ~3;
  const K = f32x4.splat(keep), D = f32x4.splat(dropScale), S = f32x4.splat(scale);
  for (let r = 0; r < rows; r++) {
    const base = <usize>r * rowBytes;
    softmaxRow(scores + base, mask + <usize>(r / perBatch) * rowBytes, dx + base, len, scale);
    let dot4 = f32x4.splat(0);
    for (let j = 0; j < L4; j += 4) {
      const o = base + (<usize>j << 2);
      let g = v128.load(dy + o);
      if (noise != 0) g = f32x4.mul(g, kept4(v128.load(noise + o), K, D));
      dot4 = f32x4.add(dot4, f32x4.mul(g, v128.load(dx + o)));
    }
    let dot = hsum(dot4);
    for (let j = L4; j < len; j++) {
      const o = base + (<usize>j << 2);
      let g = load<f32>(dy + o);
      if (noise != 0) g *= kept1(load<f32>(noise + o), keep, dropScale);
      dot += g * load<f32>(dx + o);
    }
    const DOT = f32x4.splat(dot);
    for (let j = 0; j < L4; j += 4) {
      const o = base + (<usize>j << 2);
      let g = v128.load(dy + o);
      if (noise != 0) g = f32x4.mul(g, kept4(v128.load(noise + o), K, D));
      v128.store(dx + o, f32x4.mul(f32x4.mul(S, v128.load(dx + o)), f32x4.sub(g, DOT)));
    }
    for (let j = L4; j < len; j++) {
      const o = base + (<usize>j << 2);
      let g = load<f32>(dy + o);
      if (noise != 0) g *= kept1(load<f32>(noise + o), keep, dropScale);
      store<f32>(dx + o, scale * load<f32>(dx + o) * (g - dot));
    }
  }
}

// ---- elementwise ----

/** out = a + b over n floats. */
export function addArrays(a: usize, b: usize, out: usize, n: i32): void {
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.add(v128.load(a + o), v128.load(b + o)));
  }
  for (let i = n4; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(a + o) + load<f32>(b + o));
  }
}

// ---- embedding gradient: a scatter-add of dy rows into a zeroed table ----

/**
 * Columns [0, W) of rows `stride` floats apart: zeroes them in all `rows` rows of out, then adds
 * dy's row n to out's row ids[n] for n in order (ids outside the table, or paddingIdx, are skipped).
 */
export function embeddingGrad(dy: usize, ids: usize, out: usize, N: i32, W: i32, stride: i32, rows: i32, paddingIdx: i32): void {
  const rowBytes = <usize>stride << 2;
  const width = <usize>W << 2;
  for (let r = 0; r < rows; r++) memory.fill(out + <usize>r * rowBytes, 0, width);
  for (let n = 0; n < N; n++) {
    const id = load<i32>(ids + (<usize>n << 2));
    if (id == paddingIdx || id < 0 || id >= rows) continue;
    const dst = out + <usize>id * rowBytes;
    addArrays(dst, dy + <usize>n * rowBytes, dst, W);
  }
}

// ---- gelu(x + bias), erf form, over rows of I ----

const SQRT1_2: f32 = 0.70710678118654752;
const INV_SQRT_2PI: f32 = 0.39894228040143268;

export function biasGelu(x: usize, bias: usize, y: usize, N: i32, I: i32): void {
  const I4 = I & ~3;
  const rowBytes = <usize>I << 2;
  const HALF = f32x4.splat(0.5), ONE = f32x4.splat(1), R2 = f32x4.splat(SQRT1_2);
  for (let n = 0; n < N; n++) {
    const xr = x + <usize>n * rowBytes, yr = y + <usize>n * rowBytes;
    for (let i = 0; i < I4; i += 4) {
      const o = <usize>i << 2;
      const z = f32x4.add(v128.load(xr + o), v128.load(bias + o));
      v128.store(yr + o, f32x4.mul(f32x4.mul(HALF, z), f32x4.add(ONE, erf4(f32x4.mul(z, R2)))));
    }
    for (let i = I4; i < I; i++) {
      const o = <usize>i << 2;
      const z = load<f32>(xr + o) + load<f32>(bias + o);
      store<f32>(yr + o, <f32>0.5 * z * (<f32>1 + erf1(z * SQRT1_2)));
    }
  }
}

/** dx = dy * gelu'(x + bias); dbias = sum over rows of dx. */
/** Columns [0, I) of rows `stride` floats apart (a column range of a wider matrix when I < stride). */
export function biasGeluGrad(dy: usize, x: usize, bias: usize, dx: usize, dbias: usize, N: i32, I: i32, stride: i32): void {
  const I4 = I & ~3;
  const rowBytes = <usize>stride << 2;
  memory.fill(dbias, 0, <usize>I << 2);
  const HALF = f32x4.splat(0.5), ONE = f32x4.splat(1), R2 = f32x4.splat(SQRT1_2), C = f32x4.splat(INV_SQRT_2PI), MHALF = f32x4.splat(-0.5);
  for (let n = 0; n < N; n++) {
    const xr = x + <usize>n * rowBytes, dyr = dy + <usize>n * rowBytes, dxr = dx + <usize>n * rowBytes;
    for (let i = 0; i < I4; i += 4) {
      const o = <usize>i << 2;
      const z = f32x4.add(v128.load(xr + o), v128.load(bias + o));
      const cdf = f32x4.mul(HALF, f32x4.add(ONE, erf4(f32x4.mul(z, R2))));
      const pdf = f32x4.mul(C, exp4(f32x4.mul(MHALF, f32x4.mul(z, z))));
      const g = f32x4.mul(v128.load(dyr + o), f32x4.add(cdf, f32x4.mul(z, pdf)));
      v128.store(dxr + o, g);
      v128.store(dbias + o, f32x4.add(v128.load(dbias + o), g));
    }
    for (let i = I4; i < I; i++) {
      const o = <usize>i << 2;
      const z = load<f32>(xr + o) + load<f32>(bias + o);
      const slope = <f32>0.5 * (<f32>1 + erf1(z * SQRT1_2)) + z * INV_SQRT_2PI * exp1(<f32>-0.5 * z * z);
      const g = load<f32>(dyr + o) * slope;
      store<f32>(dxr + o, g);
      store<f32>(dbias + o, load<f32>(dbias + o) + g);
    }
  }
}

// ---- residual + dropout ----

export function residualDropout(x: usize, res: usize, noise: usize, y: usize, n: i32, keep: f32, dropScale: f32): void {
  const K = f32x4.splat(keep), D = f32x4.splat(dropScale);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.add(f32x4.mul(v128.load(x + o), kept4(v128.load(noise + o), K, D)), v128.load(res + o)));
  }
  for (let i = n4; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(x + o) * kept1(load<f32>(noise + o), keep, dropScale) + load<f32>(res + o));
  }
}

export function dropoutGrad(dy: usize, noise: usize, dx: usize, n: i32, keep: f32, dropScale: f32): void {
  const K = f32x4.splat(keep), D = f32x4.splat(dropScale);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i << 2;
    v128.store(dx + o, f32x4.mul(v128.load(dy + o), kept4(v128.load(noise + o), K, D)));
  }
  for (let i = n4; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dx + o, load<f32>(dy + o) * kept1(load<f32>(noise + o), keep, dropScale));
  }
}

// ---- layout helpers the dense layer's gradient needs ----

/** dst [C, R] = src [R, C]^T, in 4x4 blocks transposed in registers. */
export function transpose2d(src: usize, dst: usize, R: i32, C: i32): void {
  const R4 = R & ~3, C4 = C & ~3;
  const srcRow = <usize>C << 2, dstRow = <usize>R << 2;
  for (let r = 0; r < R4; r += 4) {
    const s0 = src + <usize>r * srcRow;
    const d0 = dst + (<usize>r << 2);
    for (let c = 0; c < C4; c += 4) {
      const o = <usize>c << 2;
      const a = v128.load(s0 + o), b = v128.load(s0 + srcRow + o), cc = v128.load(s0 + 2 * srcRow + o), d = v128.load(s0 + 3 * srcRow + o);
      const t0 = i32x4.shuffle(a, b, 0, 4, 1, 5), t1 = i32x4.shuffle(cc, d, 0, 4, 1, 5);
      const t2 = i32x4.shuffle(a, b, 2, 6, 3, 7), t3 = i32x4.shuffle(cc, d, 2, 6, 3, 7);
      const out = d0 + <usize>c * dstRow;
      v128.store(out, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
      v128.store(out + dstRow, i32x4.shuffle(t0, t1, 2, 3, 6, 7));
      v128.store(out + 2 * dstRow, i32x4.shuffle(t2, t3, 0, 1, 4, 5));
      v128.store(out + 3 * dstRow, i32x4.shuffle(t2, t3, 2, 3, 6, 7));
    }
    for (let c = C4; c < C; c++) {
      for (let k = 0; k < 4; k++) store<f32>(dst + <usize>c * dstRow + (<usize>(r + k) << 2), load<f32>(src + <usize>(r + k) * srcRow + (<usize>c << 2)));
    }
  }
  for (let r = R4; r < R; r++) {
    for (let c = 0; c < C; c++) store<f32>(dst + <usize>c * dstRow + (<usize>r << 2), load<f32>(src + <usize>r * srcRow + (<usize>c << 2)));
  }
}

/** out [C] = sum over the N rows of x [N, C], row after row. */
export function sumRows(x: usize, out: usize, N: i32, C: i32): void {
  const rowBytes = <usize>C << 2;
  memory.fill(out, 0, rowBytes);
  for (let n = 0; n < N; n++) addArrays(out, x + <usize>n * rowBytes, out, C);
}

// ---- dropout noise ----

/**
 * n uniform [0, 1) floats from the Alea generator at state (s0, s1, s2, c): the sequence tfjs's
 * randomUniform draws for a seed, bit for bit (every step is exact float64 arithmetic, then one
 * rounding to float32).
 */
export function aleaUniform(out: usize, n: i32, s0: f64, s1: f64, s2: f64, c: f64): void {
  // Alea's state words are multiples of 2^-32 and its carry an integer below 2091639, so its step
  // t = 2091639 s0 + c 2^-32 is exact in float64 and equals T 2^-32 for the integer
  // T = 2091639 S0 + C (S = s 2^32): the carry is T >> 32 and the new word T's low 32 bits. Bit for
  // bit the same numbers, with a 2-cycle dependency chain instead of a float round trip.
  let a = <u64>(s0 * 4294967296.0), b = <u64>(s1 * 4294967296.0), d = <u64>(s2 * 4294967296.0);
  let carry = <u64>c;
  for (let i = 0; i < n; i++) {
    const t = 2091639 * a + carry;
    a = b;
    b = d;
    carry = t >> 32;
    d = t & 0xffffffff;
    store<f32>(out + (<usize>i << 2), <f32>(<f64>d * 2.3283064365386963e-10));
  }
}
