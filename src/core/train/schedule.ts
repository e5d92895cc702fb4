/** Warmup length as Hugging Face's TrainingArguments.get_warmup_steps computes it from a ratio. */
export function warmupSteps(warmupRatio: number, totalSteps: number): number {
  return Math.ceil(warmupRatio * totalSteps);
}

/**
 * The multiplier of get_linear_schedule_with_warmup at scheduler position `step` (0-based: the
 * first optimizer update uses position 0, so with warmup it runs at lr 0, exactly as in PyTorch).
 */
export function linearWarmupDecay(step: number, totalSteps: number, warmup: number): number {
  if (step < warmup) return step / Math.max(1, warmup);
  return Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmup));
}

/** Learning rate of the update at scheduler position `step`. */
export function scheduledLearningRate(peak: number, step: number, totalSteps: number, warmup: number): number {
  return peak * linearWarmupDecay(step, totalSteps, warmup);
}

/** Optimizer updates in one pass: micro-batches (the last one padded) grouped k at a time. */
export function stepsPerEpoch(featureCount: number, batchSize: number, gradAccumSteps: number): number {
  return Math.ceil(Math.ceil(featureCount / batchSize) / gradAccumSteps);
}

export function totalTrainingSteps(featureCount: number, options: { batchSize: number; gradAccumSteps: number; epochs: number; maxSteps: number }): number {
  if (options.maxSteps > 0) return options.maxSteps;
  return Math.max(1, Math.ceil(options.epochs * stepsPerEpoch(featureCount, options.batchSize, options.gradAccumSteps)));
}
