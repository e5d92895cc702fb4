// `logits --task mrpc --model DIR --data FILE [--vocab V] [--lowercase|--cased] --out L.json`:
// {"logits": [[l0, l1], ...]} in row order, dropout off.
import { writeFile } from 'node:fs/promises';
import { parseArgs, required } from '../../args.js';
import { logitsOfPairFile } from './common.js';

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args, ['lowercase', 'cased']);
  const out = required(p, 'out');
  const { folder, tok, logits: l, backend } = await logitsOfPairFile(p);
  const rows = Array.from({ length: l.count }, (_, r) => Array.from(l.logits.subarray(r * l.numLabels, (r + 1) * l.numLabels)));
  await writeFile(out, `${JSON.stringify({ logits: rows })}\n`);
  console.log(`tokenizer: ${tok.source}`);
  console.log(`logits of ${l.count} pairs (${folder.labels.join(', ')}) -> ${out}`);
  console.log(JSON.stringify({ task: 'mrpc', examples: l.count, labels: folder.labels, backend, out }));
  return 0;
}
