import * as tf from '@tensorflow/tfjs';
import type { StepMetrics, Trainer } from './trainer.js';

/** What one optimizer step costs, as tf.profile sees it on the trainer's backend. */
export interface TrainStepProfile {
  /** Most bytes held by live tensors at any kernel boundary during the step (weights and moments included). */
  peakBytes: number;
  /** Bytes held by live tensors when the step began. */
  startBytes: number;
  /** Bytes the step left behind (0 when nothing leaks). */
  newBytes: number;
  newTensors: number;
  /** Kernels launched: on a GPU, each is a dispatch. */
  kernelCount: number;
  /** The kernel after which the peak was reached, and its position among the step's launches. */
  peakAt: { kernel: string; index: number };
  /** Kernel launches per kernel name, most frequent first. */
  kernelsByName: Record<string, number>;
  /** torch's floor for the same step: parameters + gradients + two Adam moments, 16 bytes per parameter. */
  floorBytes: number;
  metrics: StepMetrics;
}

/** Runs the trainer's next step under tf.profile and reports its peak memory and kernel launches. */
export async function profileTrainStep(trainer: Trainer): Promise<TrainStepProfile> {
  const startBytes = tf.memory().numBytes;
  let metrics: StepMetrics | undefined;
  const info = await tf.profile(async () => {
    metrics = await trainer.step();
  });
  const counts = new Map<string, number>();
  for (const k of info.kernels) counts.set(k.name, (counts.get(k.name) ?? 0) + 1);
  const kernelsByName: Record<string, number> = {};
  for (const [name, n] of [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) kernelsByName[name] = n;
  let peakIndex = 0;
  info.kernels.forEach((k, i) => {
    if (k.totalBytesSnapshot > info.kernels[peakIndex].totalBytesSnapshot) peakIndex = i;
  });
  let parameters = 0;
  for (const p of trainer.model.params.values()) parameters += p.size;
  return {
    peakBytes: Math.max(info.peakBytes, startBytes),
    startBytes,
    newBytes: info.newBytes,
    newTensors: info.newTensors,
    kernelCount: info.kernels.length,
    peakAt: { kernel: info.kernels[peakIndex]?.name ?? '', index: peakIndex },
    kernelsByName,
    floorBytes: 16 * parameters,
    metrics: metrics!,
  };
}
