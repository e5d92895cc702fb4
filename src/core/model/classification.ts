import * as tf from '@tensorflow/tfjs';
import { type BertBatch, type ForwardOptions, bertClassificationForward } from './bert.js';
import type { BertConfig } from './config.js';
import { type HostParams, type ParamSpec, bertEncoderParamSpecs, initBertParams } from './params.js';
import { BertVariables } from './variables.js';

export const POOLER_WEIGHT = 'bert.pooler.dense.weight';
export const POOLER_BIAS = 'bert.pooler.dense.bias';
export const CLASSIFIER_WEIGHT = 'classifier.weight';
export const CLASSIFIER_BIAS = 'classifier.bias';

/** The pooler (part of BertModel, kept from a pretrained checkpoint) and the classifier, in state_dict order. */
export function classificationHeadParamSpecs(config: BertConfig, numLabels: number): ParamSpec[] {
  if (!Number.isInteger(numLabels) || numLabels < 2) throw new Error(`num_labels must be an integer >= 2, got ${numLabels}`);
  const H = config.hidden_size;
  return [
    { name: POOLER_WEIGHT, shape: [H, H], init: 'normal' },
    { name: POOLER_BIAS, shape: [H], init: 'zeros' },
    { name: CLASSIFIER_WEIGHT, shape: [numLabels, H], init: 'normal' },
    { name: CLASSIFIER_BIAS, shape: [numLabels], init: 'zeros' },
  ];
}

export function classificationParamSpecs(config: BertConfig, numLabels: number): ParamSpec[] {
  return [...bertEncoderParamSpecs(config), ...classificationHeadParamSpecs(config, numLabels)];
}

/** config.json fields of a BertForSequenceClassification, beside the BERT ones. */
export function classificationConfigJson(labels: readonly string[]): Record<string, unknown> {
  const id2label: Record<string, string> = {};
  const label2id: Record<string, number> = {};
  labels.forEach((l, i) => {
    id2label[String(i)] = l;
    label2id[l] = i;
  });
  return {
    architectures: ['BertForSequenceClassification'],
    num_labels: labels.length,
    id2label,
    label2id,
    problem_type: 'single_label_classification',
  };
}

/**
 * Label names from a config.json: id2label when it has one (ids 0..n-1), else `fallback`. Hugging
 * Face writes LABEL_0, LABEL_1 when a model was built without names.
 */
export function labelsFromConfigJson(json: Record<string, unknown>, fallback: readonly string[]): string[] {
  const raw = json.id2label;
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const entries = Object.entries(raw as Record<string, unknown>);
    const labels: string[] = [];
    for (const [k, v] of entries) {
      const i = Number(k);
      if (!Number.isInteger(i) || i < 0 || i >= entries.length || typeof v !== 'string') {
        throw new Error(`config.json id2label must map 0..${entries.length - 1} to names, found ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
      }
      labels[i] = v;
    }
    if (labels.length >= 2) return labels;
  }
  const n = json.num_labels;
  if (typeof n === 'number' && n !== fallback.length) throw new Error(`config.json has num_labels ${n}, the task has ${fallback.length} labels`);
  return [...fallback];
}

/** BertForSequenceClassification: encoder, pooler and classifier, with forward (logits [B, num_labels]). */
export class BertForSequenceClassification extends BertVariables {
  readonly labels: readonly string[];

  constructor(config: BertConfig, host: HostParams, labels: readonly string[]) {
    super(config, host, classificationParamSpecs(config, labels.length), 'bert_cls');
    this.labels = [...labels];
  }

  get numLabels(): number {
    return this.labels.length;
  }

  static init(config: BertConfig, seed: number, labels: readonly string[]): BertForSequenceClassification {
    return new BertForSequenceClassification(config, initBertParams(config, seed, classificationParamSpecs(config, labels.length)), labels);
  }

  /** Logits [B, num_labels]; the caller disposes the tensor. */
  forward(batch: BertBatch, options: ForwardOptions = {}): tf.Tensor2D {
    this.assertAlive();
    return tf.tidy(() => bertClassificationForward(this.params, this.config, batch, options));
  }
}
