// The pair inspector's facts, each against something independent: dropped tokens against Hugging Face's
// Rust tokenizer (npm `tokenizers`), and a row's batch and padding against the rows a real Trainer batches.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../../../cli/backend.js';
import { epochOrder, padBatch, rowPlacement } from '../../features/batcher.js';
import { loadOracle, type Oracle } from '../../features/oracle.test-util';
import { BERT_DEFAULTS, BertForSequenceClassification, type BertConfig } from '../../model/index.js';
import { tokenizerFromVocab } from '../../tokenizer/index.js';
import { SeededRng } from '../../train/rng.js';
import { Trainer } from '../../train/index.js';
import type { TrainData } from '../../train/task-data.js';
import { featurizePairs } from './featurize.js';
import { missingRowMessage, pairMatches, pairTokens } from './inspect.js';
import { parsePairs } from './parse.js';
import { pairTrainData } from './train-data.js';
import { MRPC_LABELS } from './types.js';

const SHARED = resolve(process.cwd(), '../shared/data');
const VOCAB = resolve(SHARED, 'vocab/bert-base-uncased-vocab.txt');
const tokenizer = tokenizerFromVocab(readFileSync(VOCAB, 'utf8'), { lowercase: true });
const dev = parsePairs(readFileSync(resolve(SHARED, 'mrpc/dev.tsv'), 'utf8')).examples;

describe('pairTokens: what truncation keeps and drops', () => {
  let oracle: Oracle;
  beforeAll(async () => {
    oracle = await loadOracle(VOCAB, true);
  });

  it('keeps of each dev sentence what the Rust tokenizer keeps at max_length 24, and drops the rest of its full tokenization', async () => {
    let cut = 0;
    for (const p of dev.slice(0, 60)) {
      const t = pairTokens(tokenizer, p.sentence1, p.sentence2, 24);
      oracle.tokenizer.setTruncation(24, { strategy: 'LongestFirst' as never });
      const truncated = await oracle.tokenizer.encode(p.sentence1, p.sentence2);
      const [k1, k2] = t.pair.kept;
      const ids = truncated.getIds();
      // [CLS] kept1 [SEP] kept2 [SEP] as the Rust tokenizer writes it.
      expect(t.sentences[0].slice(0, k1).map((x) => x.id)).toEqual(ids.slice(1, 1 + k1));
      expect(t.sentences[1].slice(0, k2).map((x) => x.id)).toEqual(ids.slice(2 + k1, 2 + k1 + k2));
      expect(ids.length).toBe(k1 + k2 + 3);
      oracle.tokenizer.setTruncation(512);
      for (const [s, text] of [p.sentence1, p.sentence2].entries()) {
        const full = await oracle.tokenizer.encode(text, null, { addSpecialTokens: false });
        expect(t.sentences[s].map((x) => x.id)).toEqual(full.getIds());
        expect(t.sentences[s].length).toBe(t.pair.lengths[s]);
      }
      if (k1 < t.pair.lengths[0] || k2 < t.pair.lengths[1]) cut++;
    }
    expect(cut).toBeGreaterThan(50);
  });

  it('maps every token back to its characters in its own sentence', () => {
    const p = dev[3];
    const t = pairTokens(tokenizer, p.sentence1, p.sentence2, 128);
    const word = t.sentences[1].find((x) => !x.token.startsWith('#') && /^[a-z]+$/.test(x.token))!;
    expect(p.sentence2.slice(word.start, word.end).toLowerCase()).toBe(word.token);
  });

  it('finds pairs by row id, pair id or words of either sentence', () => {
    expect(dev.filter((p) => pairMatches(p, '17')).map((p) => p.id)).toContain('17');
    const words = dev[5].sentence2.split(' ').slice(1, 3).join(' ');
    expect(dev.filter((p) => pairMatches(p, words.toUpperCase())).map((p) => p.id)).toContain('5');
    expect(dev.filter((p) => pairMatches(p, dev[9].pairId!)).map((p) => p.id)).toEqual(['9']);
  });

  it('names a missing row by the ids the rows keep, not by positions', () => {
    const split = dev.filter((p) => Number(p.id) % 2 === 1);
    expect(missingRowMessage('4', 'dev (eval)', split)).toBe(`No row with id “4” in “dev (eval)” (${split.length} rows, ids 1 … ${split[split.length - 1].id}).`);
    expect(missingRowMessage('0', 'empty', [])).toBe('No row with id “0” in “empty” (it has no rows).');
  });
});

describe('rowPlacement: the batch a pair falls in, as the Trainer batches it', () => {
  const rows = dev.slice(0, 48);
  const features = featurizePairs(tokenizer, rows, 40);
  // The real ids renumbered densely ([PAD] stays 0), so a tiny embedding table keeps the test fast.
  const dense = new Map<number, number>([[tokenizer.padId, 0]]);
  features.inputIds = features.inputIds.map((id) => {
    if (!dense.has(id)) dense.set(id, dense.size);
    return dense.get(id)!;
  });
  const config: BertConfig = { ...BERT_DEFAULTS, vocab_size: dense.size, hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 16, max_position_embeddings: 64 };

  beforeAll(async () => {
    await setupBackend('cpu');
  });

  for (const groupByLength of [false, true]) {
    it(`gives every row the batch, batch mates and padding of the Trainer's first two epochs (group_by_length ${groupByLength})`, async () => {
      const B = 5;
      const seen: number[][] = [];
      const data = pairTrainData(features, 0);
      const recording: TrainData = { ...data, batch: (r, bs, w) => (seen.push(Array.from(r)), data.batch(r, bs, w)) };
      const model = BertForSequenceClassification.init(config, 1, MRPC_LABELS);
      const batches = Math.ceil(rows.length / B);
      const trainer = new Trainer(model, recording, { batchSize: B, seed: 11, groupByLength, maxSteps: 2 * batches, warmupRatio: 0, dropout: false });
      while (!trainer.done) await trainer.step();
      trainer.dispose();
      model.dispose();
      expect(seen.length).toBe(2 * batches);

      const rng = new SeededRng(11);
      for (let epoch = 0; epoch < 2; epoch++) {
        const order = epochOrder(rng, rows.length, { batchSize: B, shuffle: true, groupByLength }, features.lengths);
        for (let r = 0; r < rows.length; r++) {
          const at = rowPlacement(order, features.lengths, B, r);
          const trained = seen[epoch * batches + at.batch];
          expect(at.rows).toEqual(trained);
          expect(trained[at.position]).toBe(r);
          const padded = padBatch(features, trained, { padId: 0 });
          expect(at.longest).toBe(padded.length);
          expect(at.padding).toBe(padded.length - features.lengths[r]);
          expect(at.batchPadding).toBe(padded.padding);
          expect(at.batches).toBe(batches);
        }
      }
    });
  }

  it('refuses a row that is not in the order', () => {
    expect(() => rowPlacement([0, 1, 2], [3, 4, 5], 2, 7)).toThrow('row 7 is not in the order');
  });
});
