// Train a WordPiece vocabulary on all of SQuAD dev v1.1 (each context once, every question) with our
// trainer vs Hugging Face's Rust trainer (npm `tokenizers`, WordPieceTrainer defaults: 30,000 tokens,
// min frequency 0, no alphabet limit) in the same process. Both count the words and merge; the Rust
// side also reads its corpus from a file (written once, outside the timing).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import tokenizers from 'tokenizers';
import { squadTexts } from '../src/core/squad/texts.js';
import type { SquadFile } from '../src/core/squad/types.js';
import { trainWordPiece } from '../src/core/tokenizer/index.js';

const RUNS = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function run(): Promise<void> {
  const dev = JSON.parse(readFileSync(resolve(process.cwd(), '../shared/data/squad/dev-v1.1.json'), 'utf8')) as SquadFile;
  const texts = [...squadTexts(dev.data)];
  const dir = mkdtempSync(join(tmpdir(), 'bench-vocab-'));
  const file = join(dir, 'corpus.txt');
  writeFileSync(file, texts.join('\n') + '\n');
  const ours: number[] = [];
  const rust: number[] = [];
  let sizes = '';
  try {
    for (let r = 0; r < RUNS; r++) {
      let t = performance.now();
      const v = trainWordPiece(texts, { vocabSize: 30000, minFrequency: 0, specialTokens: [], limitAlphabet: null });
      ours.push(performance.now() - t);
      t = performance.now();
      const tok = new tokenizers.Tokenizer(tokenizers.WordPiece.empty());
      tok.setNormalizer(tokenizers.bertNormalizer({ cleanText: true, handleChineseChars: true, lowercase: true, stripAccents: true }));
      tok.setPreTokenizer(tokenizers.bertPreTokenizer());
      tok.train([file]);
      rust.push(performance.now() - t);
      sizes = `${v.tokens.length} tokens (ours), ${tok.getVocabSize(false)} (Rust)`;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const o = median(ours);
  const r = median(rust);
  console.log(`SQuAD dev v1.1: ${texts.length} texts, ${sizes}; median of ${RUNS} runs`);
  console.log(`  ours ${o.toFixed(0)} ms, Rust ${r.toFixed(0)} ms: ours takes ${(o / r).toFixed(2)}x the Rust trainer's time`);
}
