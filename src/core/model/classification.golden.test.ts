// BertForSequenceClassification against PyTorch `transformers`: golden/classification.json holds the
// logits, mean cross-entropy and gradients transformers computed for golden/model-classification
// (written by scripts/golden/make_golden_classification.py; this test needs no Python). The batch
// goes through the MRPC task's own dynamic-padding rows and loss, so those are checked too.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BackendName, setupBackend } from '../../../cli/backend.js';
import { readModelDir } from '../../../cli/model-io.js';
import { type PairFeatures, pairBatch, pairTrainData } from '../tasks/mrpc/index.js';
import { lossAndGrads } from '../train/task-data.js';
import { BertForSequenceClassification, classificationHeadParamSpecs, labelsFromConfigJson } from './classification.js';
import { type LoadedModel, loadModelFiles } from './hf-folder.js';
import { GOLDEN_DIR, GRAD_TOL, LOGIT_TOL, LOSS_TOL, expectGradsClose, maxAbsDiff, readGolden, type GoldenGrads } from './golden.test-util.js';

interface ClassificationGolden {
  transformers: string;
  model: string;
  seq_length: number;
  input_ids: number[][];
  token_type_ids: number[][];
  attention_mask: number[][];
  labels: number[];
  logits: number[][];
  loss: number;
  grads: GoldenGrads;
}

const golden = await readGolden<ClassificationGolden>('classification.json');

/** The golden rows without their padding, as the featurizer would hand them over. */
function goldenRows(): PairFeatures {
  const lengths = Int32Array.from(golden.attention_mask, (m) => m.reduce((a, b) => a + b, 0));
  const rowStart = new Int32Array(lengths.length + 1);
  lengths.forEach((l, i) => (rowStart[i + 1] = rowStart[i] + l));
  return {
    count: lengths.length,
    maxLength: golden.seq_length,
    ids: Array.from(lengths, (_, i) => String(i)),
    labels: Int32Array.from(golden.labels),
    rowStart,
    inputIds: Int32Array.from(golden.input_ids.flatMap((r, i) => r.slice(0, lengths[i]))),
    tokenTypeIds: Int32Array.from(golden.token_type_ids.flatMap((r, i) => r.slice(0, lengths[i]))),
    lengths,
    truncated: 0,
  };
}

for (const backend of ['cpu', 'wasm'] as BackendName[]) {
  describe(`BertForSequenceClassification on ${backend} vs transformers ${golden.transformers}`, () => {
    let loaded: LoadedModel;
    let model: BertForSequenceClassification;
    const rows = goldenRows();
    const all = Int32Array.from({ length: rows.count }, (_, i) => i);

    beforeAll(async () => {
      await setupBackend(backend);
      loaded = loadModelFiles(await readModelDir(`${GOLDEN_DIR}${golden.model}`), {
        strict: true,
        headFor: (config) => classificationHeadParamSpecs(config, 2),
      });
      model = new BertForSequenceClassification(loaded.config, loaded.params, labelsFromConfigJson(loaded.configJson, ['a', 'b']));
    });
    afterAll(() => model.dispose());

    it('loads every tensor transformers saved, pooler and classifier included, and its label names', () => {
      expect(loaded.report.missing).toEqual([]);
      expect(loaded.report.unexpected).toEqual([]);
      expect(loaded.report.ignored).toEqual([]);
      expect(loaded.report.initializedHead).toEqual([]);
      expect(model.labels).toEqual(['not_equivalent', 'equivalent']);
    });

    it(`logits within ${LOGIT_TOL} on rows padded to the longest`, async () => {
      // The task's batch pads to the longest row (12): exactly the golden batch.
      const { batch } = pairBatch(rows, all, 0);
      expect(batch.inputIds.shape).toEqual([3, golden.seq_length]);
      expect(Array.from(await batch.attentionMask.data())).toEqual(golden.attention_mask.flat());
      const logits = model.forward(batch);
      expect(maxAbsDiff(await logits.data(), golden.logits.flat())).toBeLessThan(LOGIT_TOL);
      tf.dispose([logits, batch.inputIds, batch.tokenTypeIds, batch.attentionMask]);
    });

    it(`mean cross-entropy within ${LOSS_TOL} and gradients of ${Object.keys(golden.grads).length} parameters within ${GRAD_TOL}`, async () => {
      const mb = pairTrainData(rows, 0).batch(all, rows.count, 1 / rows.count);
      const { loss, grads } = lossAndGrads(model, () => mb.loss(model.params, model.config, { training: false }));
      mb.dispose();
      try {
        expect(Math.abs((await loss.data())[0] - golden.loss)).toBeLessThan(LOSS_TOL);
        await expectGradsClose(grads, golden.grads);
      } finally {
        tf.dispose([loss, ...grads.values()]);
      }
    });
  });
}
