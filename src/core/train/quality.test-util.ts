// Train a small BERT from scratch on SQuAD dev articles 0-37 and score it on articles 38-47 against
// a position-only baseline. Shared by the opt-in quality test and `npm run bench -- train`.
import { readFileSync } from 'node:fs';
import { type FeatureBatch, type FeatureLogits, featurizeSquad, postprocess, toPredictionRecord } from '../features/index.js';
import { runWindows } from '../eval/infer.js';
import { BERT_DEFAULTS, type BertConfig, BertForQuestionAnswering } from '../model/index.js';
import { evaluate } from '../squad/metric.js';
import type { SquadFile } from '../squad/types.js';
import { tokenizerFromVocab } from '../tokenizer/index.js';
import { Trainer, type TrainOptions, evaluateLoss } from './trainer.js';
import { runTrainer } from './run-loop.js';

export interface QualityOptions {
  sharedDir: string;
  maxLength: number;
  stride: number;
  hidden: number;
  layers: number;
  steps: number;
  train: Partial<TrainOptions>;
  /** Called after every `every` steps with the step's metrics. */
  onProgress?: (line: string) => void;
}

export interface QualityResult {
  trainWindows: number;
  evalWindows: number;
  vocab: number;
  steps: number;
  seconds: number;
  firstLoss: number;
  lastLoss: number;
  evalLossBefore: number;
  evalLoss: number;
  baselineEvalLoss: number;
  em: number;
  f1: number;
  baselineEm: number;
  baselineF1: number;
}

/**
 * Keeps only the word-piece ids that occur in the data, renumbered densely: the same tokenization,
 * but an embedding table of a few thousand rows instead of 30522 (most of a small model's cost).
 */
function compactIds(batches: FeatureBatch[]): number {
  const map = new Map<number, number>();
  for (const b of batches) for (const id of b.inputIds) if (!map.has(id)) map.set(id, map.size);
  for (const b of batches) for (let i = 0; i < b.inputIds.length; i++) b.inputIds[i] = map.get(b.inputIds[i])!;
  return map.size;
}

/** log of the label frequencies per position (add-one smoothed): the best predictor that ignores the text. */
function positionPrior(positions: Int32Array, length: number): Float32Array {
  const counts = new Float64Array(length).fill(1);
  for (const p of positions) counts[p]++;
  const total = counts.reduce((a, b) => a + b, 0);
  return Float32Array.from(counts, (c) => Math.log(c / total));
}

function priorLoss(prior: [Float32Array, Float32Array], b: FeatureBatch): number {
  let sum = 0;
  for (let w = 0; w < b.count; w++) sum -= (prior[0][b.startPositions[w]] + prior[1][b.endPositions[w]]) / 2;
  return sum / b.count;
}

function featureLogits(b: FeatureBatch, w: number, start: ArrayLike<number>, end: ArrayLike<number>): FeatureLogits {
  const L = b.length;
  const offsets: ([number, number] | null)[] = [];
  for (let i = 0; i < L; i++) {
    const s = b.offsets[2 * (w * L + i)];
    offsets.push(s < 0 ? null : [s, b.offsets[2 * (w * L + i) + 1]]);
  }
  return { exampleId: b.examples[b.exampleIndex[w]].id, startLogits: start, endLogits: end, offsets };
}

function score(squad: SquadFile, b: FeatureBatch, logits: FeatureLogits[]): { em: number; f1: number } {
  const contexts = new Map(b.examples.map((e) => [e.id, b.contexts[e.contextIndex]]));
  const r = evaluate(squad, toPredictionRecord(postprocess(logits, contexts)));
  return { em: r.exact_match, f1: r.f1 };
}

async function modelLogits(model: BertForQuestionAnswering, b: FeatureBatch, batchSize: number): Promise<FeatureLogits[]> {
  const L = b.length;
  const out: FeatureLogits[] = [];
  await runWindows(model, b, { batchSize }, (first, rows, s, e) => {
    for (let r = 0; r < rows; r++) out.push(featureLogits(b, first + r, s.subarray(r * L, (r + 1) * L), e.subarray(r * L, (r + 1) * L)));
  });
  return out;
}

export async function trainQuality(o: QualityOptions): Promise<QualityResult> {
  const dev = JSON.parse(readFileSync(`${o.sharedDir}/data/squad/dev-v1.1.json`, 'utf8')) as SquadFile;
  const tokenizer = tokenizerFromVocab(readFileSync(`${o.sharedDir}/data/vocab/bert-base-uncased-vocab.txt`, 'utf8'), { lowercase: true });
  const trainSquad: SquadFile = { version: dev.version, data: dev.data.slice(0, 38) };
  const evalSquad: SquadFile = { version: dev.version, data: dev.data.slice(38, 48) };
  const settings = { maxLength: o.maxLength, stride: o.stride };
  const trainB = featurizeSquad(tokenizer, trainSquad, settings, 'train');
  // Eval mode keeps offsets for context tokens only, as post-processing wants; labels are set all the same.
  const evalB = featurizeSquad(tokenizer, evalSquad, settings, 'eval');
  const vocab = compactIds([trainB, evalB]);
  const config: BertConfig = {
    ...BERT_DEFAULTS,
    vocab_size: vocab,
    hidden_size: o.hidden,
    num_hidden_layers: o.layers,
    num_attention_heads: Math.max(1, o.hidden / 32),
    intermediate_size: 4 * o.hidden,
    max_position_embeddings: o.maxLength,
  };
  const model = BertForQuestionAnswering.init(config, 0);
  const trainer = new Trainer(model, trainB, { ...o.train, maxSteps: o.steps });
  const evalBatch = trainer.options.batchSize;
  const evalLossBefore = await evaluateLoss(model, evalB, evalBatch);
  const t0 = performance.now();
  const losses: number[] = [];
  const every = Math.max(1, Math.round(o.steps / 10));
  await runTrainer(trainer, {
    onStep: (m) => {
      losses.push(m.loss);
      if (m.step % every === 0) {
        const recent = losses.slice(-every);
        o.onProgress?.(`step ${m.step}: loss ${(recent.reduce((a, b) => a + b, 0) / recent.length).toFixed(3)} lr ${m.lr.toExponential(2)} ${m.samples_per_s.toFixed(0)} samples/s`);
      }
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const evalLoss = await evaluateLoss(model, evalB, evalBatch);
  const trained = score(evalSquad, evalB, await modelLogits(model, evalB, evalBatch));
  const prior: [Float32Array, Float32Array] = [positionPrior(trainB.startPositions, o.maxLength), positionPrior(trainB.endPositions, o.maxLength)];
  const baseline = score(
    evalSquad,
    evalB,
    Array.from({ length: evalB.count }, (_, w) => featureLogits(evalB, w, prior[0], prior[1])),
  );
  trainer.dispose();
  model.dispose();
  const head = losses.slice(0, 10);
  const tail = losses.slice(-10);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    trainWindows: trainB.count,
    evalWindows: evalB.count,
    vocab,
    steps: losses.length,
    seconds,
    firstLoss: mean(head),
    lastLoss: mean(tail),
    evalLossBefore,
    evalLoss,
    baselineEvalLoss: priorLoss(prior, evalB),
    em: trained.em,
    f1: trained.f1,
    baselineEm: baseline.em,
    baselineF1: baseline.f1,
  };
}
