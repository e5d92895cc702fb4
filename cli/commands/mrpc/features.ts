// `features --task mrpc --data FILE --vocab V [--lowercase|--cased] [--max-length 128] --out F.jsonl`
import { createWriteStream } from 'node:fs';
import { parseArgs, required } from '../../args.js';
import { featurizePairs, pairFeatureRow } from '../../../src/core/tasks/mrpc/index.js';
import { chooseTokenizer } from '../train-setup.js';
import { maxLengthOption, readPairs } from './common.js';

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args, ['lowercase', 'cased']);
  const dataPath = required(p, 'data');
  const out = required(p, 'out');
  required(p, 'vocab');
  const tok = await chooseTokenizer(p, null);
  const maxLength = maxLengthOption(p);
  const examples = await readPairs(p, dataPath, 'data');
  const f = featurizePairs(tok.tokenizer, examples, maxLength);
  const stream = createWriteStream(out);
  for (let r = 0; r < f.count; r++) stream.write(`${JSON.stringify(pairFeatureRow(f, r))}\n`);
  await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
  let longest = 0;
  for (const l of f.lengths) longest = Math.max(longest, l);
  console.log(`tokenizer: ${tok.source}`);
  console.log(`${f.count} pairs -> ${f.count} rows (max_length ${maxLength}, ${f.truncated} truncated, longest ${longest} tokens); wrote ${out}`);
  console.log(JSON.stringify({ task: 'mrpc', examples: f.count, features: f.count, truncated: f.truncated, longest, max_length: maxLength, out }));
  return 0;
}
