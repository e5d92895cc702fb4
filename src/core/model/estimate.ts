import type { BertConfig } from './config.js';
import { countBertParams } from './params.js';

export interface ModelEstimate {
  parameters: number;
  weightBytes: number;
  gradientBytes: number;
  /** AdamW keeps two float32 moments per parameter. */
  adamStateBytes: number;
  /** Activations (and their gradients) held at the peak of a training step at this batch and sequence length. */
  activationBytes: number;
  /** Peak bytes of one training step: weights + gradients + Adam state + activations, or the optimizer's peak if higher. */
  trainingBytes: number;
  /** Weights + one layer's activations: what inference needs at most. */
  inferenceBytes: number;
  forwardFlops: number;
  /** Forward plus backward (which costs about twice the forward), plus one more forward with checkpointing. */
  trainingStepFlops: number;
}

export interface EstimateOptions {
  /** Encoder layers recomputed in the backward pass (TrainHyperparameters.gradientCheckpointing). */
  gradientCheckpointing?: boolean;
}

const F32 = 4;

/** The most float32 weights one model may have here: WebAssembly memory and one safetensors buffer stop at 4 GiB. */
export const MAX_WEIGHT_BYTES = 4 * 1024 ** 3;

/** countBertParams in closed form, so an absurd config (100,000 layers) is sized without enumerating its tensors. */
export function bertParameterCount(config: BertConfig): number {
  const { hidden_size: H, intermediate_size: I, vocab_size: V, max_position_embeddings: P, type_vocab_size: T, num_hidden_layers: N } = config;
  const embeddings = (V + P + T) * H + 2 * H;
  const layer = 4 * (H * H + H) + 2 * H + (H * I + I) + (I * H + H) + 2 * H;
  return embeddings + N * layer + 2 * H + 2;
}

function gib(bytes: number): string {
  const g = bytes / 1024 ** 3;
  return g >= 1024 ? `${(g / 1024).toLocaleString('en-US', { maximumFractionDigits: 1 })} TiB` : `${g.toLocaleString('en-US', { maximumFractionDigits: 1 })} GiB`;
}

/** Throws, with the estimated size, for a config whose weights cannot be held; called before anything is allocated. */
export function checkWeightsFit(config: BertConfig, limitBytes = MAX_WEIGHT_BYTES): void {
  const parameters = bertParameterCount(config);
  const bytes = parameters * F32;
  if (!(bytes <= limitBytes))
    throw new Error(
      `this config needs an estimated ${gib(bytes)} of float32 weights (${parameters.toLocaleString('en-US')} parameters, ` +
        `${config.num_hidden_layers.toLocaleString('en-US')} layers of hidden size ${config.hidden_size}), more than the ${gib(limitBytes)} a model can hold; ` +
        'use fewer layers, a smaller hidden size or a smaller vocabulary',
    );
}

/**
 * Floats held at the peak of a step, fitted to tf.profile's peak of real Trainer steps on the cpu
 * backend (profileTrainStep) over configs that vary every term; `estimate.test.ts` checks the fit.
 * T = batch x sequence tokens, S = batch x heads x sequence^2 attention scores.
 * Without checkpointing all layers' saved tensors and their gradients coexist at the end of the
 * backward pass; with it, one checkpoint per layer plus one layer being recomputed.
 */
export const ACTIVATION_FIT = {
  plain: { perLayerTH: 14.8, perLayerTI: 3.6, perLayerS: 6.2, embeddingTH: 13.3 },
  checkpointed: { perLayerTH: 1, layerTH: 28, layerTI: 4.3, layerS: 5.5 },
} as const;

/**
 * Memory and compute for the Model and Train panels. The training peak is the larger of the end of
 * the backward pass (weights, moments and gradients: torch's 16 bytes per parameter, plus
 * activations) and the optimizer's last update, where the largest parameter (the word embeddings)
 * has its three new tensors (p, m, v) beside its gradient. FLOPs count 2 per multiply-add in the matmuls.
 */
export function estimateModel(config: BertConfig, batchSize: number, seqLength: number, options: EstimateOptions = {}): ModelEstimate {
  const H = config.hidden_size;
  const I = config.intermediate_size;
  const A = config.num_attention_heads;
  const layers = config.num_hidden_layers;
  const tokens = batchSize * seqLength;
  const scores = batchSize * A * seqLength * seqLength;
  const parameters = countBertParams(config);
  const weightBytes = parameters * F32;
  const largestParam = Math.max(config.vocab_size, config.max_position_embeddings, I) * H;
  let activationFloats: number;
  if (options.gradientCheckpointing) {
    const c = ACTIVATION_FIT.checkpointed;
    activationFloats = layers * c.perLayerTH * tokens * H + c.layerTH * tokens * H + c.layerTI * tokens * I + c.layerS * scores;
  } else {
    const c = ACTIVATION_FIT.plain;
    activationFloats = layers * (c.perLayerTH * tokens * H + c.perLayerTI * tokens * I + c.perLayerS * scores) + c.embeddingTH * tokens * H;
  }
  const activationBytes = activationFloats * F32;
  const backwardPeak = 4 * weightBytes + activationBytes;
  const optimizerPeak = 3 * weightBytes + 4 * largestParam * F32;
  // One layer's forward tensors: about 13 H-wide and 2 intermediate-wide per token, 3 score tensors.
  const inferenceLayerFloats = tokens * (13 * H + 2 * I) + scores * 3;
  const perLayerFlops = 2 * tokens * (4 * H * H + 2 * H * I) + 2 * 2 * batchSize * seqLength * seqLength * H;
  const forwardFlops = layers * perLayerFlops + 2 * tokens * H * 2;
  return {
    parameters,
    weightBytes,
    gradientBytes: weightBytes,
    adamStateBytes: 2 * weightBytes,
    activationBytes,
    trainingBytes: Math.max(backwardPeak, optimizerPeak),
    inferenceBytes: weightBytes + (inferenceLayerFloats + tokens * 4 * H) * F32,
    forwardFlops,
    trainingStepFlops: (options.gradientCheckpointing ? 4 : 3) * forwardFlops,
  };
}
