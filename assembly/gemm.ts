// A float32 matrix product for tfjs's wasm backend, C = A B (+ bias), with any strides on A and B
// (so transposed operands cost nothing) and a batch of equal-shaped slices. Blocked as in
// GotoBLAS: B is packed KC x NC at a time into panels 8 columns wide, A MC x KC into panels 4 rows
// high, and a 4 x 8 tile of C is held
// in eight SIMD registers while it runs over KC. Built with relaxed SIMD, the multiply-add is one
// fused instruction where the CPU has one; without, a multiply and an add.

const KC = 256;
const NC = 256;
const MC = 128;

/** Bytes of scratch one call needs: the packed blocks of B and A, then a 4 x 8 tile for ragged edges. */
export function gemmScratchBytes(): i32 {
  return (KC * NC + MC * KC + 4 * 8) * 4;
}

// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Packs B[k0 .. k0+kc, j0 .. j0+nc] into panels of 8 columns (row k of a panel is 8 floats), zero past nc. */
function packB(b: usize, rsb: i32, csb: i32, k0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  for (let p = 0; p < nc; p += 8) {
    const w = min(8, nc - p);
    const panel = dst + <usize>(p * kc * 4);
    const col = b + <usize>((k0 * rsb + (j0 + p) * csb) * 4);
    if (csb == 1 && w == 8) {
      for (let k = 0; k < kc; k++) {
        const src = col + <usize>(k * rsb * 4);
        const d = panel + <usize>(k * 32);
        v128.store(d, v128.load(src));
        v128.store(d, v128.load(src, 16), 16);
      }
    } else {
      for (let j = 0; j < 8; j++) {
        const src = col + <usize>(j * csb * 4);
        let d = panel + <usize>(j * 4);
        if (j < w) {
          for (let k = 0; k < kc; k++, d += 32) store<f32>(d, load<f32>(src + <usize>(k * rsb * 4)));
        } else {
          for (let k = 0; k < kc; k++, d += 32) store<f32>(d, 0);
        }
      }
    }
  }
}

/**
 * Packs A[i0 .. i0+mc, k0 .. k0+kc] into panels of 4 rows (column k of a panel is 4 floats), zero
 * past mc. Row-major A goes through 4 x 4 SIMD transposes; column-major A is copied 4 floats at a time.
 */
function packA(a: usize, rsa: i32, csa: i32, i0: i32, mc: i32, k0: i32, kc: i32, dst: usize): void {
  const rs = <usize>(rsa * 4), cs = <usize>(csa * 4);
  for (let p = 0; p < mc; p += 4) {
    const h = min(4, mc - p);
    const src = a + <usize>(i0 + p) * rs + <usize>(k0) * cs;
    const panel = dst + <usize>(p * kc * 4);
    if (h == 4 && rsa == 1) {
      for (let k = 0; k < kc; k++) v128.store(panel + <usize>(k * 16), v128.load(src + <usize>(k) * cs));
    } else if (h == 4 && csa == 1) {
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const o = <usize>(k * 4);
        const r0 = v128.load(src + o), r1 = v128.load(src + rs + o), r2 = v128.load(src + 2 * rs + o), r3 = v128.load(src + 3 * rs + o);
        const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
        const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7), t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
        const d = panel + <usize>(k * 16);
        v128.store(d, i64x2.shuffle(t0, t1, 0, 2));
        v128.store(d, i64x2.shuffle(t0, t1, 1, 3), 16);
        v128.store(d, i64x2.shuffle(t2, t3, 0, 2), 32);
        v128.store(d, i64x2.shuffle(t2, t3, 1, 3), 48);
      }
      for (; k < kc; k++) {
        const d = panel + <usize>(k * 16), o = <usize>(k * 4);
        for (let r = 0; r < 4; r++) store<f32>(d + <usize>(r * 4), load<f32>(src + <usize>(r) * rs + o));
      }
    } else {
      for (let k = 0; k < kc; k++) {
        const d = panel + <usize>(k * 16);
        for (let r = 0; r < 4; r++) store<f32>(d + <usize>(r * 4), r < h ? load<f32>(src + <usize>(r) * rs + <usize>(k) * cs) : 0);
      }
    }
  }
}

/**
 * One 4 x 8 tile of C over kc, from a packed panel of A (4 floats per k) and one of B (8 per k).
 * mode 0 stores, 1 adds to C, 2 adds the bias row.
 */
// @ts-ignore: decorator
@inline function tile(ap: usize, bp: usize, kc: i32, c: usize, ldc: usize, mode: i32, bias: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let p = ap, q = bp;
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(q), b1 = v128.load(q, 16);
    let x = v128.load32_splat(p);
    c00 = madd(x, b0, c00); c01 = madd(x, b1, c01);
    x = v128.load32_splat(p, 4);
    c10 = madd(x, b0, c10); c11 = madd(x, b1, c11);
    x = v128.load32_splat(p, 8);
    c20 = madd(x, b0, c20); c21 = madd(x, b1, c21);
    x = v128.load32_splat(p, 12);
    c30 = madd(x, b0, c30); c31 = madd(x, b1, c31);
    p += 16;
    q += 32;
  }
  if (mode == 1) {
    c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c + ldc)); c11 = f32x4.add(c11, v128.load(c + ldc, 16));
    c20 = f32x4.add(c20, v128.load(c + 2 * ldc)); c21 = f32x4.add(c21, v128.load(c + 2 * ldc, 16));
    c30 = f32x4.add(c30, v128.load(c + 3 * ldc)); c31 = f32x4.add(c31, v128.load(c + 3 * ldc, 16));
  } else if (mode == 2) {
    const d0 = v128.load(bias), d1 = v128.load(bias, 16);
    c00 = f32x4.add(c00, d0); c01 = f32x4.add(c01, d1);
    c10 = f32x4.add(c10, d0); c11 = f32x4.add(c11, d1);
    c20 = f32x4.add(c20, d0); c21 = f32x4.add(c21, d1);
    c30 = f32x4.add(c30, d0); c31 = f32x4.add(c31, d1);
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + ldc, c10); v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20); v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30); v128.store(c + 3 * ldc, c31, 16);
}

/** A tile with fewer than 4 rows or 8 columns, through the scratch tile t; only `rows` x `cols` of C is written. */
function ragged(ap: usize, bp: usize, kc: i32, rows: i32, cols: i32, c: usize, ldc: usize, mode: i32, bias: usize, t: usize): void {
  for (let r = 0; r < 4; r++) {
    for (let j = 0; j < 8; j++) {
      let v: f32 = 0;
      if (r < rows && j < cols) {
        if (mode == 1) v = load<f32>(c + <usize>(r) * ldc + <usize>(j * 4));
        else if (mode == 2) v = load<f32>(bias + <usize>(j * 4));
      }
      store<f32>(t + <usize>(r * 32 + j * 4), v);
    }
  }
  tile(ap, bp, kc, t, 32, mode == 0 ? 0 : 1, 0);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) store<f32>(c + <usize>(r) * ldc + <usize>(j * 4), load<f32>(t + <usize>(r * 32 + j * 4)));
  }
}

/**
 * For slices s in [s0, s1) and columns j in [j0, j1): C_s[i, j] = sum_k A_s[i, k] B_s[k, j] (+ bias[j]).
 * Element strides: A's rows rsa, along k csa, slices sa; B's along k rsb, columns csb, slices sb;
 * C's rows ldc (columns contiguous), slices sc. bias 0 for none. scratch: gemmScratchBytes().
 */
export function gemm(
  a: usize, rsa: i32, csa: i32, sa: i32,
  b: usize, rsb: i32, csb: i32, sb: i32,
  c: usize, ldc: i32, sc: i32, bias: usize,
  M: i32, K: i32, s0: i32, s1: i32, j0: i32, j1: i32, scratch: usize,
): void {
  const ld = <usize>(ldc * 4);
  const packedA = scratch + <usize>(KC * NC * 4);
  const t = packedA + <usize>(MC * KC * 4);
  for (let s = s0; s < s1; s++) {
    const as = a + <usize>(s * sa * 4), bs = b + <usize>(s * sb * 4), cslice = c + <usize>(s * sc * 4);
    for (let jc = j0; jc < j1; jc += NC) {
      const nc = min(NC, j1 - jc);
      if (K == 0) {
        // An empty sum: C is the bias, or 0.
        for (let i = 0; i < M; i++) {
          for (let j = 0; j < nc; j++) store<f32>(cslice + <usize>(i) * ld + <usize>((jc + j) * 4), bias ? load<f32>(bias + <usize>((jc + j) * 4)) : 0);
        }
        continue;
      }
      for (let pc = 0; pc < K; pc += KC) {
        const kc = min(KC, K - pc);
        packB(bs, rsb, csb, pc, kc, jc, nc, scratch);
        const mode = pc > 0 ? 1 : bias ? 2 : 0;
        for (let ic = 0; ic < M; ic += MC) {
          const mc = min(MC, M - ic);
          packA(as, rsa, csa, ic, mc, pc, kc, packedA);
          for (let i = 0; i < mc; i += 4) {
            const rows = min(4, mc - i);
            const ap = packedA + <usize>(i * kc * 4);
            const crow = cslice + <usize>(ic + i) * ld + <usize>(jc * 4);
            for (let jr = 0; jr < nc; jr += 8) {
              const cols = min(8, nc - jr);
              const bp = scratch + <usize>(jr * kc * 4);
              const bj = bias + <usize>((jc + jr) * 4);
              if (rows == 4 && cols == 8) tile(ap, bp, kc, crow + <usize>(jr * 4), ld, mode, bj);
              else ragged(ap, bp, kc, rows, cols, crow + <usize>(jr * 4), ld, mode, bj, t);
            }
          }
        }
      }
    }
  }
}
