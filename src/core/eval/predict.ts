import type { AnswerCandidate, FeatureBatch, FeatureLogits, ParagraphInput } from '../features/index.js';
import { postprocessExample, squadParagraphs } from '../features/index.js';
import type { SquadFile } from '../squad/types.js';
import type { BertTokenizer } from '../tokenizer/index.js';
import { checkPositiveInt, featurizeForModel, type ProgressCallback, type QaModel, runWindows, windowOffsets } from './infer.js';

export interface PredictOptions {
  /** Tokens per window (L). Default 384. */
  maxLength?: number;
  /** Context tokens shared by consecutive windows. Default 128. */
  stride?: number;
  /** Top start and end positions paired per window. Default 20. */
  nBest?: number;
  /** Longest answer in tokens. Default 30. */
  maxAnswerLength?: number;
  /** Windows per forward pass. Default 16. */
  batchSize?: number;
  /** Distinct candidate spans kept per example. Default 5. */
  topK?: number;
  /**
   * Examples whose per-window logits to keep (for drawing them); 'all' keeps every example's,
   * which for a full dev set is hundreds of MB at L 384. Default: none.
   */
  logitsFor?: Iterable<string> | 'all';
  /** (windows done, windows in all), before the first forward pass and after each. */
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

export const PREDICT_DEFAULTS = { maxLength: 384, stride: 128, nBest: 20, maxAnswerLength: 30, batchSize: 16, topK: 5 } as const;

/** The outcome for one example (question). Spans are [start, end) UTF-16 indices of its context. */
export interface ExampleDetail {
  id: string;
  /** As tokenized: surrounding whitespace stripped. */
  question: string;
  /** Index of the context in PredictionResult.contexts. */
  contextIndex: number;
  /** How many windows the example was split into. */
  windows: number;
  /** Best answer; '' when no start/end pair qualified. */
  text: string;
  start: number | null;
  end: number | null;
  /** startLogit + endLogit of the best pair; -Infinity when there is none. */
  score: number;
  /** Softmax share of the best span among the example's n_best pairs. */
  probability: number;
  /** Distinct spans, best first, at most topK; each names the window it came from. */
  candidates: AnswerCandidate[];
}

/** One window's tokens and logits, for drawing logits over tokens. Arrays have L entries (2L for offsets). */
export interface WindowLogits {
  /** Position of the window among its example's windows. */
  window: number;
  inputIds: Int32Array;
  /** Vocabulary strings of inputIds (e.g. "[CLS]", "##ing"). */
  tokens: string[];
  /** 0 question, 1 context, -1 special or padding. */
  sequenceIds: Int8Array;
  /** [start, end) UTF-16 context spans, two entries per token; -1 outside the context. */
  offsets: Int32Array;
  startLogits: Float32Array;
  endLogits: Float32Array;
  /** Tokens before padding. */
  realLength: number;
}

export interface PredictionResult {
  /** Official `{question id: answer text}`. */
  predictions: Record<string, string>;
  /** One per example, in input order. */
  examples: ExampleDetail[];
  contexts: string[];
  /** Windows of the examples asked for in `logitsFor`, by example id. */
  logits: Map<string, WindowLogits[]>;
  exampleCount: number;
  featureCount: number;
  settings: { maxLength: number; stride: number; nBest: number; maxAnswerLength: number; batchSize: number; topK: number };
}

export type PredictInput = SquadFile | Iterable<ParagraphInput>;

function isSquadFile(input: PredictInput): input is SquadFile {
  return typeof input === 'object' && input !== null && Array.isArray((input as SquadFile).data);
}

function keptWindow(features: FeatureBatch, tokenizer: BertTokenizer, w: number, window: number, start: Float32Array, end: Float32Array): WindowLogits {
  const L = features.length;
  const base = w * L;
  const inputIds = features.inputIds.slice(base, base + L);
  let realLength = 0;
  for (let i = 0; i < L; i++) if (features.attentionMask[base + i]) realLength = i + 1;
  return {
    window,
    inputIds,
    tokens: Array.from(inputIds, (id) => tokenizer.idToToken(id) ?? '[UNK]'),
    sequenceIds: features.sequenceIds.slice(base, base + L),
    offsets: features.offsets.slice(2 * base, 2 * (base + L)),
    startLogits: start.slice(),
    endLogits: end.slice(),
    realLength,
  };
}

/**
 * Answers every question of a dataset: eval-mode windows, fixed-shape batched inference with
 * dropout off, then post-processing over all windows of each example. An example is
 * post-processed as soon as its last window's logits arrive (windows of an example are
 * consecutive), so only the logits of examples asked for in `logitsFor` are kept.
 */
export async function predictDataset(
  model: QaModel,
  tokenizer: BertTokenizer,
  data: PredictInput,
  options: PredictOptions = {},
): Promise<PredictionResult> {
  const settings = {
    maxLength: options.maxLength ?? PREDICT_DEFAULTS.maxLength,
    stride: options.stride ?? PREDICT_DEFAULTS.stride,
    nBest: options.nBest ?? PREDICT_DEFAULTS.nBest,
    maxAnswerLength: options.maxAnswerLength ?? PREDICT_DEFAULTS.maxAnswerLength,
    batchSize: options.batchSize ?? PREDICT_DEFAULTS.batchSize,
    topK: options.topK ?? PREDICT_DEFAULTS.topK,
  };
  for (const name of ['nBest', 'maxAnswerLength', 'batchSize', 'topK'] as const) checkPositiveInt(name, settings[name]);
  const paragraphs = isSquadFile(data) ? squadParagraphs(data) : data;
  const features = await featurizeForModel(model, tokenizer, paragraphs, settings, options.signal);

  const logitsFor = options.logitsFor;
  const keep = logitsFor === 'all' ? null : new Set(logitsFor ?? []);
  const logits = new Map<string, WindowLogits[]>();
  // Null prototype: an id such as "__proto__" stays an ordinary key.
  const predictions = Object.create(null) as Record<string, string>;
  const examples: ExampleDetail[] = [];
  const post = { nBest: settings.nBest, maxAnswerLength: settings.maxAnswerLength, topK: settings.topK };
  const L = features.length;
  let pending: FeatureLogits[] = [];

  await runWindows(model, features, { batchSize: settings.batchSize, signal: options.signal, onProgress: options.onProgress }, (first, rows, start, end) => {
    for (let r = 0; r < rows; r++) {
      const w = first + r;
      const exampleIndex = features.exampleIndex[w];
      const ex = features.examples[exampleIndex];
      const startLogits = start.subarray(r * L, (r + 1) * L);
      const endLogits = end.subarray(r * L, (r + 1) * L);
      pending.push({ exampleId: ex.id, startLogits, endLogits, offsets: windowOffsets(features, w) });
      if (keep === null || keep.has(ex.id)) {
        let list = logits.get(ex.id);
        if (!list) logits.set(ex.id, (list = []));
        list.push(keptWindow(features, tokenizer, w, pending.length - 1, startLogits, endLogits));
      }
      if (w + 1 < features.count && features.exampleIndex[w + 1] === exampleIndex) continue;
      const context = features.contexts[ex.contextIndex];
      const p = postprocessExample(context, pending, post);
      const best = p.candidates[0];
      predictions[ex.id] = p.text;
      examples.push({
        id: ex.id,
        question: ex.question,
        contextIndex: ex.contextIndex,
        windows: pending.length,
        text: p.text,
        start: best ? best.start : null,
        end: best ? best.end : null,
        score: p.score,
        probability: p.probability,
        candidates: p.candidates,
      });
      pending = [];
    }
  });

  return {
    predictions,
    examples,
    contexts: features.contexts,
    logits,
    exampleCount: features.examples.length,
    featureCount: features.count,
    settings,
  };
}
