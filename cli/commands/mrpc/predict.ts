// `predict --task mrpc --model DIR --data FILE --out P.json`: {"<id>": label}, the argmax label per pair.
import { writeFile } from 'node:fs/promises';
import { intOption, parseArgs, required } from '../../args.js';
import { backendReport, chooseBackend, parseThreads, setupBackend } from '../../backend.js';
import { featurizePairs, pairLogits, predictedLabels } from '../../../src/core/tasks/mrpc/index.js';
import { chooseTokenizer } from '../train-setup.js';
import { classifierOf, loadClassifierFolder, maxLengthOption, readPairs } from './common.js';

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args, ['lowercase', 'cased']);
  const modelDir = required(p, 'model');
  const out = required(p, 'out');
  const backendFlag = p.values.get('backend');
  const threads = parseThreads(p.values.get('threads'));
  const batchSize = intOption(p, 'batch-size', 32);
  const folder = await loadClassifierFolder(modelDir, { requireHead: true });
  const tok = await chooseTokenizer(p, modelDir);
  const examples = await readPairs(p, required(p, 'data'), 'data');
  const f = featurizePairs(tok.tokenizer, examples, maxLengthOption(p, folder.loaded.config));
  const { backend, why: backendWhy } = await chooseBackend(backendFlag);
  await setupBackend(backend, { threads });
  console.error(await backendReport(backend, backendWhy));
  const model = classifierOf(folder);
  const labels = predictedLabels(await pairLogits(model, f, tok.tokenizer.padId, batchSize));
  model.dispose();
  const predictions: Record<string, number> = {};
  let positives = 0;
  f.ids.forEach((id, r) => {
    predictions[id] = labels[r];
    positives += labels[r];
  });
  await writeFile(out, `${JSON.stringify(predictions)}\n`);
  console.log(`tokenizer: ${tok.source}`);
  console.log(`${f.count} pairs: ${positives} predicted ${folder.labels[1]}, ${f.count - positives} ${folder.labels[0]} -> ${out}`);
  console.log(JSON.stringify({ task: 'mrpc', examples: f.count, predictions: f.count, positives, backend, out }));
  return 0;
}
