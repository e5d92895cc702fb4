import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { BERT_DEFAULTS, type BertConfig } from './config.js';
import type { StoredTensor } from './dtypes.js';
import { hfFolderFiles, loadModelFiles, zipModelFiles } from './hf-folder.js';
import { type HostParams, initBertParams } from './params.js';
import { WeightsLoadError, canonicalParamName, formatLoadReport, loadBertWeights } from './weights.js';

const CONFIG: BertConfig = {
  ...BERT_DEFAULTS,
  vocab_size: 40,
  hidden_size: 16,
  num_hidden_layers: 1,
  num_attention_heads: 2,
  intermediate_size: 32,
  max_position_embeddings: 20,
};

function stored(shape: number[], data: Float32Array): StoredTensor {
  return { dtype: 'F32', shape, toFloat32: () => data };
}

/** The tensors a pretrained BertForPreTraining checkpoint of the old style would carry. */
function pretrainedStyle(params: HostParams): Map<string, StoredTensor> {
  const out = new Map<string, StoredTensor>();
  for (const [name, t] of params) {
    if (name.startsWith('qa_outputs')) continue;
    // Old TF-converted checkpoints: LayerNorm gamma/beta; BertModel saves drop the `bert.` prefix.
    const legacy = name.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta').replace(/^bert\./, '');
    out.set(legacy, stored(t.shape, t.data));
  }
  out.set('pooler.dense.weight', stored([16, 16], new Float32Array(256)));
  out.set('cls.predictions.bias', stored([40], new Float32Array(40)));
  out.set('embeddings.position_ids', { dtype: 'I64', shape: [1, 20], toFloat32: () => new Float32Array(20) });
  out.set('some.adapter.weight', stored([2], new Float32Array(2)));
  return out;
}

describe('loadBertWeights', () => {
  it('maps legacy names, initialises the missing QA head, and reports ignored and unexpected tensors', () => {
    const params = initBertParams(CONFIG, 9);
    const { params: loaded, report } = loadBertWeights({ ...CONFIG, initializer_range: 0.02 }, pretrainedStyle(params), { seed: 1 });
    expect(canonicalParamName('encoder.layer.0.output.LayerNorm.gamma')).toBe('bert.encoder.layer.0.output.LayerNorm.weight');
    expect(report.loaded.length).toBe(params.size - 2);
    expect(report.renamed.length).toBe(params.size - 2 + 2);
    expect(report.initializedHead).toEqual(['qa_outputs.weight', 'qa_outputs.bias']);
    expect(report.missing).toEqual([]);
    expect(report.mismatched).toEqual([]);
    expect(report.ignored.sort()).toEqual(['bert.embeddings.position_ids', 'bert.pooler.dense.weight', 'cls.predictions.bias']);
    expect(report.unexpected).toEqual(['some.adapter.weight']);
    for (const [name, t] of params) if (!name.startsWith('qa_outputs')) expect(loaded.get(name)!.data).toEqual(t.data);
    const head = loaded.get('qa_outputs.weight')!.data;
    expect(head.some((v) => v !== 0)).toBe(true);
    expect(Math.max(...head.map(Math.abs))).toBeLessThan(0.02 * 6);
    expect(loaded.get('qa_outputs.bias')!.data.every((v) => v === 0)).toBe(true);
    expect(formatLoadReport(report)).toMatch(/initialised a new QA head/);
  });

  it('reports missing and mis-shaped tensors, and refuses them when strict', () => {
    const params = initBertParams(CONFIG, 9);
    const tensors = new Map<string, StoredTensor>();
    for (const [name, t] of params) tensors.set(name, stored(t.shape, t.data));
    tensors.delete('bert.encoder.layer.0.attention.self.key.bias');
    tensors.set('bert.embeddings.word_embeddings.weight', stored([41, 16], new Float32Array(41 * 16)));
    const { report, params: loaded } = loadBertWeights(CONFIG, tensors);
    expect(report.missing).toEqual(['bert.encoder.layer.0.attention.self.key.bias']);
    expect(report.mismatched).toEqual([{ name: 'bert.embeddings.word_embeddings.weight', expected: [40, 16], found: [41, 16] }]);
    expect(loaded.get('bert.embeddings.word_embeddings.weight')!.shape).toEqual([40, 16]);
    const text = formatLoadReport(report);
    expect(text).toMatch(/MISSING .*key\.bias/);
    expect(text).toMatch(/SHAPE MISMATCH bert\.embeddings\.word_embeddings\.weight: file has \[41,16\], config needs \[40,16\]/);
    expect(() => loadBertWeights(CONFIG, tensors, { strict: true })).toThrow(WeightsLoadError);
  });

  it('zips the Hugging Face folder and loads it back unchanged', () => {
    const params = initBertParams(CONFIG, 2);
    const files = hfFolderFiles(CONFIG, params, { vocab: 'a\nb', doLowerCase: false });
    const zip = zipModelFiles(files, 'my-model');
    const unzipped = unzipSync(zip);
    expect(Object.keys(unzipped).sort()).toEqual([...files.keys()].map((n) => `my-model/${n}`).sort());
    const back = new Map(Object.entries(unzipped).map(([k, v]) => [k.slice('my-model/'.length), v]));
    const loaded = loadModelFiles(back, { strict: true });
    expect(loaded.config).toEqual(CONFIG);
    for (const [name, t] of params) expect(loaded.params.get(name)!.data).toEqual(t.data);
    expect(() => loadModelFiles(new Map([['config.json', files.get('config.json')!]]))).toThrow(/neither model\.safetensors nor pytorch_model\.bin/);
    expect(() => loadModelFiles(new Map())).toThrow(/no config\.json/);
  });
});
