import { describe, expect, it } from 'vitest';
import { BERT_PRESETS, type BertPresetName } from './config.js';
import { MAX_WEIGHT_BYTES, bertParameterCount, checkWeightsFit } from './estimate.js';
import { countBertParams } from './params.js';

describe('whether a config fits', () => {
  it('counts parameters in closed form exactly as the tensor list does', () => {
    for (const name of Object.keys(BERT_PRESETS) as BertPresetName[]) expect(bertParameterCount(BERT_PRESETS[name])).toBe(countBertParams(BERT_PRESETS[name]));
    const odd = { ...BERT_PRESETS.tiny, vocab_size: 1000, num_hidden_layers: 3, intermediate_size: 100, type_vocab_size: 3 };
    expect(bertParameterCount(odd)).toBe(countBertParams(odd));
  });

  it('accepts BERT-base and refuses 100,000 layers with the estimated size', () => {
    expect(() => checkWeightsFit(BERT_PRESETS.base)).not.toThrow();
    const huge = { ...BERT_PRESETS.base, num_hidden_layers: 100_000 };
    expect(() => checkWeightsFit(huge)).toThrow(/^this config needs an estimated 2\.6 TiB of float32 weights \(708,\d{3},\d{3},\d{3} parameters, 100,000 layers of hidden size 768\), more than the 4 GiB a model can hold/);
    expect(MAX_WEIGHT_BYTES).toBe(4 * 1024 ** 3);
  });
});
