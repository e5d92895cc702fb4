// The tfjs model against PyTorch `transformers`, an independent implementation: golden/golden.json
// holds logits, loss and gradients that transformers computed for the models in golden/ (written
// by scripts/golden/make_golden.py; this test itself needs no Python).
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BackendName, setupBackend } from '../../../cli/backend.js';
import { readModelDir } from '../../../cli/model-io.js';
import { BertForQuestionAnswering, batchFromArrays, disposeBatch } from './bert.js';
import { type LoadedModel, loadModelFiles } from './hf-folder.js';
import { GOLDEN_DIR, GRAD_TOL, LOGIT_TOL, LOSS_TOL, expectGradsClose, maxAbsDiff, readGolden, type GoldenGrads } from './golden.test-util.js';

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
  grads: GoldenGrads;
}

interface Golden {
  torch: string;
  transformers: string;
  cases: GoldenCase[];
}

const golden = await readGolden<Golden>('golden.json');

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
        await expectGradsClose(grads, c.grads);
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
