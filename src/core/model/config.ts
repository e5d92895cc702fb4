/** BERT hyper-parameters, named and typed as in Hugging Face's config.json for model_type "bert". */
export type HiddenAct = 'gelu' | 'gelu_new';

export interface BertConfig {
  vocab_size: number;
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  intermediate_size: number;
  /** "gelu" is the exact erf form; "gelu_new" the tanh approximation. */
  hidden_act: HiddenAct;
  hidden_dropout_prob: number;
  attention_probs_dropout_prob: number;
  max_position_embeddings: number;
  type_vocab_size: number;
  layer_norm_eps: number;
  initializer_range: number;
  /** Row of the word embeddings that Hugging Face zeroes at init (the [PAD] id). */
  pad_token_id: number;
}

export type BertPresetName = 'tiny' | 'mini' | 'small' | 'base';

/** Hugging Face's BertConfig defaults (bert-base-uncased), used for fields a config.json leaves out. */
export const BERT_DEFAULTS: Readonly<BertConfig> = Object.freeze({
  vocab_size: 30522,
  hidden_size: 768,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  intermediate_size: 3072,
  hidden_act: 'gelu',
  hidden_dropout_prob: 0.1,
  attention_probs_dropout_prob: 0.1,
  max_position_embeddings: 512,
  type_vocab_size: 2,
  layer_norm_eps: 1e-12,
  initializer_range: 0.02,
  pad_token_id: 0,
});

function preset(layers: number, hidden: number, heads: number): BertConfig {
  return {
    ...BERT_DEFAULTS,
    num_hidden_layers: layers,
    hidden_size: hidden,
    num_attention_heads: heads,
    intermediate_size: 4 * hidden,
  };
}

/** The sizes of Google's compact BERTs (Turc et al. 2019) and BERT-base, all with the 30522-token vocabulary. */
export const BERT_PRESETS: Readonly<Record<BertPresetName, Readonly<BertConfig>>> = Object.freeze({
  tiny: preset(2, 128, 2),
  mini: preset(4, 256, 4),
  small: preset(4, 512, 8),
  base: preset(12, 768, 12),
});

const INTEGER_FIELDS = [
  'vocab_size',
  'hidden_size',
  'num_hidden_layers',
  'num_attention_heads',
  'intermediate_size',
  'max_position_embeddings',
  'type_vocab_size',
] as const;

/** Every problem with a config, as messages a user can act on; empty when the config is usable. */
export function validateBertConfig(config: BertConfig): string[] {
  const problems: string[] = [];
  for (const key of INTEGER_FIELDS) {
    const v = config[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) problems.push(`${key} must be a positive integer, got ${String(v)}`);
  }
  if (
    Number.isInteger(config.hidden_size) &&
    Number.isInteger(config.num_attention_heads) &&
    config.num_attention_heads > 0 &&
    config.hidden_size % config.num_attention_heads !== 0
  ) {
    problems.push(
      `hidden_size (${config.hidden_size}) must be a multiple of num_attention_heads (${config.num_attention_heads})`,
    );
  }
  if (config.hidden_act !== 'gelu' && config.hidden_act !== 'gelu_new') {
    problems.push(`hidden_act must be "gelu" or "gelu_new", got ${JSON.stringify(config.hidden_act)}`);
  }
  for (const key of ['hidden_dropout_prob', 'attention_probs_dropout_prob'] as const) {
    const v = config[key];
    if (typeof v !== 'number' || !(v >= 0 && v < 1)) problems.push(`${key} must be in [0, 1), got ${String(v)}`);
  }
  if (typeof config.layer_norm_eps !== 'number' || !(config.layer_norm_eps > 0)) {
    problems.push(`layer_norm_eps must be > 0, got ${String(config.layer_norm_eps)}`);
  }
  if (typeof config.initializer_range !== 'number' || !(config.initializer_range >= 0) || !Number.isFinite(config.initializer_range)) {
    problems.push(`initializer_range must be a finite number >= 0, got ${String(config.initializer_range)}`);
  }
  const pad = config.pad_token_id;
  if (!Number.isInteger(pad) || pad < 0 || (Number.isInteger(config.vocab_size) && pad >= config.vocab_size)) {
    problems.push(`pad_token_id must be an integer in [0, vocab_size), got ${String(pad)}`);
  }
  return problems;
}

export class BertConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid BERT config: ${problems.join('; ')}`);
    this.name = 'BertConfigError';
  }
}

/**
 * Reads a config.json object: fields it leaves out take Hugging Face's defaults, as transformers does.
 * Throws BertConfigError listing every problem, including architectures this model cannot run.
 */
export function parseBertConfig(json: unknown): BertConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new BertConfigError(['config must be a JSON object']);
  }
  const raw = json as Record<string, unknown>;
  const problems: string[] = [];
  if (raw.model_type !== undefined && raw.model_type !== 'bert') {
    problems.push(`model_type must be "bert", got ${JSON.stringify(raw.model_type)}`);
  }
  if (raw.position_embedding_type !== undefined && raw.position_embedding_type !== 'absolute') {
    problems.push(`only absolute position embeddings are supported, got ${JSON.stringify(raw.position_embedding_type)}`);
  }
  const config = { ...BERT_DEFAULTS } as BertConfig;
  for (const key of Object.keys(BERT_DEFAULTS) as (keyof BertConfig)[]) {
    const v = raw[key];
    if (v === undefined || v === null) continue;
    (config as unknown as Record<string, unknown>)[key] = v;
  }
  problems.push(...validateBertConfig(config));
  if (problems.length > 0) throw new BertConfigError(problems);
  return config;
}

/** The config.json Hugging Face writes for a BertForQuestionAnswering, loadable by AutoConfig as is. */
export function bertConfigToJson(config: BertConfig): Record<string, unknown> {
  return {
    architectures: ['BertForQuestionAnswering'],
    model_type: 'bert',
    vocab_size: config.vocab_size,
    hidden_size: config.hidden_size,
    num_hidden_layers: config.num_hidden_layers,
    num_attention_heads: config.num_attention_heads,
    intermediate_size: config.intermediate_size,
    hidden_act: config.hidden_act,
    hidden_dropout_prob: config.hidden_dropout_prob,
    attention_probs_dropout_prob: config.attention_probs_dropout_prob,
    max_position_embeddings: config.max_position_embeddings,
    type_vocab_size: config.type_vocab_size,
    layer_norm_eps: config.layer_norm_eps,
    initializer_range: config.initializer_range,
    pad_token_id: config.pad_token_id,
    position_embedding_type: 'absolute',
    classifier_dropout: null,
    use_cache: true,
    torch_dtype: 'float32',
  };
}
