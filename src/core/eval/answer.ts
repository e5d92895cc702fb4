import type { AnswerCandidate, FeatureLogits } from '../features/index.js';
import { FeatureBuilder, postprocessExample } from '../features/index.js';
import type { BertTokenizer } from '../tokenizer/index.js';
import { checkPositiveInt, type QaModel, runWindows, windowOffsets } from './infer.js';
import { PREDICT_DEFAULTS } from './predict.js';

export interface AnswerOptions {
  /** Default 384. */
  maxLength?: number;
  /** Default 128. */
  stride?: number;
  /** Distinct candidate spans returned. Default 5. */
  topK?: number;
  /** Default 20. */
  nBest?: number;
  /** Default 30. */
  maxAnswerLength?: number;
  /**
   * Windows per forward pass. Default 1: the Playground's passes then always have shape [1, L],
   * whatever the context's length, so WebGPU reuses its compiled shaders from question to question.
   */
  batchSize?: number;
  signal?: AbortSignal;
}

/** One context token with its share of the start and end distributions, for a heatmap. */
export interface TokenProbability {
  /** Index among the context's tokens. */
  index: number;
  /** Vocabulary string, e.g. "##ing". */
  token: string;
  /** The context's own characters under the token: context.slice(start, end). */
  text: string;
  /** [start, end) in UTF-16 units of the context. */
  start: number;
  end: number;
  startProbability: number;
  endProbability: number;
  /** Window whose logits the probabilities come from (where the token is most central). */
  window: number;
}

export interface PlaygroundAnswer {
  /** Best span; null when no start/end pair qualified (e.g. an empty context). */
  answer: AnswerCandidate | null;
  /**
   * Distinct spans, best first (candidates[0] is `answer`), at most topK. Probabilities are softmax
   * shares over the n_best start/end pairs of all windows, pairs with the same span summed: over
   * all distinct spans they add up to 1, so the topK shown add up to at most 1.
   */
  candidates: AnswerCandidate[];
  /**
   * Every context token in order. startProbability (and separately endProbability) is a softmax
   * over all context tokens of the context, so each adds up to 1 over `tokens`. A token that
   * several windows hold takes its logit from the window where it is most central (the most
   * context on its shorter side, as the original BERT run_squad's max-context rule; ties go to the
   * earlier window), where the model saw the most around it.
   */
  tokens: TokenProbability[];
  windows: number;
}

function softmax(logits: Float64Array): Float64Array {
  let max = -Infinity;
  for (const v of logits) if (v > max) max = v;
  const out = new Float64Array(logits.length);
  let z = 0;
  for (let i = 0; i < logits.length; i++) z += out[i] = Math.exp(logits[i] - max);
  for (let i = 0; i < out.length; i++) out[i] /= z;
  return out;
}

/** Answers one question about one context (any length: long contexts are windowed as in evaluation). */
export async function answerQuestion(
  model: QaModel,
  tokenizer: BertTokenizer,
  context: string,
  question: string,
  options: AnswerOptions = {},
): Promise<PlaygroundAnswer> {
  const maxLength = options.maxLength ?? PREDICT_DEFAULTS.maxLength;
  const stride = options.stride ?? PREDICT_DEFAULTS.stride;
  const topK = options.topK ?? PREDICT_DEFAULTS.topK;
  const nBest = options.nBest ?? PREDICT_DEFAULTS.nBest;
  const maxAnswerLength = options.maxAnswerLength ?? PREDICT_DEFAULTS.maxAnswerLength;
  const batchSize = options.batchSize ?? 1;
  for (const [name, v] of [['topK', topK], ['nBest', nBest], ['maxAnswerLength', maxAnswerLength]] as const) checkPositiveInt(name, v);

  const contextTokens = tokenizer.encode(context);
  const builder = new FeatureBuilder(tokenizer, { maxLength, stride, maxPositionEmbeddings: model.config.max_position_embeddings }, 'eval');
  builder.addParagraph({ context, questions: [{ id: 'playground', question }] }, contextTokens);
  const features = builder.finish();
  const vocab = model.config.vocab_size;
  if (features.inputIds.some((id) => id >= vocab))
    throw new Error(`the tokenizer produces ids outside the model's vocabulary (vocab_size ${vocab}): wrong vocab file?`);

  const L = features.length;
  const windows: FeatureLogits[] = [];
  await runWindows(model, features, { batchSize, signal: options.signal }, (first, rows, start, end) => {
    for (let r = 0; r < rows; r++)
      windows.push({
        exampleId: 'playground',
        startLogits: start.subarray(r * L, (r + 1) * L),
        endLogits: end.subarray(r * L, (r + 1) * L),
        offsets: windowOffsets(features, first + r),
      });
  });
  const p = postprocessExample(context, windows, { nBest, maxAnswerLength, topK });

  // Window k holds context tokens [k * step, ...) right after [CLS] question [SEP] (PIPELINE.md §3).
  const n = contextTokens.length;
  let questionTokens = 0;
  for (let i = 0; i < L; i++) if (features.sequenceIds[i] === 0) questionTokens++;
  const step = maxLength - questionTokens - 3 - stride;
  const first = questionTokens + 2;
  const centrality = new Float64Array(n).fill(-Infinity);
  const source = new Int32Array(n);
  const startLogit = new Float64Array(n);
  const endLogit = new Float64Array(n);
  windows.forEach((w, k) => {
    let held = 0;
    for (let i = first; i < L && features.sequenceIds[k * L + i] === 1; i++) held++;
    for (let j = 0; j < held; j++) {
      const t = k * step + j;
      // The 0.01 * held term prefers the fuller window, as BERT's rule does.
      const c = Math.min(j, held - 1 - j) + 0.01 * held;
      if (c > centrality[t]) {
        centrality[t] = c;
        source[t] = k;
        startLogit[t] = w.startLogits[first + j];
        endLogit[t] = w.endLogits[first + j];
      }
    }
  });
  const startProb = softmax(startLogit);
  const endProb = softmax(endLogit);
  const tokens: TokenProbability[] = [];
  for (let t = 0; t < n; t++) {
    const start = contextTokens.starts[t];
    const end = contextTokens.ends[t];
    tokens.push({
      index: t,
      token: tokenizer.idToToken(contextTokens.ids[t]) ?? '[UNK]',
      text: context.slice(start, end),
      start,
      end,
      startProbability: startProb[t],
      endProbability: endProb[t],
      window: source[t],
    });
  }
  return { answer: p.candidates[0] ?? null, candidates: p.candidates, tokens, windows: windows.length };
}
