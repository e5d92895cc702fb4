// `evaluate --data FILE --predictions FILE`: the official SQuAD v1.1 EM/F1 of a predictions file
// `{id: answer}`; the last stdout line is `{"exact_match": .., "f1": .., ...}` on a 0-100 scale.
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs, required } from '../args.js';
import { evaluate } from '../../src/core/squad/metric.js';
import { formatIssue } from '../../src/core/squad/parse.js';
import type { SquadArticle } from '../../src/core/squad/types.js';
import { readSquadFile } from './validate.js';
import { encodingOption } from '../read-text.js';

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args);
  const dataPath = required(p, 'data');
  const predPath = required(p, 'predictions');
  const output = p.values.get('output');

  const articles: SquadArticle[] = [];
  const { report } = await readSquadFile(dataPath, (a) => articles.push(a), encodingOption(p));
  if (report.fatal) {
    console.error(`error: ${dataPath}: ${report.fatal.message}`);
    return 1;
  }
  if (report.errors > 0) {
    // The invalid questions are left out of the score, so say how many.
    console.error(
      `warning: ${dataPath}: ${report.errors} problem(s) (first: ${formatIssue(report.issues[0])}); scoring ${report.valid.questions} of ${report.questions} questions`,
    );
  }

  let predictions: unknown;
  try {
    predictions = JSON.parse(await readFile(predPath, 'utf8'));
  } catch (e) {
    console.error(`error: ${predPath}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
    return 1;
  }
  if (typeof predictions !== 'object' || predictions === null || Array.isArray(predictions)) {
    console.error(`error: ${predPath}: expected an object {"question id": "answer text"}`);
    return 1;
  }
  const bad = Object.entries(predictions).find(([, v]) => typeof v !== 'string');
  if (bad) {
    console.error(`error: ${predPath}: the prediction for ${JSON.stringify(bad[0])} is not a string`);
    return 1;
  }

  const r = evaluate({ version: report.version, data: articles }, predictions as Record<string, string>);
  console.log(`${dataPath}: ${r.total} questions; ${predPath}: ${r.answered} answered, ${r.missing} missing, ${r.extra} not in the data`);
  console.log(`exact match ${r.exact_match.toFixed(4)}, F1 ${r.f1.toFixed(4)}`);
  if (output) {
    await writeFile(output, JSON.stringify(r.perQuestion));
    console.log(`per-question scores written to ${output}`);
  }
  console.log(
    JSON.stringify({ exact_match: r.exact_match, f1: r.f1, total: r.total, answered: r.answered, missing: r.missing, extra: r.extra }),
  );
  return 0;
}
