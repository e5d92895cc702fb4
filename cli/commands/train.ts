// `train --model DIR --train FILE.json ... --log LOG.jsonl --out DIR`: fine-tunes a model folder on a
// SQuAD file with the core Trainer, one JSON line per optimizer step, and writes the result as a
// Hugging Face folder (config, safetensors, tokenizer files).
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type ParsedArgs, intOption, parseArgs, required } from '../args.js';
import { parseBackendName, setupBackend } from '../backend.js';
import { readModelDir, writeModelDir } from '../model-io.js';
import { type FeatureBatch, featurizeSquad } from '../../src/core/features/index.js';
import { BertForQuestionAnswering, formatLoadReport, hfFolderFiles, loadModelFiles } from '../../src/core/model/index.js';
import { formatIssue, parseSquad } from '../../src/core/squad/parse.js';
import type { SquadFile } from '../../src/core/squad/types.js';
import { type BertTokenizer, tokenizerFromFileText } from '../../src/core/tokenizer/index.js';
import { type TrainOptions, Trainer, evaluateLoss } from '../../src/core/train/index.js';

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`cannot read ${what} ${path}${code === 'ENOENT' ? ': no such file' : `: ${String(e)}`}`);
  }
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

async function readSquad(path: string, what: string): Promise<SquadFile> {
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

interface TokenizerChoice {
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

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args, ['lowercase', 'cased', 'no-dropout', 'no-shuffle', 'gradient-checkpointing']);
  const modelDir = required(p, 'model');
  const trainPath = required(p, 'train');
  const evalPath = p.values.get('eval');
  const logPath = required(p, 'log');
  const outDir = required(p, 'out');
  const backend = parseBackendName(p.values.get('backend'));
  const maxLength = intOption(p, 'max-length', 384);
  const stride = intOption(p, 'stride', 128);
  const maxSteps = p.values.has('max-steps') ? intOption(p, 'max-steps', 0) : undefined;
  const epochs = numberOption(p, 'epochs');
  if (maxSteps === undefined && epochs === undefined) throw new Error('pass --max-steps N or --epochs E');
  if (maxSteps !== undefined && maxSteps < 1) throw new Error(`--max-steps must be at least 1, got ${maxSteps}`);
  if (epochs !== undefined && !(epochs > 0)) throw new Error(`--epochs must be > 0, got ${epochs}`);
  const evalEvery = intOption(p, 'eval-every', 0);

  const loaded = loadModelFiles(await readModelDir(modelDir), { strict: false });
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
  const evalFeatures = evalPath ? featurizeSquad(tok.tokenizer, await readSquad(evalPath, 'evaluation data'), settings, 'train') : null;

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

  await setupBackend(backend);
  const model = new BertForQuestionAnswering(config, loaded.params);
  const trainer = new Trainer(model, trainFeatures, overrides);
  const o = trainer.options;
  console.log(`tokenizer: ${tok.source}`);
  console.log(
    `${trainFeatures.examples.length} questions -> ${trainFeatures.count} windows (max_length ${maxLength}, stride ${stride}); ` +
      `${trainer.totalSteps} steps of ${o.batchSize} x ${o.gradAccumSteps}, lr ${o.learningRate}, warmup ${trainer.warmupSteps}, ` +
      `weight decay ${o.weightDecay}, seed ${o.seed}, backend ${backend}`,
  );

  const log = createWriteStream(logPath);
  const writeLine = (obj: object) => log.write(`${JSON.stringify(obj)}\n`);
  const t0 = performance.now();
  let last = null as Awaited<ReturnType<Trainer['step']>> | null;
  let lossSum = 0;
  let lossCount = 0;
  let skipped = 0;
  const evaluate = async (): Promise<number | null> => {
    if (!evalFeatures) return null;
    const evalLoss = await evaluateLoss(model, evalFeatures, o.batchSize);
    writeLine({ step: trainer.stepsTaken, epoch: trainer.epoch, eval_loss: evalLoss });
    console.log(`step ${trainer.stepsTaken}: eval loss ${evalLoss.toFixed(4)}`);
    return evalLoss;
  };
  const initialEval = evalFeatures ? await evaluateLoss(model, evalFeatures, o.batchSize) : null;
  const every = Math.max(1, Math.round(trainer.totalSteps / 20));
  while (!trainer.done) {
    const m = await trainer.step();
    last = m;
    writeLine(m);
    if (m.skipped) skipped++;
    else {
      lossSum += m.loss;
      lossCount++;
    }
    if (m.pause_advised) {
      console.error(`step ${m.step}: ${m.advice}`);
      break;
    }
    if (m.step % every === 0 || trainer.done) {
      console.log(`step ${m.step}/${trainer.totalSteps} epoch ${m.epoch.toFixed(2)} loss ${m.loss.toFixed(4)} lr ${m.lr.toExponential(2)} grad_norm ${m.grad_norm.toFixed(3)} ${m.samples_per_s.toFixed(1)} samples/s`);
    }
    if (evalEvery > 0 && m.step % evalEvery === 0 && !trainer.done) await evaluate();
  }
  const finalEval = await evaluate();
  await new Promise<void>((resolve, reject) => log.end((err?: Error | null) => (err ? reject(err) : resolve())));

  const params = await model.toHostParams();
  trainer.dispose();
  model.dispose();
  const written = await writeModelDir(outDir, hfFolderFiles(config, params, { vocab: tok.vocabText, doLowerCase: tok.lowercase, modelMaxLength: config.max_position_embeddings }));
  for (const path of written) console.log(`wrote ${path}`);
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    JSON.stringify({
      out: outDir,
      log: logPath,
      steps: trainer.stepsTaken,
      total_steps: trainer.totalSteps,
      train_windows: trainFeatures.count,
      final_loss: last?.loss ?? null,
      mean_loss: lossCount ? lossSum / lossCount : null,
      skipped_steps: skipped,
      eval_loss_before: initialEval,
      eval_loss: finalEval,
      seconds,
      backend,
    }),
  );
  return last?.pause_advised ? 1 : 0;
}
