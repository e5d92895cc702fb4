// `logits --task mrpc --model DIR --data FILE [--vocab V] [--lowercase|--cased] --out L.json`:
// {"logits": [[l0, l1], ...]} in row order, dropout off.
import { writeFile } from 'node:fs/promises';
import { intOption, parseArgs, required } from '../../args.js';
import { backendReport, chooseBackend, parseThreads, setupBackend } from '../../backend.js';
import { featurizePairs, pairLogits } from '../../../src/core/tasks/mrpc/index.js';
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
  const l = await pairLogits(model, f, tok.tokenizer.padId, batchSize);
  model.dispose();
  const rows = Array.from({ length: l.count }, (_, r) => Array.from(l.logits.subarray(r * l.numLabels, (r + 1) * l.numLabels)));
  await writeFile(out, `${JSON.stringify({ logits: rows })}\n`);
  console.log(`tokenizer: ${tok.source}`);
  console.log(`logits of ${l.count} pairs (${model.labels.join(', ')}) -> ${out}`);
  console.log(JSON.stringify({ task: 'mrpc', examples: l.count, labels: model.labels, backend, out }));
  return 0;
}
