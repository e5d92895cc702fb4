// `predict --model DIR --data FILE.json --out PREDICTIONS.json`: answers every question of a SQuAD
// file with a model folder, writing the official `{id: answer}` predictions.
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { intOption, parseArgs, required } from '../args.js';
import { parseBackendName, setupBackend } from '../backend.js';
import { readModelDir } from '../model-io.js';
import { readSquadFile } from './validate.js';
import { encodingOption } from '../read-text.js';
import { predictDataset } from '../../src/core/eval/index.js';
import { BertForQuestionAnswering, formatLoadReport, loadModelFiles } from '../../src/core/model/index.js';
import { formatIssue } from '../../src/core/squad/parse.js';
import type { SquadArticle } from '../../src/core/squad/types.js';
import { type BertTokenizer, tokenizerFromJson, tokenizerFromVocab } from '../../src/core/tokenizer/index.js';

async function readOptional(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** do_lower_case of the folder's tokenizer_config.json, when it says. */
async function configLowercase(modelDir: string): Promise<boolean | undefined> {
  const text = await readOptional(join(modelDir, 'tokenizer_config.json'));
  if (text === null) return undefined;
  try {
    const v = (JSON.parse(text) as { do_lower_case?: unknown }).do_lower_case;
    return typeof v === 'boolean' ? v : undefined;
  } catch {
    throw new Error(`${join(modelDir, 'tokenizer_config.json')} is not valid JSON`);
  }
}

/**
 * Casing of a bare vocab.txt: from its file or folder name ("uncased" / "cased"), else from its
 * content (a cased vocabulary has uppercase word pieces; specials such as [CLS] do not count).
 */
function guessLowercase(vocabPath: string, vocabText: string): { lowercase: boolean; why: string } {
  for (const name of [basename(vocabPath), basename(dirname(vocabPath))]) {
    if (/uncased/i.test(name)) return { lowercase: true, why: `"uncased" in ${name}` };
    if (/cased/i.test(name)) return { lowercase: false, why: `"cased" in ${name}` };
  }
  const upper = vocabText.split('\n').some((t) => !/^\[.*\]$/.test(t.trim()) && /\p{Lu}/u.test(t));
  return { lowercase: !upper, why: upper ? 'the vocabulary has uppercase tokens' : 'the vocabulary has no uppercase tokens' };
}

/**
 * The tokenizer: --vocab, else the folder's tokenizer.json, else its vocab.txt. Casing: --lowercase
 * / --cased, else tokenizer_config.json's do_lower_case (which Hugging Face also applies over a
 * tokenizer.json), else a tokenizer.json's own normalizer, else a guess for a bare vocab.txt.
 */
async function loadTokenizer(modelDir: string, vocabOption: string | undefined, flag: boolean | undefined): Promise<{ tokenizer: BertTokenizer; source: string }> {
  let path = vocabOption;
  let text: string | null = null;
  if (path !== undefined) {
    text = await readOptional(path);
    if (text === null) throw new Error(`cannot read vocabulary ${path}: no such file`);
  } else {
    for (const name of ['tokenizer.json', 'vocab.txt']) {
      text = await readOptional(join(modelDir, name));
      if (text !== null) {
        path = join(modelDir, name);
        break;
      }
    }
    if (text === null || path === undefined) throw new Error(`${modelDir} has neither tokenizer.json nor vocab.txt: pass --vocab FILE`);
  }
  const lowercase = flag ?? (await configLowercase(modelDir));
  if (text.trimStart().startsWith('{')) {
    return { tokenizer: tokenizerFromJson(text, lowercase === undefined ? {} : { lowercase }), source: path };
  }
  if (lowercase !== undefined) return { tokenizer: tokenizerFromVocab(text, { lowercase }), source: path };
  const guess = guessLowercase(path, text);
  console.error(`note: assuming a${guess.lowercase ? 'n uncased' : ' cased'} vocabulary (${guess.why}); override with --lowercase or --cased`);
  return { tokenizer: tokenizerFromVocab(text, { lowercase: guess.lowercase }), source: path };
}

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args, ['lowercase', 'cased']);
  const modelDir = required(p, 'model');
  const dataPath = required(p, 'data');
  const out = required(p, 'out');
  if (p.flags.has('lowercase') && p.flags.has('cased')) throw new Error('give either --lowercase or --cased, not both');
  const flag = p.flags.has('lowercase') ? true : p.flags.has('cased') ? false : undefined;
  const options = {
    maxLength: intOption(p, 'max-length', 384),
    stride: intOption(p, 'stride', 128),
    nBest: intOption(p, 'n-best', 20),
    maxAnswerLength: intOption(p, 'max-answer-length', 30),
    batchSize: intOption(p, 'batch-size', 16),
  };
  const backend = parseBackendName(p.values.get('backend'));

  const loaded = loadModelFiles(await readModelDir(modelDir), { strict: true });
  if (loaded.report.initializedHead.length || loaded.report.ignored.length || loaded.report.unexpected.length) {
    console.error(formatLoadReport(loaded.report));
  }
  const { tokenizer, source } = await loadTokenizer(modelDir, p.values.get('vocab'), flag);

  const articles: SquadArticle[] = [];
  const { report } = await readSquadFile(dataPath, (a) => articles.push(a), encodingOption(p));
  if (report.fatal) throw new Error(`${dataPath}: ${report.fatal.message}`);
  if (report.errors > 0) {
    console.error(
      `warning: ${dataPath}: ${report.errors} problem(s) (first: ${formatIssue(report.issues[0])}); predicting ${report.valid.questions} of ${report.questions} questions`,
    );
  }

  await setupBackend(backend);
  const model = new BertForQuestionAnswering(loaded.config, loaded.params);
  const t0 = performance.now();
  let lastReport = 0;
  const result = await predictDataset(model, tokenizer, { version: report.version, data: articles }, {
    ...options,
    onProgress: (done, total) => {
      const now = performance.now();
      if (process.stderr.isTTY && (now - lastReport > 1000 || done === total)) {
        lastReport = now;
        process.stderr.write(`\r${done}/${total} windows`);
        if (done === total) process.stderr.write('\n');
      }
    },
  }).finally(() => model.dispose());
  const seconds = (performance.now() - t0) / 1000;

  await writeFile(out, JSON.stringify(result.predictions));
  const predictions = Object.keys(result.predictions).length;
  console.log(`tokenizer ${source}; backend ${backend}; max_length ${options.maxLength}, stride ${options.stride}, batch ${options.batchSize}`);
  console.log(`${result.exampleCount} examples -> ${result.featureCount} windows in ${seconds.toFixed(1)} s; ${predictions} predictions written to ${out}`);
  console.log(JSON.stringify({ examples: result.exampleCount, features: result.featureCount, predictions }));
  return 0;
}
