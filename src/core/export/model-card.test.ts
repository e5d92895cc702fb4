import { describe, expect, it } from 'vitest';
import { lossCurveSvg, modelCard, type ModelCardInfo } from './index.js';

const base: ModelCardInfo = {
  repo: 'someone/bert-tiny-squad',
  title: 'bert-tiny-squad',
  baseModel: 'google/bert_uncased_L-2_H-128_A-2',
  baseModelIsHubId: true,
  config: { hidden_size: 128, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 512, vocab_size: 30522, max_position_embeddings: 512 },
  parameters: 4_369_666,
  trainData: 'SQuAD v1.1 train',
  evalData: 'SQuAD v1.1 dev',
  trainRows: 88_524,
  hyperparameters: { learning_rate: 0.0003, per_device_train_batch_size: 32 },
  maxLength: 384,
  stride: 128,
  steps: 11_066,
  trainedWith: 'in the browser with BERT Studio (TensorFlow.js, webgpu)',
  lastEval: { step: 11_066, exact_match: 30.5, f1: 41.25, eval_loss: 2.5 },
  curveImage: 'training_curve.png',
};

describe('modelCard', () => {
  it('writes Hub metadata, the training setup, the metrics and the curve', () => {
    const card = modelCard(base);
    const front = card.split('---\n')[1];
    expect(front).toContain('library_name: transformers\npipeline_tag: question-answering\n');
    expect(front).toContain('base_model: "google/bert_uncased_L-2_H-128_A-2"');
    expect(front).toContain('    - type: exact_match\n      value: 30.5\n    - type: f1\n      value: 41.25');
    expect(card).toContain('[google/bert_uncased_L-2_H-128_A-2](https://huggingface.co/google/bert_uncased_L-2_H-128_A-2)');
    expect(card).toContain('- Training data: SQuAD v1.1 train (88,524 windows)');
    expect(card).toContain('- Tokenization: max_length 384, stride 128');
    expect(card).toContain('- Trained in the browser with BERT Studio (TensorFlow.js, webgpu), 11,066 optimizer steps');
    expect(card).toContain('| learning_rate | 0.0003 |');
    expect(card).toContain('| exact match | 30.50 |\n| F1 | 41.25 |\n| eval loss | 2.5000 |');
    expect(card).toContain('![Training loss per optimizer step](training_curve.png)');
    expect(card).toContain('pipeline("question-answering", model="someone/bert-tiny-squad")');
  });

  it('says what it does not know rather than inventing it', () => {
    const card = modelCard({
      ...base,
      baseModel: null,
      baseModelIsHubId: false,
      trainData: null,
      evalData: null,
      trainRows: null,
      hyperparameters: null,
      maxLength: null,
      stride: null,
      steps: null,
      trainedWith: null,
      lastEval: null,
      curveImage: null,
    });
    expect(card).not.toContain('base_model:');
    expect(card).not.toContain('model-index');
    expect(card).toContain('- Base model: a random initialisation');
    expect(card).toContain('- Training data: not recorded');
    expect(card).toContain('No evaluation was recorded.');
    expect(card).not.toContain('training_curve.png');
  });
});

describe('lossCurveSvg', () => {
  it('draws the raw and smoothed loss over the steps, scaled into the plot', () => {
    const svg = lossCurveSvg(
      [
        { step: 1, loss: 6 },
        { step: 2, loss: 4 },
        { step: 3, loss: NaN },
        { step: 4, loss: 2 },
      ],
      'run <1>',
    );
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="800" height="400"/);
    expect(svg).toContain('run &lt;1&gt;');
    const paths = [...svg.matchAll(/<path d="([^"]+)"/g)].map((m) => m[1]);
    expect(paths).toHaveLength(2);
    // Raw: the highest loss at the top-left of the plot, the lowest at the bottom-right; NaN steps are left out.
    expect(paths[0]).toBe('M64.0,40.0L302.7,196.0L780.0,352.0');
    // Smoothed (debiased EMA 0.6): starts at the first value and lags above the raw curve.
    expect(paths[1].startsWith('M64.0,40.0L302.7,')).toBe(true);
    expect(() => lossCurveSvg([{ step: 1, loss: NaN }], 'x')).toThrow(/no finite loss/);
  });
});
