/**
 * A restricted unpickler for PyTorch state dicts. It interprets only the opcodes such a file uses
 * and resolves only an allowlist of globals, each to a plain-data stand-in: nothing is ever called
 * or constructed from the file, so a malicious pickle can at worst be rejected.
 */
import type { TensorDtype } from './dtypes.js';

export class PickleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PickleError';
  }
}

/** A storage reference from a persistent id: ('storage', <type>, key, location, numel). */
export interface StorageRef {
  kind: 'storage';
  dtype: TensorDtype;
  key: string;
  numel: number;
}

/** What torch._utils._rebuild_tensor_v2 would build, described instead of built. */
export interface TensorRef {
  kind: 'tensor';
  storage: StorageRef;
  /** In elements of the storage. */
  offset: number;
  shape: number[];
  stride: number[];
}

interface GlobalRef {
  kind: 'global';
  qualified: string;
}

const STORAGE_TYPES: Readonly<Record<string, TensorDtype>> = {
  'torch.FloatStorage': 'F32',
  'torch.HalfStorage': 'F16',
  'torch.BFloat16Storage': 'BF16',
  'torch.DoubleStorage': 'F64',
  'torch.LongStorage': 'I64',
  'torch.IntStorage': 'I32',
  'torch.ShortStorage': 'I16',
  'torch.CharStorage': 'I8',
  'torch.ByteStorage': 'U8',
  'torch.BoolStorage': 'BOOL',
};

const CALLABLES = new Set(['collections.OrderedDict', 'torch._utils._rebuild_tensor_v2', 'torch._utils._rebuild_parameter']);

function isAllowedGlobal(qualified: string): boolean {
  return CALLABLES.has(qualified) || qualified in STORAGE_TYPES;
}

type Value = unknown;

class Tuple {
  constructor(readonly items: Value[]) {}
}

function isGlobal(v: Value): v is GlobalRef {
  return typeof v === 'object' && v !== null && (v as GlobalRef).kind === 'global';
}

function asInt(v: Value, what: string): number {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  throw new PickleError(`${what} must be an integer`);
}

function asIntList(v: Value, what: string): number[] {
  if (!(v instanceof Tuple) && !Array.isArray(v)) throw new PickleError(`${what} must be a tuple of integers`);
  const items = v instanceof Tuple ? v.items : v;
  return items.map((x, i) => asInt(x, `${what}[${i}]`));
}

function call(fn: GlobalRef, args: Tuple): Value {
  switch (fn.qualified) {
    case 'collections.OrderedDict':
      if (args.items.length !== 0) throw new PickleError('collections.OrderedDict with arguments is not supported');
      return new Map<Value, Value>();
    case 'torch._utils._rebuild_tensor_v2': {
      const [storage, offset, shape, stride] = args.items;
      if (typeof storage !== 'object' || storage === null || (storage as StorageRef).kind !== 'storage') {
        throw new PickleError('_rebuild_tensor_v2 expects a storage as its first argument');
      }
      const ref: TensorRef = {
        kind: 'tensor',
        storage: storage as StorageRef,
        offset: asInt(offset, 'storage_offset'),
        shape: asIntList(shape, 'size'),
        stride: asIntList(stride, 'stride'),
      };
      if (ref.shape.length !== ref.stride.length) throw new PickleError('tensor size and stride differ in length');
      return ref;
    }
    case 'torch._utils._rebuild_parameter': {
      const [data] = args.items;
      if (typeof data !== 'object' || data === null || (data as TensorRef).kind !== 'tensor') {
        throw new PickleError('_rebuild_parameter expects a tensor');
      }
      return data;
    }
    default:
      throw new PickleError(`calling ${fn.qualified} is not allowed`);
  }
}

function persistentLoad(pid: Value): StorageRef {
  if (!(pid instanceof Tuple) || pid.items[0] !== 'storage') throw new PickleError('unsupported persistent id (expected a storage)');
  const [, type, key, , numel] = pid.items;
  if (!isGlobal(type) || !(type.qualified in STORAGE_TYPES)) throw new PickleError('persistent id names an unknown storage type');
  if (typeof key !== 'string') throw new PickleError('storage key must be a string');
  return { kind: 'storage', dtype: STORAGE_TYPES[type.qualified], key, numel: asInt(numel, 'storage numel') };
}

export interface UnpickleResult {
  value: Value;
  /** Offset just past the STOP opcode (legacy torch files hold several pickles back to back). */
  end: number;
}

/** Runs the restricted machine over `bytes` from `start` to the first STOP. */
export function unpickle(bytes: Uint8Array, start = 0): UnpickleResult {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = start;
  let stack: Value[] = [];
  const marks: Value[][] = [];
  const memo = new Map<number, Value>();
  const latin1 = new TextDecoder('latin1');
  const utf8 = new TextDecoder('utf-8', { fatal: true });

  const need = (n: number): number => {
    if (n < 0 || pos + n > bytes.byteLength) throw new PickleError(`pickle truncated at offset ${pos}`);
    const at = pos;
    pos += n;
    return at;
  };
  const readLine = (): string => {
    const nl = bytes.indexOf(0x0a, pos);
    if (nl < 0) throw new PickleError(`unterminated line at offset ${pos}`);
    const s = latin1.decode(bytes.subarray(pos, nl));
    pos = nl + 1;
    return s;
  };
  const pop = (): Value => {
    if (stack.length === 0) throw new PickleError(`stack underflow at offset ${pos}`);
    return stack.pop();
  };
  const popMark = (): Value[] => {
    const items = stack;
    const prev = marks.pop();
    if (!prev) throw new PickleError(`MARK missing at offset ${pos}`);
    stack = prev;
    return items;
  };
  const top = (): Value => {
    if (stack.length === 0) throw new PickleError(`stack underflow at offset ${pos}`);
    return stack[stack.length - 1];
  };
  const resolveGlobal = (module: string, name: string): GlobalRef => {
    const qualified = `${module}.${name}`;
    if (!isAllowedGlobal(qualified)) throw new PickleError(`refusing to load global ${qualified}: only tensor state dicts are allowed`);
    return { kind: 'global', qualified };
  };
  const setItems = (target: Value, items: Value[]): void => {
    if (!(target instanceof Map)) throw new PickleError('SETITEM(S) on something other than a dict');
    if (items.length % 2 !== 0) throw new PickleError('odd number of items for SETITEMS');
    for (let i = 0; i < items.length; i += 2) target.set(items[i], items[i + 1]);
  };

  for (;;) {
    const op = bytes[need(1)];
    switch (op) {
      case 0x80: // PROTO
        need(1);
        break;
      case 0x95: // FRAME: only a length hint
        need(8);
        break;
      case 0x2e: // STOP
        return { value: pop(), end: pos };
      case 0x28: // MARK
        marks.push(stack);
        stack = [];
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new Map<Value, Value>());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push(new Tuple([]));
        break;
      case 0x74: {
        // TUPLE (popMark replaces `stack`, so it must run before the push)
        const items = popMark();
        stack.push(new Tuple(items));
        break;
      }
      case 0x85: // TUPLE1
        stack.push(new Tuple([pop()]));
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        stack.push(new Tuple([pop(), b]));
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        stack.push(new Tuple([pop(), b, c]));
        break;
      }
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4a: // BININT
        stack.push(view.getInt32(need(4), true));
        break;
      case 0x4b: // BININT1
        stack.push(bytes[need(1)]);
        break;
      case 0x4d: // BININT2
        stack.push(view.getUint16(need(2), true));
        break;
      case 0x8a: {
        // LONG1: little-endian two's complement of n bytes
        const n = bytes[need(1)];
        const at = need(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[at + i]);
        if (n > 0 && bytes[at + n - 1] & 0x80) v -= 1n << BigInt(8 * n);
        stack.push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 0x47: // BINFLOAT (big-endian)
        stack.push(view.getFloat64(need(8), false));
        break;
      case 0x58: {
        // BINUNICODE
        const n = view.getUint32(need(4), true);
        stack.push(utf8.decode(bytes.subarray(need(n), pos)));
        break;
      }
      case 0x8c: {
        // SHORT_BINUNICODE
        const n = bytes[need(1)];
        stack.push(utf8.decode(bytes.subarray(need(n), pos)));
        break;
      }
      case 0x54: {
        // BINSTRING (Python 2 str)
        const n = view.getInt32(need(4), true);
        stack.push(latin1.decode(bytes.subarray(need(n), pos)));
        break;
      }
      case 0x55: {
        // SHORT_BINSTRING
        const n = bytes[need(1)];
        stack.push(latin1.decode(bytes.subarray(need(n), pos)));
        break;
      }
      case 0x71: // BINPUT
        memo.set(bytes[need(1)], top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(view.getUint32(need(4), true), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
      case 0x6a: {
        // LONG_BINGET
        const key = op === 0x68 ? bytes[need(1)] : view.getUint32(need(4), true);
        if (!memo.has(key)) throw new PickleError(`memo key ${key} missing at offset ${pos}`);
        stack.push(memo.get(key));
        break;
      }
      case 0x63: {
        // GLOBAL "module\nname\n"
        const module = readLine();
        const name = readLine();
        stack.push(resolveGlobal(module, name));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') throw new PickleError('STACK_GLOBAL needs two strings');
        stack.push(resolveGlobal(module, name));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const fn = pop();
        if (!isGlobal(fn) || !(args instanceof Tuple)) throw new PickleError(`REDUCE on a non-callable at offset ${pos}`);
        stack.push(call(fn, args));
        break;
      }
      case 0x51: // BINPERSID
        stack.push(persistentLoad(pop()));
        break;
      case 0x62: {
        // BUILD: only the OrderedDict `_metadata` attribute of a state dict is expected; it is dropped.
        pop();
        if (!(top() instanceof Map)) throw new PickleError('BUILD on something other than a dict');
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x61: {
        // APPEND
        const v = pop();
        const list = top();
        if (!Array.isArray(list)) throw new PickleError('APPEND to something other than a list');
        list.push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const list = top();
        if (!Array.isArray(list)) throw new PickleError('APPENDS to something other than a list');
        list.push(...items);
        break;
      }
      case 0x30: // POP
        pop();
        break;
      default:
        throw new PickleError(`unsupported pickle opcode 0x${op.toString(16).padStart(2, '0')} at offset ${pos - 1}`);
    }
  }
}

/** Converts unpickled dicts (Maps with string keys) to a plain name -> value map, or throws. */
export function asStringMap(value: Value, what: string): Map<string, Value> {
  if (!(value instanceof Map)) throw new PickleError(`${what} is not a dict`);
  for (const k of value.keys()) if (typeof k !== 'string') throw new PickleError(`${what} has a non-string key`);
  return value as Map<string, Value>;
}

export function isTensorRef(v: Value): v is TensorRef {
  return typeof v === 'object' && v !== null && (v as TensorRef).kind === 'tensor';
}
