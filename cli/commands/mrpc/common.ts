// What the MRPC commands share: reading pair files with their report, the tokenizer, the model folder.
import { type ParsedArgs, intOption, required } from '../../args.js';
import { type BackendName, parseThreads, startBackend } from '../../backend.js';
import { encodingOption, readTextFile } from '../../read-text.js';
import { readModelDir } from '../../model-io.js';
import { type BertConfig, BertForSequenceClassification, type LoadedModel, formatLoadReport, labelsFromConfigJson, loadModelFiles } from '../../../src/core/model/index.js';
import { TASKS, taskOfConfigJson } from '../../../src/core/tasks/index.js';
import { MRPC_LABELS, type PairExample, featurizePairs, mrpcTask, pairLogits, parsePairs } from '../../../src/core/tasks/mrpc/index.js';
import { type TokenizerChoice, chooseTokenizer } from '../train-setup.js';

/** Reads a pair file; rows with problems are reported on stderr and left out, a file with none usable is an error. */
export async function readPairs(p: ParsedArgs, path: string, what: string, options: { needLabels?: boolean } = {}): Promise<PairExample[]> {
  const { examples, report } = parsePairs(await readTextFile(path, what, encodingOption(p)));
  if (report.fatal) throw new Error(`${path} is not a readable sentence-pair file: ${report.fatal.message}${report.fatal.line ? ` (line ${report.fatal.line})` : ''}`);
  if (report.errors > 0) {
    console.error(`${path}: ${report.errors} problem(s); using the ${report.valid} valid rows of ${report.rows}. First ones:`);
    for (const issue of report.issues.slice(0, 5)) console.error(`  ${issue.message}`);
  }
  if (examples.length === 0) throw new Error(`${path} holds no usable sentence pairs`);
  if (options.needLabels && report.unlabelled) throw new Error(`${path} has no labels (a test file?): ${what} needs label 0/1 on every row`);
  return examples;
}

export function maxLengthOption(p: ParsedArgs, config?: BertConfig): number {
  const v = p.values.get('max-length');
  const n = v === undefined ? mrpcTask.defaults.maxLength : Number(v);
  if (!Number.isInteger(n) || n < 3) throw new Error(`--max-length must be an integer >= 3, got "${v}"`);
  if (config && n > config.max_position_embeddings) throw new Error(`--max-length ${n} exceeds the model's max_position_embeddings ${config.max_position_embeddings}`);
  return n;
}

export interface LoadedClassifier {
  loaded: LoadedModel;
  labels: string[];
}

/**
 * A model folder as BertForSequenceClassification parameters: a classification checkpoint loads
 * whole; a pretrained encoder keeps its pooler and gets a fresh classifier (reported on stderr).
 */
export async function loadClassifierFolder(dir: string, options: { seed?: number; requireHead?: boolean } = {}): Promise<LoadedClassifier> {
  const files = await readModelDir(dir);
  let labels: string[] = [...MRPC_LABELS];
  const loaded = loadModelFiles(files, {
    seed: options.seed,
    headFor: (config) => mrpcTask.headSpecs(config, labels),
  });
  const task = taskOfConfigJson(loaded.configJson);
  if (task === 'qa') console.error(`${dir} holds a ${TASKS.qa.architecture}: its encoder is used, with a new classification head`);
  labels = labelsFromConfigJson(loaded.configJson, MRPC_LABELS);
  if (labels.length !== MRPC_LABELS.length) throw new Error(`${dir} classifies into ${labels.length} labels; MRPC has 2`);
  const r = loaded.report;
  if (options.requireHead && r.initializedHead.length > 0) {
    throw new Error(`${dir} has no trained classification head (${r.initializedHead.join(', ')} missing): train it with train --task mrpc first`);
  }
  if (r.initializedHead.length || r.missing.length || r.mismatched.length || r.unexpected.length) console.error(formatLoadReport(r));
  return { loaded, labels };
}

export function classifierOf(c: LoadedClassifier): BertForSequenceClassification {
  return new BertForSequenceClassification(c.loaded.config, c.loaded.params, c.labels);
}

/** What `logits` and `predict --task mrpc` share: the trained classifier's logits (dropout off) on the pairs of --data. */
export async function logitsOfPairFile(p: ParsedArgs): Promise<{
  folder: LoadedClassifier;
  tok: TokenizerChoice;
  features: ReturnType<typeof featurizePairs>;
  logits: Awaited<ReturnType<typeof pairLogits>>;
  backend: BackendName;
}> {
  const modelDir = required(p, 'model');
  const threads = parseThreads(p.values.get('threads'));
  const batchSize = intOption(p, 'batch-size', 32);
  const folder = await loadClassifierFolder(modelDir, { requireHead: true });
  const tok = await chooseTokenizer(p, modelDir);
  const examples = await readPairs(p, required(p, 'data'), 'data');
  const features = featurizePairs(tok.tokenizer, examples, maxLengthOption(p, folder.loaded.config));
  const backend = await startBackend(p.values.get('backend'), threads);
  const model = classifierOf(folder);
  try {
    return { folder, tok, features, logits: await pairLogits(model, features, tok.tokenizer.padId, batchSize), backend };
  } finally {
    model.dispose();
  }
}
