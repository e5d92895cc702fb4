// The part of `train` that `export-trainer` shares: options, model folder, tokenizer, featurized data
// and the hyperparameter overrides, so an exported run is set up exactly as a CLI run.
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type ParsedArgs, intOption, parseArgs, required } from '../args.js';
import { encodingOption, readTextFile } from '../read-text.js';
import type { TextEncodingName } from '../../src/core/util/text-decode.js';
import { type BackendName, parseBackendName } from '../backend.js';
import { readModelDir } from '../model-io.js';
import { type FeatureBatch, featurizeSquad } from '../../src/core/features/index.js';
import { type LoadedModel, type ModelFiles, formatLoadReport, loadModelFiles } from '../../src/core/model/index.js';
import { formatIssue, parseSquad } from '../../src/core/squad/parse.js';
import type { SquadFile } from '../../src/core/squad/types.js';
import { type BertTokenizer, tokenizerFromFileText } from '../../src/core/tokenizer/index.js';
import type { TrainOptions } from '../../src/core/train/index.js';

export const TRAIN_FLAGS = ['lowercase', 'cased', 'no-dropout', 'no-shuffle', 'gradient-checkpointing'];

/** Set from --encoding before any file is read. */
let encoding: TextEncodingName | undefined;

function readText(path: string, what: string): Promise<string> {
  return readTextFile(path, what, encoding);
}

async function readOptional(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

function numberOption(p: ParsedArgs, name: string): number | undefined {
  const v = p.values.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new Error(`--${name} must be a number, got "${v}"`);
  return n;
}

export async function readSquad(path: string, what: string): Promise<SquadFile> {
  const { data, report } = parseSquad(await readText(path, what));
  if (!data || report.fatal) {
    const at = report.fatal?.line ? ` (line ${report.fatal.line}, column ${report.fatal.column})` : '';
    throw new Error(`${path} is not a readable SQuAD file: ${report.fatal?.message ?? 'unknown problem'}${at}`);
  }
  if (report.errors > 0) {
    console.error(`${path}: ${report.errors} problem(s); training on the ${report.valid.questions} valid questions. First ones:`);
    for (const issue of report.issues.slice(0, 5)) console.error(`  ${formatIssue(issue)}`);
  }
  if (report.valid.questions === 0) throw new Error(`${path} holds no usable questions`);
  if (report.hasImpossible) console.error(`${path}: unanswerable (v2.0) questions are labelled at [CLS]`);
  return data;
}

export interface TokenizerChoice {
  tokenizer: BertTokenizer;
  vocabText: string;
  lowercase: boolean;
  source: string;
}

/** Casing for a vocab.txt: flags win, then tokenizer_config.json, then the vocabulary's file name. */
function vocabCasing(p: ParsedArgs, tokenizerConfig: string | null, vocabName: string): { lowercase: boolean; why: string } {
  if (p.flags.has('lowercase')) return { lowercase: true, why: '--lowercase' };
  if (p.flags.has('cased')) return { lowercase: false, why: '--cased' };
  if (tokenizerConfig) {
    try {
      const v = (JSON.parse(tokenizerConfig) as { do_lower_case?: unknown }).do_lower_case;
      if (typeof v === 'boolean') return { lowercase: v, why: 'tokenizer_config.json do_lower_case' };
    } catch {
      throw new Error('tokenizer_config.json is not valid JSON');
    }
  }
  const name = vocabName.toLowerCase();
  if (name.includes('uncased')) return { lowercase: true, why: `"uncased" in ${vocabName}` };
  if (name.includes('cased')) return { lowercase: false, why: `"cased" in ${vocabName}` };
  // BertTokenizer's own default.
  return { lowercase: true, why: 'default (pass --cased for a cased vocabulary)' };
}

/** vocab.txt text of a tokenizer, one token per line in id order, for the output folder. */
function vocabTextOf(tokenizer: BertTokenizer): string {
  const lines: string[] = [];
  for (let id = 0; id < tokenizer.vocabSize; id++) {
    const t = tokenizer.idToToken(id);
    if (t === undefined) throw new Error(`the tokenizer has no token with id ${id}; cannot write vocab.txt`);
    lines.push(t);
  }
  return `${lines.join('\n')}\n`;
}

async function chooseTokenizer(p: ParsedArgs, modelDir: string): Promise<TokenizerChoice> {
  if (p.flags.has('lowercase') && p.flags.has('cased')) throw new Error('pass only one of --lowercase and --cased');
  const override = p.flags.has('lowercase') ? true : p.flags.has('cased') ? false : undefined;
  const vocabPath = p.values.get('vocab');
  const tokenizerConfig = await readOptional(join(modelDir, 'tokenizer_config.json'));
  let path: string;
  let text: string;
  if (vocabPath) {
    path = vocabPath;
    text = await readText(vocabPath, 'vocabulary');
  } else {
    const json = await readOptional(join(modelDir, 'tokenizer.json'));
    const vocab = json === null ? await readOptional(join(modelDir, 'vocab.txt')) : null;
    if (json === null && vocab === null) throw new Error(`${modelDir} has neither tokenizer.json nor vocab.txt; pass --vocab FILE`);
    path = join(modelDir, json !== null ? 'tokenizer.json' : 'vocab.txt');
    text = (json ?? vocab)!;
  }
  if (text.trimStart().startsWith('{')) {
    const tokenizer = tokenizerFromFileText(text, { lowercase: override });
    return { tokenizer, vocabText: vocabTextOf(tokenizer), lowercase: tokenizer.normalizer.lowercase, source: path };
  }
  const casing = vocabCasing(p, vocabPath ? null : tokenizerConfig, basename(path));
  const tokenizer = tokenizerFromFileText(text, { lowercase: casing.lowercase });
  return { tokenizer, vocabText: text, lowercase: casing.lowercase, source: `${path} (lowercase ${casing.lowercase}: ${casing.why})` };
}

export interface TrainSetup {
  p: ParsedArgs;
  modelDir: string;
  modelFiles: ModelFiles;
  loaded: LoadedModel;
  tok: TokenizerChoice;
  maxLength: number;
  stride: number;
  trainPath: string;
  trainFeatures: FeatureBatch;
  evalPath: string | undefined;
  evalSquad: SquadFile | null;
  overrides: Partial<TrainOptions>;
  evalEvery: number;
  backend: BackendName;
}

/** Parses train's options, loads the model folder and tokenizer and featurizes the training data. */
export async function prepareTraining(args: string[], extraFlags: string[] = []): Promise<TrainSetup> {
  const p = parseArgs(args, [...TRAIN_FLAGS, ...extraFlags]);
  encoding = encodingOption(p);
  const modelDir = required(p, 'model');
  const trainPath = required(p, 'train');
  const evalPath = p.values.get('eval');
  const backend = parseBackendName(p.values.get('backend'));
  const maxLength = intOption(p, 'max-length', 384);
  const stride = intOption(p, 'stride', 128);
  const maxSteps = p.values.has('max-steps') ? intOption(p, 'max-steps', 0) : undefined;
  const epochs = numberOption(p, 'epochs');
  if (maxSteps === undefined && epochs === undefined) throw new Error('pass --max-steps N or --epochs E');
  if (maxSteps !== undefined && maxSteps < 1) throw new Error(`--max-steps must be at least 1, got ${maxSteps}`);
  if (epochs !== undefined && !(epochs > 0)) throw new Error(`--epochs must be > 0, got ${epochs}`);
  const evalEvery = intOption(p, 'eval-every', 0);

  const modelFiles = await readModelDir(modelDir);
  const loaded = loadModelFiles(modelFiles, { strict: false });
  if (loaded.report.initializedHead.length || loaded.report.ignored.length || loaded.report.unexpected.length) {
    console.error(formatLoadReport(loaded.report));
  }
  const config = loaded.config;
  const tok = await chooseTokenizer(p, modelDir);
  if (tok.tokenizer.vocabSize > config.vocab_size) {
    throw new Error(`the tokenizer has ${tok.tokenizer.vocabSize} tokens but the model's vocab_size is ${config.vocab_size}; use the model's own vocabulary`);
  }
  const settings = { maxLength, stride, maxPositionEmbeddings: config.max_position_embeddings };
  const trainSquad = await readSquad(trainPath, 'training data');
  const trainFeatures: FeatureBatch = featurizeSquad(tok.tokenizer, trainSquad, settings, 'train');
  const evalSquad = evalPath ? await readSquad(evalPath, 'evaluation data') : null;

  const overrides: Partial<TrainOptions> = {};
  const setNum = (key: keyof TrainOptions, flag: string) => {
    const v = numberOption(p, flag);
    if (v !== undefined) (overrides as Record<string, number>)[key] = v;
  };
  setNum('batchSize', 'batch-size');
  setNum('gradAccumSteps', 'grad-accum');
  setNum('learningRate', 'lr');
  setNum('warmupRatio', 'warmup-ratio');
  setNum('weightDecay', 'weight-decay');
  setNum('maxGradNorm', 'max-grad-norm');
  setNum('seed', 'seed');
  if (maxSteps !== undefined) overrides.maxSteps = maxSteps;
  else overrides.epochs = epochs!;
  if (p.flags.has('no-dropout')) overrides.dropout = false;
  if (p.flags.has('no-shuffle')) overrides.shuffle = false;
  if (p.flags.has('gradient-checkpointing')) overrides.gradientCheckpointing = true;

  return { p, modelDir, modelFiles, loaded, tok, maxLength, stride, trainPath, trainFeatures, evalPath, evalSquad, overrides, evalEvery, backend };
}
