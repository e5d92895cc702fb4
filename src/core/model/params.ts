import type { BertConfig } from './config.js';
import { fillNormal, hashString, mixSeeds } from '../util/prng.js';

/** A float32 tensor on the host, row-major; weights keep Hugging Face's [out, in] layout. */
export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

/** Parameters keyed by Hugging Face names, e.g. `bert.encoder.layer.0.attention.self.query.weight`. */
export type HostParams = Map<string, HostTensor>;

export type ParamInit = 'normal' | 'ones' | 'zeros';

export interface ParamSpec {
  name: string;
  shape: number[];
  init: ParamInit;
}

export const QA_OUTPUTS_WEIGHT = 'qa_outputs.weight';
export const QA_OUTPUTS_BIAS = 'qa_outputs.bias';
export const WORD_EMBEDDINGS = 'bert.embeddings.word_embeddings.weight';

export function layerPrefix(i: number): string {
  return `bert.encoder.layer.${i}`;
}

/** Every parameter of BertForQuestionAnswering in Hugging Face's state_dict order. */
export function bertParamSpecs(config: BertConfig): ParamSpec[] {
  return [...bertEncoderParamSpecs(config), ...qaHeadParamSpecs(config)];
}

/** The QA head: one Linear(H, 2) over every token. */
export function qaHeadParamSpecs(config: BertConfig): ParamSpec[] {
  return [
    { name: QA_OUTPUTS_WEIGHT, shape: [2, config.hidden_size], init: 'normal' },
    { name: QA_OUTPUTS_BIAS, shape: [2], init: 'zeros' },
  ];
}

/** BertModel's embeddings and layers (no pooler), in Hugging Face's state_dict order. */
export function bertEncoderParamSpecs(config: BertConfig): ParamSpec[] {
  const H = config.hidden_size;
  const I = config.intermediate_size;
  const specs: ParamSpec[] = [];
  const dense = (prefix: string, out: number, inp: number): void => {
    specs.push({ name: `${prefix}.weight`, shape: [out, inp], init: 'normal' });
    specs.push({ name: `${prefix}.bias`, shape: [out], init: 'zeros' });
  };
  const layerNorm = (prefix: string): void => {
    specs.push({ name: `${prefix}.weight`, shape: [H], init: 'ones' });
    specs.push({ name: `${prefix}.bias`, shape: [H], init: 'zeros' });
  };
  specs.push({ name: WORD_EMBEDDINGS, shape: [config.vocab_size, H], init: 'normal' });
  specs.push({ name: 'bert.embeddings.position_embeddings.weight', shape: [config.max_position_embeddings, H], init: 'normal' });
  specs.push({ name: 'bert.embeddings.token_type_embeddings.weight', shape: [config.type_vocab_size, H], init: 'normal' });
  layerNorm('bert.embeddings.LayerNorm');
  for (let i = 0; i < config.num_hidden_layers; i++) {
    const p = layerPrefix(i);
    dense(`${p}.attention.self.query`, H, H);
    dense(`${p}.attention.self.key`, H, H);
    dense(`${p}.attention.self.value`, H, H);
    dense(`${p}.attention.output.dense`, H, H);
    layerNorm(`${p}.attention.output.LayerNorm`);
    dense(`${p}.intermediate.dense`, I, H);
    dense(`${p}.output.dense`, H, I);
    layerNorm(`${p}.output.LayerNorm`);
  }
  return specs;
}

export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Number of trainable parameters (BertForQuestionAnswering has no pooler). */
export function countBertParams(config: BertConfig): number {
  let n = 0;
  for (const s of bertParamSpecs(config)) n += shapeSize(s.shape);
  return n;
}

/**
 * Initialises one parameter as Hugging Face's BertPreTrainedModel._init_weights does: normal(0, range)
 * for dense and embedding weights (the padding row zeroed), LayerNorm 1/0, biases 0. Each parameter
 * draws from its own stream derived from (seed, name), so the result does not depend on order.
 */
export function initParam(spec: ParamSpec, config: BertConfig, seed: number): HostTensor {
  const data = new Float32Array(shapeSize(spec.shape));
  if (spec.init === 'ones') data.fill(1);
  else if (spec.init === 'normal') {
    fillNormal(data, mixSeeds(seed, hashString(spec.name)), 0, config.initializer_range);
    if (spec.name === WORD_EMBEDDINGS) {
      const H = spec.shape[1];
      data.fill(0, config.pad_token_id * H, (config.pad_token_id + 1) * H);
    }
  }
  return { shape: [...spec.shape], data };
}

export function initBertParams(config: BertConfig, seed: number, specs: readonly ParamSpec[] = bertParamSpecs(config)): HostParams {
  const params: HostParams = new Map();
  for (const spec of specs) params.set(spec.name, initParam(spec, config, seed));
  return params;
}
