import type { BertConfig } from './config.js';
import { countBertParams } from './params.js';

export interface ModelEstimate {
  parameters: number;
  weightBytes: number;
  gradientBytes: number;
  /** AdamW keeps two float32 moments per parameter. */
  adamStateBytes: number;
  /** Activations kept for the backward pass at this batch size and sequence length. */
  activationBytes: number;
  /** Weights + gradients + Adam state + activations: the working set of one training step. */
  trainingBytes: number;
  /** Weights + one layer's activations: what inference needs at most. */
  inferenceBytes: number;
  forwardFlops: number;
  /** Forward plus backward (which costs about twice the forward). */
  trainingStepFlops: number;
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
 * Rough memory and compute for the Model panel. Activations count the tensors autograd keeps per
 * layer: per token about 13 H-wide tensors (Q, K, V, context, dense outputs, dropout masks, LayerNorm
 * inputs and outputs) plus 2 intermediate-wide ones, and per head 3 L-wide attention rows (scores,
 * probabilities, dropout mask). FLOPs count 2 per multiply-add in the matmuls, which dominate.
 */
export function estimateModel(config: BertConfig, batchSize: number, seqLength: number): ModelEstimate {
  const H = config.hidden_size;
  const I = config.intermediate_size;
  const A = config.num_attention_heads;
  const layers = config.num_hidden_layers;
  const tokens = batchSize * seqLength;
  const parameters = countBertParams(config);
  const weightBytes = parameters * F32;
  const perLayerFloats = tokens * (13 * H + 2 * I) + batchSize * A * seqLength * seqLength * 3;
  const embeddingFloats = tokens * 4 * H;
  const headFloats = tokens * 2 * 3;
  const activationBytes = (layers * perLayerFloats + embeddingFloats + headFloats) * F32;
  const perLayerFlops = 2 * tokens * (4 * H * H + 2 * H * I) + 2 * 2 * batchSize * seqLength * seqLength * H;
  const forwardFlops = layers * perLayerFlops + 2 * tokens * H * 2;
  return {
    parameters,
    weightBytes,
    gradientBytes: weightBytes,
    adamStateBytes: 2 * weightBytes,
    activationBytes,
    trainingBytes: 4 * weightBytes + activationBytes,
    inferenceBytes: weightBytes + (perLayerFloats + embeddingFloats) * F32,
    forwardFlops,
    trainingStepFlops: 3 * forwardFlops,
  };
}
