import { zipSync } from 'fflate';
import { type BertConfig, bertConfigToJson, parseBertConfig } from './config.js';
import type { StoredTensor } from './dtypes.js';
import type { HostParams } from './params.js';
import { readPytorchCheckpoint } from './pytorch.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';
import { type LoadWeightsOptions, type LoadedWeights, loadBertWeights } from './weights.js';

/** A model folder as file name -> bytes: what a Hub repo, a directory or a zip holds. */
export type ModelFiles = Map<string, Uint8Array>;

export interface TokenizerSettings {
  /** vocab.txt content, one token per line. */
  vocab: string;
  doLowerCase: boolean;
  /** Longest input the tokenizer accepts (BERT: 512). */
  modelMaxLength?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function jsonBytes(value: unknown): Uint8Array {
  return encoder.encode(`${JSON.stringify(value, null, 2)}\n`);
}

const SPECIAL_TOKENS = {
  unk_token: '[UNK]',
  sep_token: '[SEP]',
  pad_token: '[PAD]',
  cls_token: '[CLS]',
  mask_token: '[MASK]',
};

/** config.json and model.safetensors: enough for AutoModelFor*.from_pretrained; `configExtras` carry the task (architectures, id2label). */
export function modelFiles(config: BertConfig, params: HostParams, configExtras: Record<string, unknown> = {}): ModelFiles {
  return new Map([
    ['config.json', jsonBytes({ ...bertConfigToJson(config), ...configExtras })],
    ['model.safetensors', writeSafetensors(params)],
  ]);
}

/** The complete Hugging Face folder, model plus BertTokenizer files, loadable by Auto* classes as is. */
export function hfFolderFiles(
  config: BertConfig,
  params: HostParams,
  tokenizer: TokenizerSettings,
  configExtras: Record<string, unknown> = {},
): ModelFiles {
  const files = modelFiles(config, params, configExtras);
  const vocab = tokenizer.vocab.endsWith('\n') ? tokenizer.vocab : `${tokenizer.vocab}\n`;
  files.set('vocab.txt', encoder.encode(vocab));
  files.set(
    'tokenizer_config.json',
    jsonBytes({
      tokenizer_class: 'BertTokenizer',
      do_lower_case: tokenizer.doLowerCase,
      // null: strip accents exactly when lowercasing, as the original BERT tokenizer does.
      strip_accents: null,
      tokenize_chinese_chars: true,
      model_max_length: tokenizer.modelMaxLength ?? config.max_position_embeddings,
      clean_up_tokenization_spaces: true,
      ...SPECIAL_TOKENS,
    }),
  );
  files.set('special_tokens_map.json', jsonBytes(SPECIAL_TOKENS));
  return files;
}

/** A zip of the folder (stored, not deflated: safetensors data barely compresses). */
export function zipModelFiles(files: ModelFiles, folder = ''): Uint8Array {
  const entries: Record<string, [Uint8Array, { level: 0 }]> = {};
  const prefix = folder ? `${folder.replace(/\/+$/, '')}/` : '';
  for (const [name, bytes] of files) entries[`${prefix}${name}`] = [bytes, { level: 0 }];
  return zipSync(entries);
}

export interface LoadedModel extends LoadedWeights {
  config: BertConfig;
  /** config.json as read: task fields (id2label, architectures) live here. */
  configJson: Record<string, unknown>;
  weightsFile: 'model.safetensors' | 'pytorch_model.bin';
}

/** Reads config.json and the weights (model.safetensors preferred over pytorch_model.bin) of a folder. */
export function loadModelFiles(files: ModelFiles, options: LoadWeightsOptions & { headFor?: (config: BertConfig) => LoadWeightsOptions['head'] } = {}): LoadedModel {
  const configBytes = files.get('config.json');
  if (!configBytes) throw new Error('the model folder has no config.json');
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(configBytes));
  } catch (err) {
    throw new Error(`config.json is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const config = parseBertConfig(json);
  let tensors: Map<string, StoredTensor>;
  let weightsFile: LoadedModel['weightsFile'];
  const st = files.get('model.safetensors');
  const bin = files.get('pytorch_model.bin');
  if (st) {
    tensors = readSafetensors(st).tensors;
    weightsFile = 'model.safetensors';
  } else if (bin) {
    tensors = readPytorchCheckpoint(bin);
    weightsFile = 'pytorch_model.bin';
  } else throw new Error('the model folder has neither model.safetensors nor pytorch_model.bin');
  const head = options.headFor ? options.headFor(config) : options.head;
  return { config, configJson: json as Record<string, unknown>, weightsFile, ...loadBertWeights(config, tensors, { ...options, head }) };
}
