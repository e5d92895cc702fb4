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

/** What each hyperparameter is called where people see it (the studio's fields, the reports). */
export const HYPERPARAMETER_NAMES: Readonly<Record<keyof TrainHyperparameters, string>> = {
  learningRate: 'Learning rate',
  epochs: 'Epochs',
  maxSteps: 'Max steps',
  batchSize: 'Batch size',
  gradAccumSteps: 'Grad accumulation',
  warmupRatio: 'Warmup ratio',
  weightDecay: 'Weight decay',
  maxGradNorm: 'Max gradient norm',
  seed: 'Seed',
  beta1: 'Adam beta1',
  beta2: 'Adam beta2',
  eps: 'Adam epsilon',
  gradientCheckpointing: 'Gradient checkpointing',
};

/** Problems with a set of hyperparameters, in words naming the field (an emptied field reads as NaN). */
export function validateHyperparameters(h: TrainHyperparameters): string[] {
  const problems: string[] = [];
  const check = (key: keyof TrainHyperparameters, ok: boolean, rule: string) => {
    if (ok) return;
    const v = h[key] as number;
    problems.push(`${HYPERPARAMETER_NAMES[key]} ${Number.isNaN(v) ? 'is empty' : `is ${v}`}: it must be ${rule}`);
  };
  check('batchSize', Number.isInteger(h.batchSize) && h.batchSize >= 1, 'a whole number, 1 or more');
  check('gradAccumSteps', Number.isInteger(h.gradAccumSteps) && h.gradAccumSteps >= 1, 'a whole number, 1 or more');
  check('learningRate', h.learningRate > 0 && Number.isFinite(h.learningRate), 'a positive number');
  check('warmupRatio', h.warmupRatio >= 0 && h.warmupRatio <= 1, 'between 0 and 1');
  check('weightDecay', h.weightDecay >= 0 && Number.isFinite(h.weightDecay), '0 or more');
  check('maxGradNorm', h.maxGradNorm >= 0 && Number.isFinite(h.maxGradNorm), '0 or more (0 disables clipping)');
  check('maxSteps', Number.isInteger(h.maxSteps) && h.maxSteps >= 0, 'a whole number, 0 or more');
  if (h.maxSteps === 0) check('epochs', h.epochs > 0 && Number.isFinite(h.epochs), 'more than 0 when Max steps is 0');
  check('seed', Number.isInteger(h.seed), 'a whole number');
  check('beta1', h.beta1 >= 0 && h.beta1 < 1, 'in [0, 1)');
  check('beta2', h.beta2 >= 0 && h.beta2 < 1, 'in [0, 1)');
  check('eps', h.eps > 0, 'more than 0');
  if (typeof h.gradientCheckpointing !== 'boolean') problems.push(`Gradient checkpointing is ${String(h.gradientCheckpointing)}: it must be on or off`);
  return problems;
}
