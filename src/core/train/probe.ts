import * as tf from '@tensorflow/tfjs';
import { lossAndGrads, type TrainData, type TrainableModel } from './task-data.js';

/**
 * One forward and backward pass of a run's batch shape (the first rows, repeated to fill it), so a
 * backend that cannot train fails before the run starts. Answers why it failed, or null.
 */
export async function probeTrainStep(model: TrainableModel, data: TrainData, batchSize: number): Promise<string | null> {
  const rows = Int32Array.from({ length: batchSize }, (_, r) => r % Math.min(batchSize, data.count));
  let mb: ReturnType<TrainData['batch']> | null = null;
  let tensors: tf.Tensor[] = [];
  try {
    mb = data.batch(rows, batchSize, 1 / batchSize);
    const batch = mb;
    const { loss, grads } = lossAndGrads(model, () => batch.loss(model.params, model.config, { training: true, seed: 1 }));
    const norm = tf.tidy(() => [...grads.values()].reduce<tf.Tensor>((sum, g) => tf.add(sum, tf.sum(tf.square(g))), tf.scalar(0)));
    tensors = [loss, norm, ...grads.values()];
    const [l, g] = [(await loss.data())[0], (await norm.data())[0]];
    if (!Number.isFinite(l) || !Number.isFinite(g)) return `the probe step computed a non-finite ${Number.isFinite(l) ? 'gradient' : 'loss'} (${l})`;
    // Cross-entropy is never exactly 0 with gradients all 0: such a read-back means the GPU work did not run.
    if (l === 0 && g === 0) return 'the probe step read back a zero loss and zero gradients, so this backend is not computing correctly here';
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    mb?.dispose();
    tf.dispose(tensors);
  }
}
