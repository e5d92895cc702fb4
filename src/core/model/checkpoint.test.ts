import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BertForQuestionAnswering, batchFromArrays, bertQaForward, disposeBatch, qaLoss } from './bert.js';
import { BERT_DEFAULTS, type BertConfig } from './config.js';

const CONFIG: BertConfig = {
  ...BERT_DEFAULTS,
  vocab_size: 50,
  hidden_size: 32,
  num_hidden_layers: 3,
  num_attention_heads: 4,
  intermediate_size: 64,
  max_position_embeddings: 64,
  hidden_dropout_prob: 0.2,
  attention_probs_dropout_prob: 0.2,
  initializer_range: 0.2,
};
const B = 2;
const L = 48;

function makeInputs() {
  const ids = Array.from({ length: B * L }, (_, i) => (i * 7 + 3) % CONFIG.vocab_size);
  const types = Array.from({ length: B * L }, (_, i) => (i % L > L / 3 ? 1 : 0));
  const mask = Array.from({ length: B * L }, (_, i) => (i >= L && i % L > 40 ? 0 : 1));
  return { batch: batchFromArrays(B, L, ids, types, mask), starts: tf.tensor1d([5, 12], 'int32'), ends: tf.tensor1d([9, 30], 'int32') };
}

async function lossAndGrads(model: BertForQuestionAnswering, gradientCheckpointing: boolean) {
  const { batch, starts, ends } = makeInputs();
  const vars = [...model.params.values()];
  let peak = 0;
  const profile = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(
      () => qaLoss(bertQaForward(model.params, model.config, batch, { training: true, seed: 17, gradientCheckpointing }), starts, ends),
      vars,
    );
    return { value, grads };
  });
  peak = profile.peakBytes;
  const { value, grads } = profile.result as unknown as { value: tf.Scalar; grads: tf.NamedTensorMap };
  const loss = (await value.data())[0];
  const host = new Map<string, Float32Array>();
  for (const [name, v] of model.params) host.set(name, (await grads[v.name].data()) as Float32Array);
  tf.dispose([value, ...Object.values(grads)]);
  disposeBatch(batch);
  tf.dispose([starts, ends]);
  return { loss, grads: host, peak };
}

describe('gradient checkpointing per encoder layer', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('gives the same loss and gradients as keeping activations, with the same dropout masks, and a lower peak', async () => {
    const model = BertForQuestionAnswering.init(CONFIG, 4);
    const before = tf.memory().numTensors;
    const plain = await lossAndGrads(model, false);
    const checkpointed = await lossAndGrads(model, true);
    expect(tf.memory().numTensors).toBe(before);
    expect(checkpointed.loss).toBe(plain.loss);
    let worst = 0;
    for (const [name, g] of plain.grads) {
      const c = checkpointed.grads.get(name)!;
      for (let i = 0; i < g.length; i++) worst = Math.max(worst, Math.abs(g[i] - c[i]) / Math.max(1e-3, Math.abs(g[i])));
    }
    expect(worst).toBeLessThan(1e-5);
    // Dropout is on and drawn per site: a different seed would change the loss.
    const { batch, starts, ends } = makeInputs();
    const other = tf.tidy(() => qaLoss(bertQaForward(model.params, model.config, batch, { training: true, seed: 18 }), starts, ends));
    expect(Math.abs((await other.data())[0] - plain.loss)).toBeGreaterThan(1e-4);
    tf.dispose([other, starts, ends]);
    disposeBatch(batch);
    expect(checkpointed.peak).toBeLessThan(plain.peak);
    model.dispose();
  });

  it('runs the layer directly when no gradient is recorded', () => {
    const model = BertForQuestionAnswering.init(CONFIG, 5);
    const { batch, starts, ends } = makeInputs();
    const a = model.forward(batch, { training: true, seed: 2 });
    const b = model.forward(batch, { training: true, seed: 2, gradientCheckpointing: true });
    expect(Array.from(b.startLogits.dataSync())).toEqual(Array.from(a.startLogits.dataSync()));
    tf.dispose([a.startLogits, a.endLogits, b.startLogits, b.endLogits, starts, ends]);
    disposeBatch(batch);
    model.dispose();
  });
});
