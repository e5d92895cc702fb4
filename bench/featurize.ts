// Featurize all of SQuAD dev v1.1 (train mode, 384/128) with ours vs Hugging Face's Rust tokenizer
// (npm `tokenizers`) in the same process, for both vocabularies.
//
// Ours: featurizeSquad with a fresh tokenizer per run (cold word cache): each paragraph tokenized
// once, each question once, windows, padding, fully-inside labels, written into typed arrays.
// Oracle: each distinct paragraph and each question encoded once with encodeBatch (Rust, its own
// thread pool); per question a copy of the context encoding is truncated with the stride and
// post-processed with the question, and every window's ids, offsets and sequence ids are read into
// JS, padded to 384, with token types, mask and fully-inside labels computed from them.
// A third figure times the oracle's encodeBatch calls alone, to show how much is tokenization.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { featurizeSquad } from '../src/core/features/index.js';
import { loadOracle, oracleLabel, oracleWindows } from '../src/core/features/oracle.test-util.js';
import type { SquadFile } from '../src/core/squad/types.js';
import { tokenizerFromVocab } from '../src/core/tokenizer/index.js';

const RUNS = 5;
const L = 384;
const S = 128;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const PY_SPACE = /^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

export async function run(): Promise<void> {
  const shared = resolve(process.cwd(), '../shared/data');
  const dev = JSON.parse(readFileSync(resolve(shared, 'squad/dev-v1.1.json'), 'utf8')) as SquadFile;
  const pairs: { question: string; context: string; start: number; end: number }[] = [];
  for (const a of dev.data)
    for (const p of a.paragraphs)
      for (const q of p.qas) {
        const ans = q.answers[0];
        pairs.push({
          question: q.question.replace(PY_SPACE, ''),
          context: p.context,
          start: ans.answer_start,
          end: ans.answer_start + [...ans.text].length,
        });
      }
  console.log(`SQuAD dev v1.1: ${pairs.length} questions, max_length ${L}, stride ${S}, train mode; median of ${RUNS} runs`);
  for (const name of ['uncased', 'cased']) {
    const lowercase = name === 'uncased';
    const vocabPath = resolve(shared, `vocab/bert-base-${name}-vocab.txt`);
    const vocabText = readFileSync(vocabPath, 'utf8');
    const oracle = await loadOracle(vocabPath, lowercase);

    const oursTimes: number[] = [];
    const buildTimes: number[] = [];
    let features = 0;
    for (let r = 0; r < RUNS; r++) {
      let t = performance.now();
      const tok = tokenizerFromVocab(vocabText, { lowercase });
      buildTimes.push(performance.now() - t);
      t = performance.now();
      const batch = featurizeSquad(tok, dev, { maxLength: L, stride: S }, 'train');
      oursTimes.push(performance.now() - t);
      features = batch.count;
    }

    const oracleTimes: number[] = [];
    let oracleFeatures = 0;
    for (let r = 0; r < RUNS; r++) {
      const t = performance.now();
      const windows = await oracleWindows(oracle, pairs, L, S);
      const labels = new Int32Array(2 * windows.reduce((n, w) => n + w.length, 0));
      let k = 0;
      windows.forEach((ws, i) =>
        ws.forEach((w) => {
          const [s, e] = oracleLabel(w, pairs[i].start, pairs[i].end);
          labels[k++] = s;
          labels[k++] = e;
        }),
      );
      oracleTimes.push(performance.now() - t);
      oracleFeatures = k / 2;
    }

    // The oracle's tokenization alone (no windowing, nothing read back into JS), for scale.
    const encodeTimes: number[] = [];
    const distinct = [...new Set(pairs.map((p) => p.context))];
    for (let r = 0; r < RUNS; r++) {
      const t = performance.now();
      await Promise.all([
        oracle.tokenizer.encodeBatch(distinct, { addSpecialTokens: false }),
        oracle.tokenizer.encodeBatch(
          pairs.map((p) => p.question),
          { addSpecialTokens: false },
        ),
      ]);
      encodeTimes.push(performance.now() - t);
    }

    const ours = median(oursTimes);
    const theirs = median(oracleTimes);
    console.log(
      `${name.padEnd(8)} ours ${ours.toFixed(0).padStart(5)} ms  oracle ${theirs.toFixed(0).padStart(5)} ms  ` +
        `ratio ${(theirs / ours).toFixed(2)}x faster  (${features} windows, oracle ${oracleFeatures}; ` +
        `ours builds its tokenizer in ${median(buildTimes).toFixed(0)} ms, not timed above)`,
    );
    console.log(
      `${''.padEnd(8)} oracle encodeBatch alone (paragraphs once + questions, no windows, nothing read back): ` +
        `${median(encodeTimes).toFixed(0)} ms`,
    );
  }
}
