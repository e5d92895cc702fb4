/** Builders of PyTorch checkpoints for tests: pickle opcodes written by hand, per the protocol. */
import { zipSync } from 'fflate';
import type { HostParams } from './params.js';

/** Writes pickle protocol 2 opcodes by hand, the way torch.save lays out a state dict. */
export class PickleWriter {
  private bytes: number[] = [];
  private memo = 0;
  op(code: number | string): this {
    this.bytes.push(typeof code === 'string' ? code.charCodeAt(0) : code);
    return this;
  }
  raw(values: ArrayLike<number>): this {
    for (let i = 0; i < values.length; i++) this.bytes.push(values[i]);
    return this;
  }
  proto(): this {
    return this.op(0x80).raw([2]);
  }
  global(module: string, name: string): this {
    return this.op('c').raw(new TextEncoder().encode(`${module}\n${name}\n`)).put();
  }
  str(s: string): this {
    const b = new TextEncoder().encode(s);
    const len = new Uint8Array(new Uint32Array([b.length]).buffer);
    return this.op('X').raw(len).raw(b).put();
  }
  int(n: number): this {
    if (n >= 0 && n < 256) return this.op('K').raw([n]);
    return this.op('J').raw(new Uint8Array(new Int32Array([n]).buffer));
  }
  /** BINPUT after every object, as pickle does, so BINGET can refer back. */
  put(): this {
    return this.op('q').raw([this.memo++ & 0xff]);
  }
  get(index: number): this {
    return this.op('h').raw([index]);
  }
  tuple(items: (() => void)[]): this {
    this.op('(');
    for (const item of items) item();
    return this.op('t').put();
  }
  stop(): Uint8Array {
    this.op('.');
    return Uint8Array.from(this.bytes);
  }
  get memoCount(): number {
    return this.memo;
  }
}

export interface TensorEntry {
  name: string;
  storage: string;
  storageType: string;
  numel: number;
  offset: number;
  shape: number[];
  stride: number[];
  /** Saved as an nn.Parameter: _rebuild_parameter(tensor, requires_grad, hooks). */
  parameter?: boolean;
}

/** A state dict pickle: OrderedDict of _rebuild_tensor_v2 calls over persistent storages, then its _metadata BUILD. */
export function stateDictPickle(entries: TensorEntry[]): Uint8Array {
  const w = new PickleWriter().proto();
  w.global('collections', 'OrderedDict').op(')').op('R').put();
  w.op('(');
  const storageMemo = new Map<string, number>();
  for (const e of entries) {
    w.str(e.name);
    if (e.parameter) w.global('torch._utils', '_rebuild_parameter').op('(');
    w.global('torch._utils', '_rebuild_tensor_v2');
    w.tuple([
      () => {
        const known = storageMemo.get(e.storage);
        if (known !== undefined) w.get(known);
        else {
          w.tuple([() => w.str('storage'), () => w.global('torch', e.storageType), () => w.str(e.storage), () => w.str('cpu'), () => w.int(e.numel)]);
          w.op('Q').put();
          storageMemo.set(e.storage, w.memoCount - 1);
        }
      },
      () => w.int(e.offset),
      () => w.tuple(e.shape.map((d) => () => w.int(d))),
      () => w.tuple(e.stride.map((d) => () => w.int(d))),
      () => w.op(0x89),
      () => w.global('collections', 'OrderedDict').op(')').op('R').put(),
    ]);
    w.op('R').put();
    if (e.parameter) w.op(0x88).global('collections', 'OrderedDict').op(')').op('R').put().op('t').put().op('R').put();
  }
  w.op('u');
  // state_dict._metadata = {'': {'version': 1}} arrives as a BUILD on the OrderedDict.
  w.op('}').put().op('(').str('').op('}').put().op('(').str('version').int(1).op('u').op('u').op('b');
  return w.stop();
}

export function f32Bytes(values: ArrayLike<number>): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

export function torchZip(pickle: Uint8Array, storages: Record<string, Uint8Array>): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0 }]> = {
    'archive/data.pkl': [pickle, { level: 0 }],
    'archive/byteorder': [new TextEncoder().encode('little'), { level: 0 }],
    'archive/version': [new TextEncoder().encode('3\n'), { level: 0 }],
  };
  for (const [key, bytes] of Object.entries(storages)) files[`archive/data/${key}`] = [bytes, { level: 0 }];
  return zipSync(files);
}

/** A torch.save zip of float32 parameters, one storage per tensor. */
export function torchCheckpoint(params: HostParams): Uint8Array {
  const entries: TensorEntry[] = [];
  const storages: Record<string, Uint8Array> = {};
  let key = 0;
  for (const [name, t] of params) {
    const k = String(key++);
    storages[k] = f32Bytes(t.data);
    const stride = t.shape.length === 2 ? [t.shape[1], 1] : [1];
    entries.push({ name, storage: k, storageType: 'FloatStorage', numel: t.data.length, offset: 0, shape: t.shape, stride });
  }
  return torchZip(stateDictPickle(entries), storages);
}
