import { describe, expect, it } from 'vitest';
import { BERT_DEFAULTS, BERT_PRESETS, BertConfigError, bertConfigToJson, parseBertConfig, validateBertConfig } from './config.js';
import { estimateModel } from './estimate.js';
import { bertParamSpecs, countBertParams, initBertParams } from './params.js';

describe('BertConfig', () => {
  it('presets are valid and have the published sizes', () => {
    for (const c of Object.values(BERT_PRESETS)) expect(validateBertConfig(c)).toEqual([]);
    expect([BERT_PRESETS.tiny.num_hidden_layers, BERT_PRESETS.tiny.hidden_size, BERT_PRESETS.tiny.num_attention_heads, BERT_PRESETS.tiny.intermediate_size]).toEqual([2, 128, 2, 512]);
    expect([BERT_PRESETS.mini.num_hidden_layers, BERT_PRESETS.mini.hidden_size, BERT_PRESETS.mini.num_attention_heads]).toEqual([4, 256, 4]);
    expect([BERT_PRESETS.small.num_hidden_layers, BERT_PRESETS.small.hidden_size, BERT_PRESETS.small.num_attention_heads]).toEqual([4, 512, 8]);
    expect(BERT_PRESETS.base.vocab_size).toBe(30522);
  });

  it('counts BERT-base QA parameters as Hugging Face does (BertModel 109,482,240 minus pooler plus QA head)', () => {
    expect(countBertParams(BERT_PRESETS.base)).toBe(109_482_240 - (768 * 768 + 768) + (2 * 768 + 2));
    expect(countBertParams(BERT_PRESETS.tiny)).toBe(4_385_920 - (128 * 128 + 128) + 258);
  });

  it('reports every problem of an invalid config', () => {
    const problems = validateBertConfig({ ...BERT_DEFAULTS, hidden_size: 100, num_attention_heads: 12, hidden_act: 'relu' as 'gelu', layer_norm_eps: 0 });
    expect(problems.join('\n')).toMatch(/multiple of num_attention_heads/);
    expect(problems.join('\n')).toMatch(/hidden_act/);
    expect(problems.join('\n')).toMatch(/layer_norm_eps/);
  });

  it('parses config.json with Hugging Face defaults and round-trips through bertConfigToJson', () => {
    const parsed = parseBertConfig({ model_type: 'bert', hidden_size: 128, num_attention_heads: 2, num_hidden_layers: 2, intermediate_size: 512 });
    expect(parsed.vocab_size).toBe(30522);
    expect(parsed.layer_norm_eps).toBe(1e-12);
    const json = bertConfigToJson(parsed);
    expect(json.architectures).toEqual(['BertForQuestionAnswering']);
    expect(json.model_type).toBe('bert');
    expect(parseBertConfig(json)).toEqual(parsed);
    expect(() => parseBertConfig({ model_type: 'roberta' })).toThrow(BertConfigError);
    expect(() => parseBertConfig({ position_embedding_type: 'relative_key' })).toThrow(/absolute/);
    expect(() => parseBertConfig([1])).toThrow(/JSON object/);
  });
});

describe('seeded init', () => {
  const config = { ...BERT_PRESETS.tiny, vocab_size: 500, max_position_embeddings: 64 };

  it('is reproducible for a seed and differs across seeds', () => {
    const a = initBertParams(config, 42);
    const b = initBertParams(config, 42);
    const c = initBertParams(config, 43);
    // Compared as raw bytes: toEqual on half a million floats is needlessly slow.
    const bytes = (x: Float32Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
    for (const [name, t] of a) expect(bytes(b.get(name)!.data).equals(bytes(t.data)), name).toBe(true);
    expect(c.get('qa_outputs.weight')!.data).not.toEqual(a.get('qa_outputs.weight')!.data);
  });

  it('follows Hugging Face: normal(0, initializer_range) weights, zero pad row, LayerNorm 1/0, zero biases', () => {
    const params = initBertParams(config, 1);
    const w = params.get('bert.encoder.layer.0.intermediate.dense.weight')!.data;
    let mean = 0;
    for (const v of w) mean += v;
    mean /= w.length;
    let variance = 0;
    for (const v of w) variance += (v - mean) ** 2;
    const std = Math.sqrt(variance / w.length);
    // 65,536 draws: the sample std is within 1% of 0.02 with overwhelming probability.
    expect(Math.abs(mean)).toBeLessThan(5e-4);
    expect(Math.abs(std - 0.02)).toBeLessThan(2e-4);
    const words = params.get('bert.embeddings.word_embeddings.weight')!.data;
    expect(words.subarray(0, 128).every((v) => v === 0)).toBe(true);
    expect(words.subarray(128, 256).some((v) => v !== 0)).toBe(true);
    for (const spec of bertParamSpecs(config)) {
      const data = params.get(spec.name)!.data;
      if (spec.init === 'ones') expect(data.every((v) => v === 1)).toBe(true);
      if (spec.init === 'zeros') expect(data.every((v) => v === 0)).toBe(true);
    }
  });
});

describe('estimateModel', () => {
  it('adds up weights, Adam state and activations, and scales activations with batch and length', () => {
    const e1 = estimateModel(BERT_PRESETS.base, 1, 384);
    const e2 = estimateModel(BERT_PRESETS.base, 2, 384);
    expect(e1.weightBytes).toBe(4 * countBertParams(BERT_PRESETS.base));
    expect(e1.adamStateBytes).toBe(2 * e1.weightBytes);
    expect(e2.activationBytes).toBeCloseTo(2 * e1.activationBytes, 0);
    expect(e1.trainingBytes).toBe(4 * e1.weightBytes + e1.activationBytes);
    expect(e1.trainingStepFlops).toBe(3 * e1.forwardFlops);
    // Forward FLOPs of BERT-base at 384 tokens: ~2 x 85M encoder weights x 384 plus attention, ~70 GFLOP.
    expect(e1.forwardFlops / 1e9).toBeGreaterThan(65);
    expect(e1.forwardFlops / 1e9).toBeLessThan(75);
  });
});
