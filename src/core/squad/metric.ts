// SQuAD v1.1 exact match and F1, matching the official evaluation script's semantics character for
// character, including where Python's Unicode-aware regex and str.split() differ from JS defaults.
import type { SquadFile } from './types.js';

/** Python's string.punctuation: the 32 ASCII punctuation characters. Non-ASCII punctuation is kept. */
const PUNCTUATION = /[!-\/:-@\[-`{-~]/g;

/**
 * The words a/an/the delimited like Python 3's `\b`: a word character is str.isalnum() or '_',
 * which is exactly \p{L} and \p{N} (combining marks are not word characters). JS `\b` is ASCII-only.
 */
const ARTICLES = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;

/** Python's str.split() separators (str.isspace()): JS \s minus U+FEFF, plus U+001C..U+001F and U+0085. */
const PY_WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** Python's str.split() with no argument: runs of whitespace separate, no empty tokens. */
export function pythonSplit(s: string): string[] {
  const parts = s.split(PY_WHITESPACE);
  // Leading/trailing whitespace leaves one empty string at either end.
  if (parts.length && parts[0] === '') parts.shift();
  if (parts.length && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Lowercase, drop ASCII punctuation, drop the words a/an/the, collapse whitespace. */
export function normalizeAnswer(s: string): string {
  const noPunct = s.toLowerCase().replace(PUNCTUATION, '');
  return pythonSplit(noPunct.replace(ARTICLES, ' ')).join(' ');
}

export function exactMatchScore(prediction: string, truth: string): number {
  return normalizeAnswer(prediction) === normalizeAnswer(truth) ? 1 : 0;
}

/** Token-overlap F1 of the normalised strings, with multiset (Counter) intersection. */
export function f1Score(prediction: string, truth: string): number {
  return tokenF1(pythonSplit(normalizeAnswer(prediction)), pythonSplit(normalizeAnswer(truth)));
}

function tokenF1(pred: readonly string[], gold: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const t of gold) counts.set(t, (counts.get(t) ?? 0) + 1);
  let same = 0;
  for (const t of pred) {
    const c = counts.get(t);
    if (c) {
      same++;
      counts.set(t, c - 1);
    }
  }
  // v1.1 scores 0 whenever nothing overlaps, even when both sides normalise to nothing.
  if (same === 0) return 0;
  const precision = same / pred.length;
  const recall = same / gold.length;
  return (2 * precision * recall) / (precision + recall);
}

export interface QuestionScore {
  id: string;
  /** 1 or 0. */
  exact: number;
  /** 0..1. */
  f1: number;
  /** False when the predictions have no entry for this id (it scores 0). */
  answered: boolean;
  prediction: string | null;
  /** The gold answer that gave the best F1 (the first one on ties). */
  bestGold: string;
}

export interface EvaluationResult {
  /** 100 x mean over all questions of the dataset. */
  exact_match: number;
  f1: number;
  total: number;
  /** Questions of the dataset that have a prediction. */
  answered: number;
  /** Questions of the dataset without a prediction (scored 0). */
  missing: number;
  /** Prediction ids that are not in the dataset (ignored). */
  extra: number;
  /** In dataset order. */
  perQuestion: QuestionScore[];
}

/**
 * Scores one question: max over gold answers. A question with no gold answer (a v2.0 unanswerable
 * one) scores 1 only for an empty normalised prediction, as the v2.0 script does.
 */
export function scoreQuestion(prediction: string, golds: readonly string[]): { exact: number; f1: number; bestGold: string } {
  const normPred = normalizeAnswer(prediction);
  if (golds.length === 0) {
    const empty = normPred === '' ? 1 : 0;
    return { exact: empty, f1: empty, bestGold: '' };
  }
  const predTokens = pythonSplit(normPred);
  let exact = 0;
  let f1 = 0;
  let bestGold = golds[0];
  let bestF1 = -1;
  for (const g of golds) {
    const normGold = normalizeAnswer(g);
    if (normGold === normPred) exact = 1;
    const f = tokenF1(predTokens, pythonSplit(normGold));
    if (f > bestF1) {
      bestF1 = f;
      bestGold = g;
    }
    if (f > f1) f1 = f;
  }
  return { exact, f1, bestGold };
}

/** Official v1.1 evaluation of `{question_id: answer_text}` predictions against a dataset. */
export function evaluate(dataset: SquadFile, predictions: Readonly<Record<string, string>>): EvaluationResult {
  const perQuestion: QuestionScore[] = [];
  const seen = new Set<string>();
  let exactSum = 0;
  let f1Sum = 0;
  let answered = 0;
  for (const article of dataset.data) {
    for (const paragraph of article.paragraphs) {
      for (const qa of paragraph.qas) {
        seen.add(qa.id);
        const golds = qa.answers.map((a) => a.text);
        // hasOwn: ids such as "constructor" must not pick up Object.prototype members.
        const has = Object.prototype.hasOwnProperty.call(predictions, qa.id) && typeof predictions[qa.id] === 'string';
        if (!has) {
          perQuestion.push({ id: qa.id, exact: 0, f1: 0, answered: false, prediction: null, bestGold: golds[0] ?? '' });
          continue;
        }
        answered++;
        const prediction = predictions[qa.id];
        const s = scoreQuestion(prediction, golds);
        exactSum += s.exact;
        f1Sum += s.f1;
        perQuestion.push({ id: qa.id, exact: s.exact, f1: s.f1, answered: true, prediction, bestGold: s.bestGold });
      }
    }
  }
  const total = perQuestion.length;
  let extra = 0;
  for (const id of Object.keys(predictions)) if (!seen.has(id)) extra++;
  return {
    exact_match: total ? (100 * exactSum) / total : 0,
    f1: total ? (100 * f1Sum) / total : 0,
    total,
    answered,
    missing: total - answered,
    extra,
    perQuestion,
  };
}
