// `train-vocab --data FILE --out VOCAB.txt`: trains a WordPiece vocabulary with the core trainer (the one
// the studio's "Train a vocabulary" tool runs) and prints its coverage next to other vocabularies'.
import { writeFile } from 'node:fs/promises';
import { intOption, parseArgs, required } from '../args.js';
import { encodingOption, readTextFile } from '../read-text.js';
import { parseSquad } from '../../src/core/squad/parse.js';
import { squadTexts } from '../../src/core/squad/texts.js';
import { tokenizerFromFileText, trainWordPiece, vocabCoverage, vocabText, type VocabCoverage } from '../../src/core/tokenizer/index.js';
import type { TextEncodingName } from '../../src/core/util/text-decode.js';

/** Every value of a repeatable option. */
function all(args: string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === `--${name}` && i + 1 < args.length) out.push(args[++i]);
    else if (args[i].startsWith(`--${name}=`)) out.push(args[i].slice(name.length + 3));
  }
  return out;
}

async function textsOf(path: string, encoding: TextEncodingName | undefined): Promise<string[]> {
  const text = await readTextFile(path, 'data file', encoding);
  if (!/\.json$/i.test(path)) return text.split('\n');
  const { data, report } = parseSquad(text);
  if (!data || report.fatal) throw new Error(`${path} is not a readable SQuAD file: ${report.fatal?.message ?? 'unknown problem'}`);
  return [...squadTexts(data.data)];
}

const pct = (x: number) => `${(100 * x).toFixed(3)}%`;

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args, ['cased']);
  const data = all(args, 'data');
  if (data.length === 0) throw new Error('missing --data');
  const out = required(p, 'out');
  const encoding = encodingOption(p);
  const lowercase = !p.flags.has('cased');
  const limit = p.values.get('limit-alphabet');
  const options = {
    vocabSize: intOption(p, 'vocab-size', 30000),
    minFrequency: intOption(p, 'min-frequency', 2),
    limitAlphabet: limit === 'none' ? null : intOption(p, 'limit-alphabet', 1000),
    normalizer: { cleanText: true, handleChineseChars: true, stripAccents: null, lowercase },
  };
  const texts: string[] = [];
  for (const d of data) texts.push(...(await textsOf(d, encoding)));
  const t0 = performance.now();
  let lastPrint = 0;
  const v = trainWordPiece(texts, options, {
    onProgress: (pr) => {
      const now = performance.now();
      if (now - lastPrint < 1000) return;
      lastPrint = now;
      process.stderr.write(pr.phase === 'counting' ? `counting words: ${pr.done} texts\n` : `merging: ${pr.done} of at most ${pr.total} tokens\n`);
    },
  });
  const ms = performance.now() - t0;
  await writeFile(out, vocabText(v.tokens));
  console.log(`${out}: ${v.tokens.length} tokens (${v.alphabet} characters${v.droppedCharacters ? `, ${v.droppedCharacters} rare ones dropped` : ''}, ${v.merges} merges), ${lowercase ? 'uncased' : 'cased'}`);
  console.log(`trained on ${v.words} distinct words (${v.wordOccurrences} in all) from ${texts.length} texts in ${(ms / 1000).toFixed(1)} s`);

  const coveragePath = p.values.get('coverage');
  const measured = coveragePath ? await textsOf(coveragePath, encoding) : texts;
  const rows: { vocab: string; coverage: VocabCoverage }[] = [];
  const measure = (label: string, vocabFileText: string) => rows.push({ vocab: label, coverage: vocabCoverage(tokenizerFromFileText(vocabFileText, { lowercase }), measured) });
  measure(out, vocabText(v.tokens));
  for (const c of all(args, 'compare')) measure(c, await readTextFile(c, 'vocabulary', encoding));
  console.log(`coverage of ${coveragePath ?? 'the training data'}:`);
  for (const r of rows)
    console.log(`  ${r.vocab}: unknown ${pct(r.coverage.unknownRate)} of ${r.coverage.tokens} tokens, ${r.coverage.piecesPerWord.toFixed(3)} pieces per word, ${pct(r.coverage.splitRate)} of words split`);
  console.log(JSON.stringify({ out, tokens: v.tokens.length, words: v.words, merges: v.merges, ms: Math.round(ms), coverage: rows }));
  return 0;
}
