// The part of `train` that `export-trainer` shares: options, model folder, tokenizer, featurized data
// and the hyperparameter overrides, so an exported run is set up exactly as a CLI run.
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type ParsedArgs, intOption, parseArgs, required } from '../args.js';
import { encodingOption, readTextFile } from '../read-text.js';
import type { TextEncodingName } from '../../src/core/util/text-decode.js';
import { type BackendName, parseBackendName, parseThreads } from '../backend.js';
import { readModelDir } from '../model-io.js';
import { type FeatureBatch, featurizeSquad } from '../../src/core/features/index.js';
import { type LoadedModel, type ModelFiles, formatLoadReport, loadModelFiles } from '../../src/core/model/index.js';
import { formatIssue, parseSquad } from '../../src/core/squad/parse.js';
import type { SquadFile } from '../../src/core/squad/types.js';
import { type BertTokenizer, resolveTokenizer } from '../../src/core/tokenizer/index.js';
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

/** The tokenizer: --vocab, else the model folder's tokenizer.json or vocab.txt; casing per resolveTokenizer. */
export async function chooseTokenizer(p: ParsedArgs, modelDir: string | null): Promise<TokenizerChoice> {
  if (p.flags.has('lowercase') && p.flags.has('cased')) throw new Error('pass only one of --lowercase and --cased');
  const explicit = p.flags.has('lowercase') ? true : p.flags.has('cased') ? false : undefined;
  const vocabPath = p.values.get('vocab');
  let path: string;
  let text: string;
  if (vocabPath) {
    path = vocabPath;
    text = await readText(vocabPath, 'vocabulary');
  } else {
    if (!modelDir) throw new Error('pass --vocab FILE');
    const json = await readOptional(join(modelDir, 'tokenizer.json'));
    const vocab = json === null ? await readOptional(join(modelDir, 'vocab.txt')) : null;
    if (json === null && vocab === null) throw new Error(`${modelDir} has neither tokenizer.json nor vocab.txt; pass --vocab FILE`);
    path = join(modelDir, json !== null ? 'tokenizer.json' : 'vocab.txt');
    text = (json ?? vocab)!;
  }
  // A tokenizer_config.json speaks for the folder's own vocabulary only.
  const tokenizerConfig = vocabPath || !modelDir ? null : await readOptional(join(modelDir, 'tokenizer_config.json'));
  const r = resolveTokenizer({ text, name: basename(path) }, { lowercase: explicit, tokenizerConfig, folderName: basename(dirname(path)) });
  if (r.guessed) console.error(`note: assuming a${r.lowercase ? 'n uncased' : ' cased'} vocabulary (${r.why}); override with --lowercase or --cased`);
  return { tokenizer: r.tokenizer, vocabText: r.vocabText, lowercase: r.lowercase, source: `${path} (lowercase ${r.lowercase}: ${r.why})` };
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
  /** `--backend`, or undefined to take the fastest available. */
  backend: BackendName | undefined;
}

/** --max-steps N or --epochs E, checked. */
export function stepsOption(p: ParsedArgs): { maxSteps: number | undefined; epochs: number | undefined } {
  const maxSteps = p.values.has('max-steps') ? intOption(p, 'max-steps', 0) : undefined;
  const epochs = numberOption(p, 'epochs');
  if (maxSteps === undefined && epochs === undefined) throw new Error('pass --max-steps N or --epochs E');
  if (maxSteps !== undefined && maxSteps < 1) throw new Error(`--max-steps must be at least 1, got ${maxSteps}`);
  if (epochs !== undefined && !(epochs > 0)) throw new Error(`--epochs must be > 0, got ${epochs}`);
  return { maxSteps, epochs };
}

/** The Trainer options train's flags set, whatever the task (unset ones take the model size's defaults). */
export function hyperparameterOverrides(p: ParsedArgs, maxSteps: number | undefined, epochs: number | undefined): Partial<TrainOptions> {
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

  return overrides;
}

/** Parses train's options, loads the model folder and tokenizer and featurizes the training data. */
export async function prepareTraining(args: string[], extraFlags: string[] = []): Promise<TrainSetup> {
  const p = parseArgs(args, [...TRAIN_FLAGS, ...extraFlags]);
  encoding = encodingOption(p);
  const modelDir = required(p, 'model');
  const trainPath = required(p, 'train');
  const evalPath = p.values.get('eval');
  // Absent: the command picks the fastest backend when it runs a model (chooseBackend).
  const backendFlag = p.values.get('backend');
  const backend = backendFlag === undefined ? undefined : parseBackendName(backendFlag);
  parseThreads(p.values.get('threads'));
  const maxLength = intOption(p, 'max-length', 384);
  const stride = intOption(p, 'stride', 128);
  const { maxSteps, epochs } = stepsOption(p);
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

  const overrides = hyperparameterOverrides(p, maxSteps, epochs);

  return { p, modelDir, modelFiles, loaded, tok, maxLength, stride, trainPath, trainFeatures, evalPath, evalSquad, overrides, evalEvery, backend };
}
