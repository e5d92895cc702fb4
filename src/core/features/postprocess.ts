// From start/end logits of every window of an example to an answer span in the original context.
// Text is always sliced from the context by character offsets, never decoded from tokens, so it
// keeps the context's exact spelling, case and accents.

/** Logits of one window (feature) of an example. */
export interface FeatureLogits {
  exampleId: string;
  startLogits: ArrayLike<number>;
  endLogits: ArrayLike<number>;
  /**
   * Per token, its [start, end) UTF-16 span in the example's context; null for tokens outside the
   * context (question, special tokens, padding). Tokens past the end of this array count as null.
   */
  offsets: ReadonlyArray<readonly [number, number] | null>;
}

export interface PostprocessOptions {
  /** How many top start and top end positions to pair per window. Default 20. */
  nBest?: number;
  /** Longest answer in tokens (end - start + 1). Default 30. */
  maxAnswerLength?: number;
  /** How many distinct answer spans to return as candidates. Default 5. */
  topK?: number;
}

export interface AnswerCandidate {
  text: string;
  /** [start, end) in UTF-16 code units of the context. */
  start: number;
  end: number;
  /** startLogit + endLogit of the best pair giving this span. */
  score: number;
  /** Softmax share of this span among the n_best candidates (pairs with the same span add up). */
  probability: number;
  startLogit: number;
  endLogit: number;
  /** Index, in the features given for this example, of the window the best pair came from. */
  feature: number;
}

export interface ExamplePrediction {
  exampleId: string;
  /** Best answer; '' when no pair qualifies. */
  text: string;
  /** Score of the best answer; -Infinity when there is none. */
  score: number;
  probability: number;
  /** Distinct spans, best first, at most topK. */
  candidates: AnswerCandidate[];
}

interface Pair {
  start: number;
  end: number;
  score: number;
  startLogit: number;
  endLogit: number;
  feature: number;
}

/** Indices of the n largest values, largest first (lower index first on ties). */
export function topIndices(values: ArrayLike<number>, n: number): number[] {
  const out: number[] = [];
  if (n <= 0) return out;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (out.length === n && !(v > values[out[n - 1]])) continue;
    // Insertion into a short sorted list: n is ~20, windows ~384 tokens.
    let k = out.length < n ? out.length : n - 1;
    while (k > 0 && v > values[out[k - 1]]) k--;
    out.splice(k, 0, i);
    if (out.length > n) out.pop();
  }
  return out;
}

/** Best answer of one example from all of its windows. */
export function postprocessExample(
  context: string,
  features: readonly FeatureLogits[],
  options: PostprocessOptions = {},
): ExamplePrediction {
  const nBest = options.nBest ?? 20;
  const maxLen = options.maxAnswerLength ?? 30;
  const topK = options.topK ?? 5;
  const exampleId = features[0]?.exampleId ?? '';
  const pairs: Pair[] = [];
  features.forEach((f, fi) => {
    const starts = topIndices(f.startLogits, nBest);
    const ends = topIndices(f.endLogits, nBest);
    for (const s of starts) {
      const so = f.offsets[s];
      if (!so) continue;
      for (const e of ends) {
        const eo = f.offsets[e];
        if (!eo || e < s || e - s + 1 > maxLen) continue;
        const startLogit = f.startLogits[s];
        const endLogit = f.endLogits[e];
        pairs.push({ start: so[0], end: eo[1], score: startLogit + endLogit, startLogit, endLogit, feature: fi });
      }
    }
  });
  if (pairs.length === 0) return { exampleId, text: '', score: -Infinity, probability: 0, candidates: [] };

  // Like Hugging Face's run_qa: keep the n_best pairs overall and softmax over their scores.
  pairs.sort((a, b) => b.score - a.score);
  const kept = pairs.slice(0, nBest);
  const max = kept[0].score;
  let z = 0;
  for (const p of kept) z += Math.exp(p.score - max);

  // Overlapping windows often propose the same span twice; show it once with their summed probability.
  const bySpan = new Map<string, AnswerCandidate>();
  const candidates: AnswerCandidate[] = [];
  for (const p of kept) {
    const prob = Math.exp(p.score - max) / z;
    const key = `${p.start}:${p.end}`;
    const seen = bySpan.get(key);
    if (seen) {
      seen.probability += prob;
      continue;
    }
    const c: AnswerCandidate = {
      text: context.slice(p.start, p.end),
      start: p.start,
      end: p.end,
      score: p.score,
      probability: prob,
      startLogit: p.startLogit,
      endLogit: p.endLogit,
      feature: p.feature,
    };
    bySpan.set(key, c);
    candidates.push(c);
  }
  const best = candidates[0];
  return { exampleId, text: best.text, score: best.score, probability: best.probability, candidates: candidates.slice(0, topK) };
}

/**
 * Groups windows by exampleId (in first-seen order) and post-processes each example. Contexts are
 * looked up by example id.
 */
export function postprocess(
  features: readonly FeatureLogits[],
  contexts: ReadonlyMap<string, string> | Readonly<Record<string, string>> | ((exampleId: string) => string | undefined),
  options: PostprocessOptions = {},
): Map<string, ExamplePrediction> {
  const lookup =
    typeof contexts === 'function'
      ? contexts
      : contexts instanceof Map
        ? (id: string) => contexts.get(id)
        : (id: string) => (Object.prototype.hasOwnProperty.call(contexts, id) ? (contexts as Record<string, string>)[id] : undefined);
  const groups = new Map<string, FeatureLogits[]>();
  for (const f of features) {
    const g = groups.get(f.exampleId);
    if (g) g.push(f);
    else groups.set(f.exampleId, [f]);
  }
  const out = new Map<string, ExamplePrediction>();
  for (const [id, group] of groups) {
    const context = lookup(id);
    if (context === undefined) throw new Error(`postprocess: no context for example "${id}"`);
    out.set(id, postprocessExample(context, group, options));
  }
  return out;
}

/** `{id: text}` in the official predictions format, ready for the metric. */
export function toPredictionRecord(predictions: ReadonlyMap<string, ExamplePrediction>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [id, p] of predictions) out[id] = p.text;
  return out;
}
