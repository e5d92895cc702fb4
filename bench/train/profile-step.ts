import * as tf from '@tensorflow/tfjs';
import type { Trainer } from '../../src/core/train/index.js';

export interface StepProfile {
  peakBytes: number;
  kernelCount: number;
  kernelsByName: Record<string, number>;
}

/** Runs the trainer's next step under tf.profile: peak bytes held by live tensors and kernels launched. */
export async function profileTrainStep(trainer: Trainer): Promise<StepProfile> {
  const startBytes = tf.memory().numBytes;
  const info = await tf.profile(async () => {
    await trainer.step();
  });
  const counts = new Map<string, number>();
  for (const k of info.kernels) counts.set(k.name, (counts.get(k.name) ?? 0) + 1);
  const kernelsByName = Object.fromEntries([...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
  return { peakBytes: Math.max(info.peakBytes, startBytes), kernelCount: info.kernels.length, kernelsByName };
}
