import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { BERT_DEFAULTS, type BertConfig, bertConfigToJson } from './config.js';
import { loadModelFiles } from './hf-folder.js';
import { type HostParams, initBertParams } from './params.js';
import { PickleError, unpickle } from './pickle.js';
import { readPytorchCheckpoint } from './pytorch.js';

/** Writes pickle protocol 2 opcodes by hand, the way torch.save lays out a state dict. */
class PickleWriter {
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

interface TensorEntry {
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
function stateDictPickle(entries: TensorEntry[]): Uint8Array {
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

function f32Bytes(values: ArrayLike<number>): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

function torchZip(pickle: Uint8Array, storages: Record<string, Uint8Array>): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0 }]> = {
    'archive/data.pkl': [pickle, { level: 0 }],
    'archive/byteorder': [new TextEncoder().encode('little'), { level: 0 }],
    'archive/version': [new TextEncoder().encode('3\n'), { level: 0 }],
  };
  for (const [key, bytes] of Object.entries(storages)) files[`archive/data/${key}`] = [bytes, { level: 0 }];
  return zipSync(files);
}

describe('restricted unpickler and pytorch_model.bin', () => {
  it('reads contiguous, strided (views of a shared storage), half and nn.Parameter tensors from a torch.save zip', () => {
    const pickle = stateDictPickle([
      { name: 'a', storage: '0', storageType: 'FloatStorage', numel: 6, offset: 0, shape: [2, 3], stride: [3, 1] },
      { name: 'a_t', storage: '0', storageType: 'FloatStorage', numel: 6, offset: 0, shape: [3, 2], stride: [1, 3] },
      { name: 'tail', storage: '0', storageType: 'FloatStorage', numel: 6, offset: 4, shape: [2], stride: [1] },
      { name: 'h', storage: '1', storageType: 'HalfStorage', numel: 2, offset: 0, shape: [2], stride: [1] },
      { name: 'p', storage: '0', storageType: 'FloatStorage', numel: 6, offset: 1, shape: [2], stride: [2], parameter: true },
    ]);
    const half = new Uint8Array(new Uint16Array([0x3c00, 0xc000]).buffer);
    const tensors = readPytorchCheckpoint(torchZip(pickle, { '0': f32Bytes([1, 2, 3, 4, 5, 6]), '1': half }));
    expect([...tensors.keys()]).toEqual(['a', 'a_t', 'tail', 'h', 'p']);
    expect(Array.from(tensors.get('p')!.toFloat32())).toEqual([2, 4]);
    expect(Array.from(tensors.get('a')!.toFloat32())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(tensors.get('a_t')!.shape).toEqual([3, 2]);
    expect(Array.from(tensors.get('a_t')!.toFloat32())).toEqual([1, 4, 2, 5, 3, 6]);
    expect(Array.from(tensors.get('tail')!.toFloat32())).toEqual([5, 6]);
    expect(tensors.get('h')!.dtype).toBe('F16');
    expect(Array.from(tensors.get('h')!.toFloat32())).toEqual([1, -2]);
  });

  it('loads a whole tiny BERT from pytorch_model.bin, names and values intact', () => {
    const config: BertConfig = { ...BERT_DEFAULTS, vocab_size: 40, hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 32, max_position_embeddings: 20 };
    const params: HostParams = initBertParams(config, 3);
    const entries: TensorEntry[] = [];
    const storages: Record<string, Uint8Array> = {};
    let key = 0;
    for (const [name, t] of params) {
      const k = String(key++);
      storages[k] = f32Bytes(t.data);
      const stride = t.shape.length === 2 ? [t.shape[1], 1] : [1];
      entries.push({ name, storage: k, storageType: 'FloatStorage', numel: t.data.length, offset: 0, shape: t.shape, stride });
    }
    const files = new Map([
      ['config.json', new TextEncoder().encode(JSON.stringify(bertConfigToJson(config)))],
      ['pytorch_model.bin', torchZip(stateDictPickle(entries), storages)],
    ]);
    const loaded = loadModelFiles(files, { strict: true });
    expect(loaded.weightsFile).toBe('pytorch_model.bin');
    expect(loaded.report.loaded.length).toBe(params.size);
    for (const [name, t] of params) expect(loaded.params.get(name)!.data).toEqual(t.data);
  });

  it('reads the legacy (pre-1.6) torch.save stream', () => {
    const magic = new PickleWriter().proto().op(0x8a).raw([10, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]).stop();
    const version = new PickleWriter().proto().op('M').raw([0xe9, 0x03]).stop();
    const sysInfo = new PickleWriter().proto().op('}').put().op('(').str('little_endian').op(0x88).op('u').stop();
    const dict = stateDictPickle([{ name: 'w', storage: '7', storageType: 'FloatStorage', numel: 3, offset: 0, shape: [3], stride: [1] }]);
    const keys = new PickleWriter().proto().op(']').put().str('7').op('a').stop();
    const numel = new Uint8Array(new BigInt64Array([3n]).buffer);
    const stream = new Uint8Array([...magic, ...version, ...sysInfo, ...dict, ...keys, ...numel, ...f32Bytes([0.5, 1.5, -2])]);
    expect(Array.from(readPytorchCheckpoint(stream).get('w')!.toFloat32())).toEqual([0.5, 1.5, -2]);
  });

  it('rejects any global outside the allowlist, naming it, and never calls anything', () => {
    const osSystem = new PickleWriter().proto().global('os', 'system').str('echo pwned').op(0x85).op('R').stop();
    const evalCall = new PickleWriter().proto().global('builtins', 'eval').str('1+1').op(0x85).op('R').stop();
    const stackGlobal = new PickleWriter().proto().str('posix').str('system').op(0x93).stop();
    expect(() => unpickle(osSystem)).toThrow(PickleError);
    expect(() => unpickle(osSystem)).toThrow(/os\.system/);
    expect(() => unpickle(evalCall)).toThrow(/builtins\.eval/);
    expect(() => unpickle(stackGlobal)).toThrow(/posix\.system/);
    // An allowed storage type is still not callable.
    const callStorage = new PickleWriter().proto().global('torch', 'FloatStorage').op(')').op('R').stop();
    expect(() => unpickle(callStorage)).toThrow(/calling torch\.FloatStorage is not allowed/);
    // INST (0x69) can construct arbitrary objects in protocol 0: not part of the machine.
    expect(() => unpickle(new Uint8Array([0x80, 2, 0x69, 0x6f, 0x73, 0x0a]))).toThrow(/unsupported pickle opcode 0x69/);
    // The same refusal surfaces through the checkpoint reader.
    expect(() => readPytorchCheckpoint(torchZip(osSystem, {}))).toThrow(/os\.system/);
  });

  it('rejects truncated and malformed input with a message', () => {
    const good = stateDictPickle([{ name: 'a', storage: '0', storageType: 'FloatStorage', numel: 2, offset: 0, shape: [2], stride: [1] }]);
    expect(() => unpickle(good.subarray(0, good.length - 9))).toThrow(PickleError);
    const overrun = stateDictPickle([{ name: 'a', storage: '0', storageType: 'FloatStorage', numel: 2, offset: 1, shape: [2], stride: [1] }]);
    expect(() => readPytorchCheckpoint(torchZip(overrun, { '0': f32Bytes([1, 2]) }))).toThrow(/past the end of storage/);
    const short = stateDictPickle([{ name: 'a', storage: '0', storageType: 'FloatStorage', numel: 4, offset: 0, shape: [4], stride: [1] }]);
    expect(() => readPytorchCheckpoint(torchZip(short, { '0': f32Bytes([1, 2]) })).get('a')!.toFloat32()).toThrow(/needs 16/);
    expect(() => readPytorchCheckpoint(new Uint8Array([1, 2, 3]))).toThrow(PickleError);
  });
});
