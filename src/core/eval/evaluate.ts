import { evaluate } from '../squad/metric.js';
import type { SquadFile } from '../squad/types.js';
import type { BertTokenizer } from '../tokenizer/index.js';
import type { QaModel } from './infer.js';
import { type PredictOptions, type PredictionResult, predictDataset } from './predict.js';

/** One question's outcome next to its gold answers. */
export interface QuestionResult {
  id: string;
  question: string;
  golds: string[];
  prediction: string;
  /** 1 or 0, as the official metric scores it (max over golds). */
  exact: number;
  /** 0..1. */
  f1: number;
  /** startLogit + endLogit of the predicted span; -Infinity when nothing qualified. */
  score: number;
  probability: number;
}

export interface QuestionTypeScore {
  type: string;
  count: number;
  /** 0-100, like the totals. */
  exact_match: number;
  f1: number;
}

export interface EvaluationReport {
  /** Official SQuAD v1.1 numbers, 0-100. */
  exact_match: number;
  f1: number;
  total: number;
  /** In dataset order. */
  perQuestion: QuestionResult[];
  /** Most frequent type first. */
  byQuestionType: QuestionTypeScore[];
  /** Everything predictDataset returned (spans, candidates, kept logits). */
  prediction: PredictionResult;
}

const WH_WORDS = new Set(['what', 'which', 'who', 'whom', 'whose', 'when', 'where', 'why', 'how']);

/** "how X" questions that ask for a quantity, duration, size or frequency get their own type. */
const HOW_QUANTITY = new Set([
  'many', 'much', 'long', 'old', 'far', 'often', 'big', 'large', 'tall', 'high', 'deep', 'wide', 'few', 'early', 'late', 'fast',
]);

/**
 * The question's type from its first word, lowercased: a wh-word ("what", "who", ...), a two-word
 * "how many" / "how much" / "how long" ... type, or "other" (e.g. "In what year ...", "Is ...").
 */
export function questionType(question: string): string {
  const words = question.toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? [];
  // "who's", "what's": the type is the wh-word.
  const first = (words[0] ?? '').replace(/['’].*$/, '');
  if (!WH_WORDS.has(first)) return 'other';
  if (first === 'how' && words[1] !== undefined && HOW_QUANTITY.has(words[1])) return `how ${words[1]}`;
  return first;
}

/** Predicts every question of a SQuAD file and scores the predictions with the official v1.1 metric. */
export async function evaluateModel(
  model: QaModel,
  tokenizer: BertTokenizer,
  dataset: SquadFile,
  options: PredictOptions = {},
): Promise<EvaluationReport> {
  const prediction = await predictDataset(model, tokenizer, dataset, options);
  const metric = evaluate(dataset, prediction.predictions);
  const details = new Map(prediction.examples.map((e) => [e.id, e]));
  const questions = new Map<string, { question: string; golds: string[] }>();
  for (const article of dataset.data)
    for (const para of article.paragraphs)
      for (const qa of para.qas) questions.set(qa.id, { question: qa.question, golds: qa.answers.map((a) => a.text) });

  const perQuestion: QuestionResult[] = metric.perQuestion.map((s) => {
    const q = questions.get(s.id)!;
    const d = details.get(s.id);
    return {
      id: s.id,
      question: q.question,
      golds: q.golds,
      prediction: s.prediction ?? '',
      exact: s.exact,
      f1: s.f1,
      score: d ? d.score : -Infinity,
      probability: d ? d.probability : 0,
    };
  });

  const types = new Map<string, { count: number; exact: number; f1: number }>();
  for (const r of perQuestion) {
    const t = questionType(r.question);
    const acc = types.get(t) ?? { count: 0, exact: 0, f1: 0 };
    acc.count++;
    acc.exact += r.exact;
    acc.f1 += r.f1;
    types.set(t, acc);
  }
  const byQuestionType = [...types]
    .map(([type, a]) => ({ type, count: a.count, exact_match: (100 * a.exact) / a.count, f1: (100 * a.f1) / a.count }))
    .sort((a, b) => b.count - a.count || (a.type < b.type ? -1 : 1));

  return { exact_match: metric.exact_match, f1: metric.f1, total: metric.total, perQuestion, byQuestionType, prediction };
}
