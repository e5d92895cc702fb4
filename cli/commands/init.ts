// `init [--task qa|mrpc] --config CONFIG.json --seed N --out DIR`: a freshly initialised
// BertForQuestionAnswering or BertForSequenceClassification, written as config.json +
// model.safetensors with Hugging Face names.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { intOption, parseArgs, required } from '../args.js';
import { backendOption, parseThreads, startBackend } from '../backend.js';
import { writeModelDir } from '../model-io.js';
import {
  BERT_PRESETS,
  type BertConfig,
  type BertPresetName,
  BertForQuestionAnswering,
  BertForSequenceClassification,
  checkWeightsFit,
  modelFiles,
  parseBertConfig,
} from '../../src/core/model/index.js';
import { TASKS, parseTaskName } from '../../src/core/tasks/index.js';

async function readConfig(value: string): Promise<BertConfig> {
  if (!existsSync(value) && value in BERT_PRESETS) return { ...BERT_PRESETS[value as BertPresetName] };
  let json: unknown;
  try {
    json = JSON.parse(await readFile(value, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read config ${value}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseBertConfig(json);
}

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args);
  const task = parseTaskName(p.values.get('task'));
  const config = await readConfig(required(p, 'config'));
  const seed = intOption(p, 'seed', 0);
  const out = required(p, 'out');
  const backendFlag = backendOption(p.values.get('backend'));
  const threads = parseThreads(p.values.get('threads'));
  // Refused before any allocation: a config that cannot fit would otherwise run silently until killed.
  checkWeightsFit(config);
  const backend = await startBackend(backendFlag, threads);
  // Built on the chosen backend and read back, so the file holds exactly what that backend trains from.
  const labels = TASKS[task].labels;
  const model = labels ? BertForSequenceClassification.init(config, seed, labels) : BertForQuestionAnswering.init(config, seed);
  const params = await model.toHostParams();
  model.dispose();
  const written = await writeModelDir(out, modelFiles(config, params, TASKS[task].configJson()));
  let parameters = 0;
  for (const t of params.values()) parameters += t.data.length;
  for (const path of written) console.log(`wrote ${path}`);
  console.log(JSON.stringify({ task, out, seed, backend, parameters }));
  return 0;
}
