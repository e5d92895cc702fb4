import type { BertConfig, BertPresetName } from '../model/index.js';

/** Everything that shapes an optimisation run; names follow Hugging Face TrainingArguments where one exists. */
export interface TrainHyperparameters {
  learningRate: number;
  /** Rows per micro-batch (per_device_train_batch_size); every batch has this shape. */
  batchSize: number;
  /** Micro-batches per optimizer update (gradient_accumulation_steps). */
  gradAccumSteps: number;
  warmupRatio: number;
  weightDecay: number;
  /** Global gradient-norm bound; 0 disables clipping (as max_grad_norm 0 does in Trainer). */
  maxGradNorm: number;
  /** Passes over the features; used when maxSteps is 0. May be fractional. */
  epochs: number;
  /** Optimizer updates in total; when > 0 it overrides epochs, cycling through the data as needed. */
  maxSteps: number;
  seed: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Recompute each encoder layer in the backward pass instead of keeping its activations (less memory, ~1/3 more compute). */
  gradientCheckpointing: boolean;
}

type SizeDefaults = Pick<TrainHyperparameters, 'learningRate' | 'batchSize' | 'epochs'>;

/**
 * Small models want much larger rates (PIPELINE.md section 6); base follows the BERT paper's SQuAD
 * recipe with a batch that fits a browser GPU.
 */
export const SIZE_DEFAULTS: Readonly<Record<BertPresetName, Readonly<SizeDefaults>>> = Object.freeze({
  tiny: { learningRate: 3e-4, batchSize: 32, epochs: 4 },
  mini: { learningRate: 1e-4, batchSize: 32, epochs: 4 },
  small: { learningRate: 5e-5, batchSize: 32, epochs: 3 },
  base: { learningRate: 3e-5, batchSize: 12, epochs: 2 },
});

/** The preset a config is closest to, by hidden size (the compact BERTs differ mostly there). */
export function modelSizeOf(config: Pick<BertConfig, 'hidden_size'>): BertPresetName {
  const h = config.hidden_size;
  if (h <= 128) return 'tiny';
  if (h <= 256) return 'mini';
  if (h <= 512) return 'small';
  return 'base';
}

export function defaultHyperparameters(size: BertPresetName | Pick<BertConfig, 'hidden_size'>): TrainHyperparameters {
  const preset = SIZE_DEFAULTS[typeof size === 'string' ? size : modelSizeOf(size)];
  return {
    ...preset,
    gradAccumSteps: 1,
    warmupRatio: 0.1,
    weightDecay: 0.01,
    maxGradNorm: 1.0,
    maxSteps: 0,
    seed: 42,
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
    gradientCheckpointing: false,
  };
}

/** Every problem with a set of hyperparameters, as messages naming the field; empty when usable. */
export function validateHyperparameters(h: TrainHyperparameters): string[] {
  const problems: string[] = [];
  const positiveInt = (key: 'batchSize' | 'gradAccumSteps') => {
    if (!Number.isInteger(h[key]) || h[key] < 1) problems.push(`${key} must be an integer >= 1, got ${h[key]}`);
  };
  positiveInt('batchSize');
  positiveInt('gradAccumSteps');
  if (!(h.learningRate > 0 && Number.isFinite(h.learningRate))) problems.push(`learningRate must be a positive number, got ${h.learningRate}`);
  if (!(h.warmupRatio >= 0 && h.warmupRatio <= 1)) problems.push(`warmupRatio must be in [0, 1], got ${h.warmupRatio}`);
  if (!(h.weightDecay >= 0 && Number.isFinite(h.weightDecay))) problems.push(`weightDecay must be >= 0, got ${h.weightDecay}`);
  if (!(h.maxGradNorm >= 0 && Number.isFinite(h.maxGradNorm))) problems.push(`maxGradNorm must be >= 0 (0 disables clipping), got ${h.maxGradNorm}`);
  if (!Number.isInteger(h.maxSteps) || h.maxSteps < 0) problems.push(`maxSteps must be an integer >= 0, got ${h.maxSteps}`);
  if (h.maxSteps === 0 && !(h.epochs > 0 && Number.isFinite(h.epochs))) problems.push(`epochs must be > 0 when maxSteps is 0, got ${h.epochs}`);
  if (!Number.isInteger(h.seed)) problems.push(`seed must be an integer, got ${h.seed}`);
  if (!(h.beta1 >= 0 && h.beta1 < 1)) problems.push(`beta1 must be in [0, 1), got ${h.beta1}`);
  if (!(h.beta2 >= 0 && h.beta2 < 1)) problems.push(`beta2 must be in [0, 1), got ${h.beta2}`);
  if (!(h.eps > 0)) problems.push(`eps must be > 0, got ${h.eps}`);
  if (typeof h.gradientCheckpointing !== 'boolean') problems.push(`gradientCheckpointing must be true or false, got ${String(h.gradientCheckpointing)}`);
  return problems;
}
