import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { setupBackend } from '../../../cli/backend.js';
import { BertForQuestionAnswering, batchFromArrays, disposeBatch } from './bert.js';
import { BERT_DEFAULTS, type BertConfig } from './config.js';
import { halfToFloat } from './dtypes.js';
import { hfFolderFiles, loadModelFiles, modelFiles } from './hf-folder.js';
import { initBertParams } from './params.js';
import { SafetensorsError, readSafetensors, writeSafetensors } from './safetensors.js';

/** A safetensors file with an arbitrary (possibly lying) header and data section. */
function rawFile(header: unknown, data: Uint8Array, headerLengthOverride?: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.byteLength + data.byteLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLengthOverride ?? json.byteLength, true);
  out.set(json, 8);
  out.set(data, 8 + json.byteLength);
  return out;
}

function u16(values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setUint16(i * 2, v, true));
  return out;
}

const TINY: BertConfig = {
  ...BERT_DEFAULTS,
  vocab_size: 64,
  hidden_size: 32,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  intermediate_size: 64,
  max_position_embeddings: 24,
};

describe('safetensors', () => {
  it('round-trips every parameter bit for bit, with an 8-byte aligned data section and format=pt', () => {
    const params = initBertParams(TINY, 5);
    const bytes = writeSafetensors(params);
    const headerLength = new DataView(bytes.buffer).getUint32(0, true);
    expect((8 + headerLength) % 8).toBe(0);
    const file = readSafetensors(bytes);
    expect(file.metadata).toEqual({ format: 'pt' });
    expect(new Set(file.tensors.keys())).toEqual(new Set(params.keys()));
    for (const [name, t] of params) {
      const back = file.tensors.get(name)!;
      expect(back.dtype).toBe('F32');
      expect(back.shape).toEqual(t.shape);
      expect(back.toFloat32()).toEqual(t.data);
    }
  });

  it('init -> save -> load gives identical logits', async () => {
    await setupBackend('cpu');
    const params = initBertParams(TINY, 11);
    const a = new BertForQuestionAnswering(TINY, params);
    const loaded = loadModelFiles(modelFiles(TINY, await a.toHostParams()), { strict: true });
    expect(loaded.report.loaded.length).toBe(params.size);
    expect(loaded.config).toEqual(TINY);
    const b = new BertForQuestionAnswering(loaded.config, loaded.params);
    const ids = Array.from({ length: 32 }, (_, i) => (i * 5) % 64);
    const batch = batchFromArrays(2, 16, ids, ids.map((_, i) => (i % 16 > 7 ? 1 : 0)), ids.map(() => 1));
    const la = a.forward(batch);
    const lb = b.forward(batch);
    expect(await lb.startLogits.data()).toEqual(await la.startLogits.data());
    expect(await lb.endLogits.data()).toEqual(await la.endLogits.data());
    tf.dispose([la.startLogits, la.endLogits, lb.startLogits, lb.endLogits]);
    disposeBatch(batch);
    a.dispose();
    b.dispose();
  });

  it('decodes F16 (normals, subnormals, infinities) and BF16 to float32', () => {
    const f16 = [0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0x3555, 0x8000];
    const bf16 = [0x3f80, 0xc040, 0x4049, 0x0000];
    const data = new Uint8Array([...u16(f16), ...u16(bf16)]);
    const file = readSafetensors(
      rawFile(
        {
          half: { dtype: 'F16', shape: [7], data_offsets: [0, 14] },
          brain: { dtype: 'BF16', shape: [2, 2], data_offsets: [14, 22] },
        },
        data,
      ),
    );
    expect(Array.from(file.tensors.get('half')!.toFloat32())).toEqual([1, -2, 65504, 2 ** -24, Infinity, Math.fround(0.333251953125), -0]);
    expect(Array.from(file.tensors.get('brain')!.toFloat32())).toEqual([1, -3, 3.140625, 0]);
    expect(halfToFloat(0x7e00)).toBeNaN();
  });

  it('refuses files whose header lies, with a message and without reading out of bounds', () => {
    const data = new Uint8Array(16);
    const ok = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
    const cases: [string, Uint8Array, RegExp][] = [
      ['too short', new Uint8Array(5), /shorter than/],
      ['header length beyond file', rawFile(ok, data, 10_000), /past the end/],
      ['header length of 2^40', (() => { const f = rawFile(ok, data); new DataView(f.buffer).setUint32(4, 256, true); return f; })(), /limit/],
      ['not JSON', rawFile('x', data, 1), /JSON/],
      ['offsets past the data', rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [12, 20] } }, data), /past the 16-byte data section/],
      ['offsets disagree with dtype x shape', rawFile({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, data), /needs 12/],
      ['overlapping tensors', rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, data), /overlap/],
      ['unknown dtype', rawFile({ a: { dtype: 'F8_E9', shape: [2], data_offsets: [0, 8] } }, data), /unknown dtype/],
      ['negative shape', rawFile({ a: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, data), /invalid shape/],
      ['reversed offsets', rawFile({ a: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }, data), /invalid data_offsets/],
    ];
    for (const [label, bytes, message] of cases) {
      expect(() => readSafetensors(bytes), label).toThrow(SafetensorsError);
      expect(() => readSafetensors(bytes), label).toThrow(message);
    }
  });

  it('writes a Hugging Face folder with tokenizer files and a config AutoConfig reads', () => {
    const files = hfFolderFiles(TINY, initBertParams(TINY, 1), { vocab: '[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]', doLowerCase: true, modelMaxLength: 512 });
    expect([...files.keys()].sort()).toEqual(['config.json', 'model.safetensors', 'special_tokens_map.json', 'tokenizer_config.json', 'vocab.txt']);
    const json = (name: string) => JSON.parse(new TextDecoder().decode(files.get(name)));
    expect(json('config.json')).toMatchObject({ architectures: ['BertForQuestionAnswering'], model_type: 'bert', hidden_size: 32, hidden_act: 'gelu' });
    expect(json('tokenizer_config.json')).toMatchObject({ tokenizer_class: 'BertTokenizer', do_lower_case: true, model_max_length: 512 });
    expect(json('special_tokens_map.json').cls_token).toBe('[CLS]');
    expect(new TextDecoder().decode(files.get('vocab.txt'))).toBe('[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n');
  });
});
