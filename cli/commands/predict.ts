// `predict --model DIR --data FILE.json --out PREDICTIONS.json`: answers every question of a SQuAD
// file with a model folder, writing the official `{id: answer}` predictions.
import { writeFile } from 'node:fs/promises';
import { intOption, parseArgs, required } from '../args.js';
import { backendOption, parseThreads, startBackend } from '../backend.js';
import { readModelDir } from '../model-io.js';
import { readSquadFile } from './validate.js';
import { encodingOption } from '../read-text.js';
import { predictDataset } from '../../src/core/eval/index.js';
import { BertForQuestionAnswering, formatLoadReport, loadModelFiles } from '../../src/core/model/index.js';
import { formatIssue } from '../../src/core/squad/parse.js';
import type { SquadArticle } from '../../src/core/squad/types.js';
import { chooseTokenizer } from './train-setup.js';

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args, ['lowercase', 'cased']);
  const modelDir = required(p, 'model');
  const dataPath = required(p, 'data');
  const out = required(p, 'out');
  const options = {
    maxLength: intOption(p, 'max-length', 384),
    stride: intOption(p, 'stride', 128),
    nBest: intOption(p, 'n-best', 20),
    maxAnswerLength: intOption(p, 'max-answer-length', 30),
    batchSize: intOption(p, 'batch-size', 16),
  };
  const backendFlag = backendOption(p.values.get('backend'));
  const threads = parseThreads(p.values.get('threads'));

  const loaded = loadModelFiles(await readModelDir(modelDir), { strict: true });
  if (loaded.report.initializedHead.length || loaded.report.ignored.length || loaded.report.unexpected.length) {
    console.error(formatLoadReport(loaded.report));
  }
  const { tokenizer, source } = await chooseTokenizer(p, modelDir);

  const articles: SquadArticle[] = [];
  const { report } = await readSquadFile(dataPath, (a) => articles.push(a), encodingOption(p));
  if (report.fatal) throw new Error(`${dataPath}: ${report.fatal.message}`);
  if (report.errors > 0) {
    console.error(
      `warning: ${dataPath}: ${report.errors} problem(s) (first: ${formatIssue(report.issues[0])}); predicting ${report.valid.questions} of ${report.questions} questions`,
    );
  }

  const backend = await startBackend(backendFlag, threads);
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
