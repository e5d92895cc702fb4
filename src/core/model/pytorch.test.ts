import { describe, expect, it } from 'vitest';
import { BERT_DEFAULTS, type BertConfig, bertConfigToJson } from './config.js';
import { loadModelFiles } from './hf-folder.js';
import { type HostParams, initBertParams } from './params.js';
import { PickleError, unpickle } from './pickle.js';
import { readPytorchCheckpoint } from './pytorch.js';
import { PickleWriter, f32Bytes, stateDictPickle, torchCheckpoint, torchZip } from './torch-pickle.test-util.js';

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
    const files = new Map([
      ['config.json', new TextEncoder().encode(JSON.stringify(bertConfigToJson(config)))],
      ['pytorch_model.bin', torchCheckpoint(params)],
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
