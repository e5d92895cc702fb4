/** Decoding of the on-disk element types checkpoints use, to float32. */

export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export type TensorDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

export const DTYPE_BYTES: Readonly<Record<TensorDtype, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

export function isTensorDtype(s: unknown): s is TensorDtype {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(DTYPE_BYTES, s);
}

/** IEEE 754 half to float: exponent 0 is subnormal, 31 is inf/NaN. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Decodes `count` little-endian elements starting at `bytes[0]` into float32. */
export function decodeToFloat32(bytes: Uint8Array, dtype: TensorDtype, count: number): Float32Array {
  const need = count * DTYPE_BYTES[dtype];
  if (bytes.byteLength < need) throw new Error(`need ${need} bytes for ${count} ${dtype} values, have ${bytes.byteLength}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, need);
  const out = new Float32Array(count);
  switch (dtype) {
    case 'F32':
      // A byte copy is much faster than DataView reads; safetensors is little-endian like every host tfjs runs on.
      new Uint8Array(out.buffer).set(bytes.subarray(0, need));
      if (!LITTLE_ENDIAN) for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
      break;
    case 'F64':
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
      break;
    case 'F16':
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      break;
    case 'BF16': {
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) bits[i] = view.getUint16(i * 2, true) << 16;
      break;
    }
    case 'I64':
      for (let i = 0; i < count; i++) out[i] = Number(view.getBigInt64(i * 8, true));
      break;
    case 'I32':
      for (let i = 0; i < count; i++) out[i] = view.getInt32(i * 4, true);
      break;
    case 'I16':
      for (let i = 0; i < count; i++) out[i] = view.getInt16(i * 2, true);
      break;
    case 'I8':
      for (let i = 0; i < count; i++) out[i] = view.getInt8(i);
      break;
    case 'U8':
    case 'BOOL':
      for (let i = 0; i < count; i++) out[i] = bytes[i];
      break;
  }
  return out;
}


/** A tensor read from a checkpoint, decoded only when asked (unused heads are never decoded). */
export interface StoredTensor {
  dtype: TensorDtype;
  shape: number[];
  toFloat32(): Float32Array;
}
