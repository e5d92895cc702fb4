import { BERT_PRESETS, BertForQuestionAnswering, batchFromArrays, disposeBatch, initBertParams, type BertConfig, type HostParams } from '../../core/model/index.js';
import type { BackendName, CalibrationResult } from '../model-api.js';
import { StudioError, type HandlerContext } from '../protocol.js';
import { backendInfo, setBackend, tf } from './backend.js';
import { getModelInfo, readParams } from './registry.js';

const BATCH = 1;
const LENGTH = 128;
/** A backend whose first pass takes longer than this is timed by that pass alone. */
const SLOW_MS = 4000;

export function calibrationWorkload(config: BertConfig): string {
  return `L${config.num_hidden_layers} H${config.hidden_size} · ${BATCH}×${LENGTH}`;
}

/** One forward and backward pass at the calibration shape; returns its wall time in ms. */
async function timedPass(model: BertForQuestionAnswering, vocab: number): Promise<number> {
  const ids = Int32Array.from({ length: BATCH * LENGTH }, (_, i) => (i * 7919) % vocab);
  const types = Int32Array.from({ length: BATCH * LENGTH }, (_, i) => (i % LENGTH >= LENGTH / 4 ? 1 : 0));
  const mask = new Int32Array(BATCH * LENGTH).fill(1);
  const t0 = performance.now();
  const batch = batchFromArrays(BATCH, LENGTH, ids, types, mask);
  const starts = tf.tensor1d(new Int32Array(BATCH).fill(LENGTH / 2), 'int32');
  const ends = tf.tensor1d(new Int32Array(BATCH).fill(LENGTH / 2 + 3), 'int32');
  try {
    const { loss, grads } = model.lossAndGrads(batch, starts, ends, { training: false });
    const norm = tf.tidy(() => [...grads.values()].reduce<tf.Tensor>((sum, g) => tf.add(sum, tf.sum(tf.square(g))), tf.scalar(0)));
    await norm.data();
    tf.dispose([loss, norm, ...grads.values()]);
  } finally {
    disposeBatch(batch);
    tf.dispose([starts, ends]);
  }
  return performance.now() - t0;
}

/**
 * Times the model on each requested backend (one warm-up pass, then the best of two), then restores the
 * backend that was current. Cancelling between passes restores it too.
 */
export async function calibrateBackends(modelId: string | null, backends: BackendName[], ctx: HandlerContext): Promise<CalibrationResult> {
  const info = await backendInfo();
  const previous = info.current;
  let config: BertConfig;
  let params: HostParams;
  if (modelId) {
    const model = await getModelInfo(modelId);
    config = model.config;
    params = await readParams(modelId);
  } else {
    config = BERT_PRESETS.tiny;
    params = initBertParams(config, 1);
  }
  const result: CalibrationResult = { workload: calibrationWorkload(config), millis: {}, failed: {} };
  const todo = backends.filter((b) => info.available.includes(b));
  if (todo.length === 0) throw new StudioError('invalid-input', 'None of the backends to measure is available here.');
  try {
    for (const [i, backend] of todo.entries()) {
      ctx.checkCancelled();
      ctx.progress(i, todo.length, `Measuring ${backend} (${i + 1} of ${todo.length})`);
      await setBackend(backend);
      let model: BertForQuestionAnswering | null = null;
      try {
        model = new BertForQuestionAnswering(config, params);
        const warm = await timedPass(model, config.vocab_size);
        let best = warm;
        if (warm < SLOW_MS) {
          for (let k = 0; k < 2; k++) {
            ctx.checkCancelled();
            best = Math.min(best, await timedPass(model, config.vocab_size));
          }
        }
        result.millis[backend] = best;
      } catch (err) {
        if (err instanceof StudioError && err.code === 'cancelled') throw err;
        result.failed[backend] = err instanceof Error ? err.message : String(err);
      } finally {
        model?.dispose();
      }
    }
    ctx.progress(todo.length, todo.length, 'Measured');
  } finally {
    await setBackend(previous);
  }
  return result;
}
