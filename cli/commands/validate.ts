// `validate FILE`: streams a SQuAD file through the same parser the import Worker uses and prints
// a report; the last stdout line is a JSON summary for scripts.
import { stat } from 'node:fs/promises';
import { parseArgs, intOption } from '../args.js';
import { encodingOption, readTextChunks } from '../read-text.js';
import type { TextEncodingName } from '../../src/core/util/text-decode.js';
import { formatIssue, isValidReport, parseSquadStream, type SquadParserOptions } from '../../src/core/squad/parse.js';
import type { ValidationReport } from '../../src/core/squad/types.js';

const n = (x: number) => x.toLocaleString('en-US');

export async function readSquadFile(
  path: string,
  onArticle?: SquadParserOptions['onArticle'],
  encoding?: TextEncodingName,
): Promise<{ report: ValidationReport; bytes: number; ms: number }> {
  const { size } = await stat(path).catch(() => {
    throw new Error(`cannot read ${path}: no such file`);
  });
  const t0 = performance.now();
  const report = await parseSquadStream(readTextChunks(path, 'data file', encoding), { onArticle });
  return { report, bytes: size, ms: performance.now() - t0 };
}

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args);
  const file = p.positional[0];
  if (!file) {
    console.error('usage: validate FILE [--show N]');
    return 2;
  }
  const show = intOption(p, 'show', 20);
  const { report, bytes, ms } = await readSquadFile(file, undefined, encodingOption(p));

  console.log(`${file}: ${n(bytes)} bytes, read in ${ms.toFixed(0)} ms`);
  if (report.fatal) {
    console.log(`cannot read: ${report.fatal.message}`);
  } else {
    console.log(`version ${JSON.stringify(report.version)}${report.hasImpossible ? ' (has unanswerable questions)' : ''}`);
  }
  console.log(
    `articles ${n(report.articles)}, paragraphs ${n(report.paragraphs)}, questions ${n(report.questions)}, answers ${n(report.answers)}`,
  );
  if (!report.fatal) {
    const v = report.valid;
    console.log(`valid: articles ${n(v.articles)}, paragraphs ${n(v.paragraphs)}, questions ${n(v.questions)}, answers ${n(v.answers)}`);
  }
  const kinds = Object.entries(report.issueCounts);
  console.log(`problems: ${report.errors === 0 ? 'none' : kinds.map(([k, c]) => `${k} ${n(c as number)}`).join(', ')}`);
  const listed = report.issues.slice(0, Math.max(0, show));
  for (const issue of listed) console.log(`  ${formatIssue(issue)}`);
  if (report.errors - (report.fatal ? 1 : 0) > listed.length) {
    console.log(`  ... and ${n(report.errors - (report.fatal ? 1 : 0) - listed.length)} more`);
  }

  console.log(
    JSON.stringify({
      file,
      version: report.version,
      articles: report.articles,
      paragraphs: report.paragraphs,
      questions: report.questions,
      answers: report.answers,
      errors: report.errors,
      issueCounts: report.issueCounts,
      valid: report.valid,
      hasImpossible: report.hasImpossible,
      ...(report.fatal ? { fatal: report.fatal } : {}),
      ms: Math.round(ms),
    }),
  );
  if (isValidReport(report)) return 0;
  if (report.fatal) console.error(`error: ${file}: ${report.fatal.message}`);
  else console.error(`error: ${file}: ${n(report.errors)} problem(s), first: ${report.issues[0] ? formatIssue(report.issues[0]) : '?'}`);
  return 1;
}
