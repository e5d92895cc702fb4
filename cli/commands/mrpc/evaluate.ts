// `evaluate --task mrpc --data FILE --predictions P.json`: glue/mrpc accuracy and F1 (fractions).
import { parseArgs, required } from '../../args.js';
import { readTextFile } from '../../read-text.js';
import { goldLabels, parsePairPredictions, scorePairs } from '../../../src/core/tasks/mrpc/index.js';
import { readPairs } from './common.js';

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args);
  const dataPath = required(p, 'data');
  const predPath = required(p, 'predictions');
  const examples = await readPairs(p, dataPath, 'data', { needLabels: true });
  let json: unknown;
  try {
    json = JSON.parse(await readTextFile(predPath, 'predictions'));
  } catch (e) {
    throw new Error(`${predPath} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const predictions = parsePairPredictions(json);
  const gold = goldLabels(examples);
  const s = scorePairs(gold, predictions);
  const extra = [...predictions.keys()].filter((id) => !gold.has(id)).length;
  const c = s.confusion;
  console.log(`accuracy ${s.accuracy.toFixed(4)}, F1 ${s.f1.toFixed(4)} (precision ${s.precision.toFixed(4)}, recall ${s.recall.toFixed(4)}) over ${s.total} pairs`);
  console.log(`confusion (rows gold 1/0, columns predicted 1/0): [[${c.tp}, ${c.fn}], [${c.fp}, ${c.tn}]]`);
  if (s.missing) console.error(`${s.missing} pair(s) have no prediction and count as wrong`);
  if (extra) console.error(`${extra} prediction(s) name ids the data does not have; ignored`);
  console.log(JSON.stringify({ accuracy: s.accuracy, f1: s.f1, precision: s.precision, recall: s.recall, total: s.total, missing: s.missing, confusion: c }));
  return 0;
}
