import { unzipSync } from 'fflate';
import { DTYPE_BYTES, type StoredTensor, decodeToFloat32 } from './dtypes.js';
import { PickleError, type TensorRef, asStringMap, isTensorRef, unpickle } from './pickle.js';
import { shapeSize } from './params.js';

/** torch.save's legacy (pre-1.6) stream starts with this pickled integer. */
const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;

function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

function tensorFromRef(name: string, ref: TensorRef, storageBytes: (key: string) => Uint8Array): StoredTensor {
  const { storage, offset, shape, stride } = ref;
  const size = DTYPE_BYTES[storage.dtype];
  const count = shapeSize(shape);
  if (shape.some((d) => d < 0) || stride.some((s) => s < 0) || offset < 0) throw new PickleError(`tensor ${name} has a negative size, stride or offset`);
  // A stride-0 view could claim any element count over a tiny storage; no BERT tensor comes near 2^31.
  if (count > 2 ** 31) throw new PickleError(`tensor ${name} claims ${count} elements`);
  let last = offset;
  for (let i = 0; i < shape.length; i++) last += (shape[i] - 1) * stride[i];
  if (count > 0 && last >= storage.numel) throw new PickleError(`tensor ${name} reaches past the end of storage ${storage.key}`);
  let contiguous = true;
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && stride[i] !== expected) contiguous = false;
    expected *= shape[i];
  }
  return {
    dtype: storage.dtype,
    shape,
    toFloat32: () => {
      const bytes = storageBytes(storage.key);
      if (bytes.byteLength < storage.numel * size) throw new PickleError(`storage ${storage.key} holds ${bytes.byteLength} bytes, needs ${storage.numel * size}`);
      if (contiguous) return decodeToFloat32(bytes.subarray(offset * size), storage.dtype, count);
      const all = decodeToFloat32(bytes, storage.dtype, storage.numel);
      const out = new Float32Array(count);
      const index = new Array<number>(shape.length).fill(0);
      for (let i = 0; i < count; i++) {
        let src = offset;
        for (let d = 0; d < shape.length; d++) src += index[d] * stride[d];
        out[i] = all[src];
        for (let d = shape.length - 1; d >= 0; d--) {
          if (++index[d] < shape[d]) break;
          index[d] = 0;
        }
      }
      return out;
    },
  };
}

function collectTensors(stateDict: unknown, storageBytes: (key: string) => Uint8Array): Map<string, StoredTensor> {
  const dict = asStringMap(stateDict, 'the checkpoint');
  const tensors = new Map<string, StoredTensor>();
  for (const [name, value] of dict) {
    if (!isTensorRef(value)) throw new PickleError(`entry ${name} is not a tensor`);
    tensors.set(name, tensorFromRef(name, value, storageBytes));
  }
  return tensors;
}

function readZipCheckpoint(bytes: Uint8Array): Map<string, StoredTensor> {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (err) {
    throw new PickleError(`not a readable zip archive (${err instanceof Error ? err.message : String(err)})`);
  }
  const pkl = Object.keys(files)
    .filter((n) => n === 'data.pkl' || n.endsWith('/data.pkl'))
    .sort((a, b) => a.length - b.length)[0];
  if (!pkl) throw new PickleError('zip archive has no data.pkl: not a PyTorch checkpoint');
  const prefix = pkl.slice(0, pkl.length - 'data.pkl'.length);
  const order = files[`${prefix}byteorder`];
  if (order && new TextDecoder().decode(order).trim() !== 'little') throw new PickleError('big-endian PyTorch checkpoints are not supported');
  const { value } = unpickle(files[pkl]);
  return collectTensors(value, (key) => {
    const entry = files[`${prefix}data/${key}`];
    if (!entry) throw new PickleError(`storage ${key} is missing from the archive`);
    return entry;
  });
}

function readLegacyCheckpoint(bytes: Uint8Array): Map<string, StoredTensor> {
  let pos = 0;
  const next = (): unknown => {
    const r = unpickle(bytes, pos);
    pos = r.end;
    return r.value;
  };
  const magic = next();
  if (magic !== LEGACY_MAGIC) throw new PickleError('not a PyTorch checkpoint (no zip header, no legacy magic number)');
  next(); // protocol version
  const sysInfo = asStringMap(next(), 'sys_info');
  if (sysInfo.get('little_endian') === false) throw new PickleError('big-endian PyTorch checkpoints are not supported');
  const stateDict = next();
  const keys = next();
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) throw new PickleError('legacy storage key list is malformed');
  const storages = new Map<string, Uint8Array>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const refs = new Map<string, TensorRef['storage']>();
  const dict = asStringMap(stateDict, 'the checkpoint');
  for (const v of dict.values()) if (isTensorRef(v)) refs.set(v.storage.key, v.storage);
  for (const key of keys as string[]) {
    if (pos + 8 > bytes.byteLength) throw new PickleError(`legacy checkpoint truncated before storage ${key}`);
    const numel = Number(view.getBigInt64(pos, true));
    pos += 8;
    const ref = refs.get(key);
    const elementSize = ref ? DTYPE_BYTES[ref.dtype] : 0;
    if (!ref) throw new PickleError(`legacy storage ${key} is used by no tensor`);
    const length = numel * elementSize;
    if (numel < 0 || pos + length > bytes.byteLength) throw new PickleError(`legacy storage ${key} runs past the end of the file`);
    storages.set(key, bytes.subarray(pos, pos + length));
    pos += length;
  }
  return collectTensors(stateDict, (key) => {
    const s = storages.get(key);
    if (!s) throw new PickleError(`storage ${key} is missing from the checkpoint`);
    return s;
  });
}

/**
 * Reads a `pytorch_model.bin` state dict (torch.save zip format, or the legacy pre-1.6 stream)
 * through the restricted unpickler; tensors decode to float32 on demand.
 */
export function readPytorchCheckpoint(buffer: ArrayBuffer | Uint8Array): Map<string, StoredTensor> {
  const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  return isZip(bytes) ? readZipCheckpoint(bytes) : readLegacyCheckpoint(bytes);
}
