import { DTYPE_BYTES, LITTLE_ENDIAN, type StoredTensor, type TensorDtype, decodeToFloat32, isTensorDtype } from './dtypes.js';
import type { HostTensor } from './params.js';
import { shapeSize } from './params.js';

export class SafetensorsError extends Error {
  constructor(message: string) {
    super(`invalid safetensors file: ${message}`);
    this.name = 'SafetensorsError';
  }
}

export interface SafetensorsFile {
  tensors: Map<string, StoredTensor>;
  metadata: Record<string, string> | null;
}

/** Largest header the reference implementation accepts (100 MB); anything bigger is a lie or an attack. */
const MAX_HEADER_BYTES = 100_000_000;

function asBytes(buffer: ArrayBuffer | Uint8Array): Uint8Array {
  return buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
}

/**
 * Parses a safetensors file held in memory. Every header claim is checked against the buffer
 * before any tensor byte is touched: header length, dtype, shape, and data_offsets that must lie
 * inside the data section, match dtype x shape and not overlap.
 */
export function readSafetensors(buffer: ArrayBuffer | Uint8Array): SafetensorsFile {
  const bytes = asBytes(buffer);
  if (bytes.byteLength < 8) throw new SafetensorsError(`file is ${bytes.byteLength} bytes, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  const headerLength = hi * 2 ** 32 + lo;
  if (headerLength > MAX_HEADER_BYTES) throw new SafetensorsError(`header length ${headerLength} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  if (8 + headerLength > bytes.byteLength) {
    throw new SafetensorsError(`header length ${headerLength} runs past the end of the ${bytes.byteLength}-byte file`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch (err) {
    throw new SafetensorsError(`header is not UTF-8 JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new SafetensorsError('header is not a JSON object');
  const data = bytes.subarray(8 + headerLength);
  const tensors = new Map<string, StoredTensor>();
  let metadata: Record<string, string> | null = null;
  const spans: { name: string; begin: number; end: number }[] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new SafetensorsError('__metadata__ is not an object');
      metadata = {};
      for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof v !== 'string') throw new SafetensorsError(`__metadata__.${k} is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    if (typeof entry !== 'object' || entry === null) throw new SafetensorsError(`entry ${name} is not an object`);
    const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
    if (!isTensorDtype(dtype)) throw new SafetensorsError(`tensor ${name} has unknown dtype ${JSON.stringify(dtype)}`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new SafetensorsError(`tensor ${name} has an invalid shape ${JSON.stringify(shape)}`);
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
      offsets[0] > offsets[1]
    ) {
      throw new SafetensorsError(`tensor ${name} has invalid data_offsets ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    if (end > data.byteLength) {
      throw new SafetensorsError(`tensor ${name} data_offsets [${begin}, ${end}] run past the ${data.byteLength}-byte data section`);
    }
    const dims = shape as number[];
    const count = shapeSize(dims);
    const expected = count * DTYPE_BYTES[dtype];
    if (end - begin !== expected) {
      throw new SafetensorsError(
        `tensor ${name} spans ${end - begin} bytes but ${dtype} [${dims.join(', ')}] needs ${expected}`,
      );
    }
    spans.push({ name, begin, end });
    const slice = data.subarray(begin, end);
    tensors.set(name, { dtype: dtype as TensorDtype, shape: dims, toFloat32: () => decodeToFloat32(slice, dtype as TensorDtype, count) });
  }
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i].begin < spans[i - 1].end) {
      throw new SafetensorsError(`tensors ${spans[i - 1].name} and ${spans[i].name} overlap`);
    }
  }
  return { tensors, metadata };
}

/** A tensor to write with its element type; `data`'s typed array must match the dtype. */
export interface TypedTensor {
  dtype: 'F32' | 'I32' | 'I8' | 'U8';
  shape: number[];
  data: Float32Array | Int32Array | Int8Array | Uint8Array;
}

const TYPED_ARRAY_OF: Record<TypedTensor['dtype'], abstract new (...args: never[]) => ArrayBufferView> = { F32: Float32Array, I32: Int32Array, I8: Int8Array, U8: Uint8Array };

/**
 * Writes tensors as safetensors, names sorted, header space-padded to 8 bytes so the data section
 * is aligned. `format: "pt"` metadata is what transformers checks before loading.
 */
export function writeSafetensorsTyped(tensors: ReadonlyMap<string, TypedTensor>, metadata: Record<string, string> = { format: 'pt' }): Uint8Array {
  const names = [...tensors.keys()].sort();
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name)!;
    if (!(t.data instanceof TYPED_ARRAY_OF[t.dtype])) throw new Error(`tensor ${name}: a ${t.data.constructor.name} cannot be written as ${t.dtype}`);
    if (t.data.length !== shapeSize(t.shape)) throw new Error(`tensor ${name}: ${t.data.length} values for shape [${t.shape}]`);
    const size = t.data.byteLength;
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = JSON.stringify(header);
  const encoder = new TextEncoder();
  let headerBytes = encoder.encode(json);
  const padded = Math.ceil(headerBytes.byteLength / 8) * 8;
  json += ' '.repeat(padded - headerBytes.byteLength);
  headerBytes = encoder.encode(json);
  const out = new Uint8Array(8 + headerBytes.byteLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerBytes.byteLength, true);
  view.setUint32(4, 0, true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.byteLength;
  for (const name of names) {
    const { data } = tensors.get(name)!;
    const width = data.BYTES_PER_ELEMENT;
    if (LITTLE_ENDIAN || width === 1) out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), pos);
    else {
      const dv = new DataView(out.buffer, pos, data.byteLength);
      for (let i = 0; i < data.length; i++) {
        if (data instanceof Float32Array) dv.setFloat32(i * 4, data[i], true);
        else dv.setInt32(i * 4, data[i], true);
      }
    }
    pos += data.byteLength;
  }
  return out;
}

/** Float32 parameters as safetensors (what model.safetensors holds). */
export function writeSafetensors(tensors: ReadonlyMap<string, HostTensor>, metadata: Record<string, string> = { format: 'pt' }): Uint8Array {
  const typed = new Map<string, TypedTensor>();
  for (const [name, t] of tensors) typed.set(name, { dtype: 'F32', shape: t.shape, data: t.data });
  return writeSafetensorsTyped(typed, metadata);
}
