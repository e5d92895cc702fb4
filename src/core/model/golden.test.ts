// The tfjs model against PyTorch `transformers`, an independent implementation: golden/golden.json
// holds logits, loss and gradients that transformers computed for the models in golden/ (written
// by scripts/golden/make_golden.py; this test itself needs no Python).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BackendName, setupBackend } from '../../../cli/backend.js';
import { readModelDir } from '../../../cli/model-io.js';
import { BertForQuestionAnswering, batchFromArrays, disposeBatch } from './bert.js';
import { type LoadedModel, loadModelFiles } from './hf-folder.js';

interface GoldenCase {
  name: string;
  model: string;
  hidden_act: string;
  batch_size: number;
  seq_length: number;
  input_ids: number[][];
  token_type_ids: number[][];
  attention_mask: number[][];
  start_positions: number[];
  end_positions: number[];
  start_logits: number[][];
  end_logits: number[][];
  loss: number;
  grads: Record<string, { shape: number[]; data: number[] }>;
}

interface Golden {
  torch: string;
  transformers: string;
  cases: GoldenCase[];
}

const GOLDEN_DIR = fileURLToPath(new URL('./golden/', import.meta.url));
const golden = JSON.parse(await readFile(`${GOLDEN_DIR}golden.json`, 'utf8')) as Golden;

// transformers' own float32 logits sit about 2e-6 from float64 on these models (make_golden.py
// prints it), so these bounds leave room for a different summation order and nothing else:
// gelu and gelu_new already differ by about 3e-4 in the logits.
const LOGIT_TOL = 1e-4;
const LOSS_TOL = 1e-5;
const GRAD_TOL = 1e-4;

function maxAbsDiff(actual: ArrayLike<number>, expected: readonly number[]): number {
  expect(actual.length).toBe(expected.length);
  let m = 0;
  for (let i = 0; i < actual.length; i++) m = Math.max(m, Math.abs(actual[i] - expected[i]));
  return m;
}

function goldenSuite(backend: BackendName, c: GoldenCase): void {
  describe(`${c.name} model on ${backend} vs transformers ${golden.transformers}`, () => {
    let loaded: LoadedModel;
    let model: BertForQuestionAnswering;
    let batch: ReturnType<typeof batchFromArrays>;
    let sp: tf.Tensor1D;
    let ep: tf.Tensor1D;

    beforeAll(async () => {
      await setupBackend(backend);
      loaded = loadModelFiles(await readModelDir(`${GOLDEN_DIR}${c.model}`), { strict: true });
      model = new BertForQuestionAnswering(loaded.config, loaded.params);
      batch = batchFromArrays(
        c.batch_size,
        c.seq_length,
        c.input_ids.flat(),
        c.token_type_ids.flat(),
        c.attention_mask.flat(),
      );
      sp = tf.tensor1d(c.start_positions, 'int32');
      ep = tf.tensor1d(c.end_positions, 'int32');
    });
    afterAll(() => {
      tf.dispose([sp, ep]);
      disposeBatch(batch);
      model.dispose();
    });

    it('loads every tensor transformers saved, with the config it saved', () => {
      expect(loaded.weightsFile).toBe('model.safetensors');
      expect(loaded.config.hidden_act).toBe(c.hidden_act);
      expect(loaded.report.missing).toEqual([]);
      expect(loaded.report.mismatched).toEqual([]);
      expect(loaded.report.unexpected).toEqual([]);
      expect(loaded.report.initializedHead).toEqual([]);
    });

    it(`start and end logits within ${LOGIT_TOL}`, async () => {
      const out = model.forward(batch);
      const start = await out.startLogits.data();
      const end = await out.endLogits.data();
      tf.dispose([out.startLogits, out.endLogits]);
      expect(maxAbsDiff(start, c.start_logits.flat())).toBeLessThan(LOGIT_TOL);
      expect(maxAbsDiff(end, c.end_logits.flat())).toBeLessThan(LOGIT_TOL);
    });

    it(`loss within ${LOSS_TOL}, incl. a start position below 0 that both clamp to 0`, async () => {
      const loss = model.loss(batch, sp, ep);
      const value = (await loss.data())[0];
      loss.dispose();
      expect(Math.abs(value - c.loss)).toBeLessThan(LOSS_TOL);
    });

    it(`gradients of ${Object.keys(c.grads).length} parameters within ${GRAD_TOL}`, async () => {
      const { loss, grads } = model.lossAndGrads(batch, sp, ep);
      try {
        expect(Math.abs((await loss.data())[0] - c.loss)).toBeLessThan(LOSS_TOL);
        const worst: Record<string, number> = {};
        for (const [name, expected] of Object.entries(c.grads)) {
          const g = grads.get(name);
          expect(g, name).toBeDefined();
          expect(g!.shape).toEqual(expected.shape);
          worst[name] = maxAbsDiff(await g!.data(), expected.data);
        }
        // Compared as a whole so that a failure names every parameter that is off, not just the first.
        const off = Object.entries(worst).filter(([, d]) => !(d < GRAD_TOL));
        expect(off).toEqual([]);
      } finally {
        tf.dispose([loss, ...grads.values()]);
      }
    });
  });
}

// webgpu is left to bert.test.ts, which checks it against the cpu backend on the same architecture.
const BACKENDS: BackendName[] = ['cpu', 'wasm'];
for (const backend of BACKENDS) {
  for (const c of golden.cases) goldenSuite(backend, c);
}
