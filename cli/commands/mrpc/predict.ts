// `predict --task mrpc --model DIR --data FILE --out P.json`: {"<id>": label}, the argmax label per pair.
import { writeFile } from 'node:fs/promises';
import { parseArgs, required } from '../../args.js';
import { predictedLabels } from '../../../src/core/tasks/mrpc/index.js';
import { logitsOfPairFile } from './common.js';

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args, ['lowercase', 'cased']);
  const out = required(p, 'out');
  const { folder, tok, features: f, logits, backend } = await logitsOfPairFile(p);
  const labels = predictedLabels(logits);
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
