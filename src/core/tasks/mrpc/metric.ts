/** Counts of predicted vs gold labels for the positive class 1. */
export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export interface PairScores {
  /** Fraction correct, as evaluate's glue/mrpc reports it. */
  accuracy: number;
  /** F1 of class 1 (equivalent), a fraction; 0 when there is no true positive. */
  f1: number;
  precision: number;
  recall: number;
  total: number;
  /** Gold rows with no prediction (counted as wrong). */
  missing: number;
  confusion: Confusion;
}

/**
 * glue/mrpc's metric: accuracy and F1 of class 1 over the gold rows. A gold row without a
 * prediction counts as wrong (as the other label).
 */
export function scorePairs(gold: ReadonlyMap<string, 0 | 1>, predictions: ReadonlyMap<string, number>): PairScores {
  const c: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  let missing = 0;
  for (const [id, label] of gold) {
    let p = predictions.get(id);
    if (p === undefined) {
      missing++;
      p = 1 - label;
    }
    if (p === 1 && label === 1) c.tp++;
    else if (p === 1) c.fp++;
    else if (label === 1) c.fn++;
    else c.tn++;
  }
  const total = gold.size;
  const precision = c.tp + c.fp > 0 ? c.tp / (c.tp + c.fp) : 0;
  const recall = c.tp + c.fn > 0 ? c.tp / (c.tp + c.fn) : 0;
  const f1 = c.tp > 0 ? (2 * c.tp) / (2 * c.tp + c.fp + c.fn) : 0;
  return { accuracy: total > 0 ? (c.tp + c.tn) / total : 0, f1, precision, recall, total, missing, confusion: c };
}

/** Reads a predictions file `{"id": label}`: labels 0/1 (numbers or "0"/"1"); anything else is an error naming the id. */
export function parsePairPredictions(json: unknown): Map<string, 0 | 1> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('predictions must be a JSON object {"id": label}');
  const out = new Map<string, 0 | 1>();
  for (const [id, v] of Object.entries(json as Record<string, unknown>)) {
    const n = typeof v === 'string' && (v.trim() === '0' || v.trim() === '1') ? Number(v) : v;
    if (n !== 0 && n !== 1) throw new Error(`prediction for id ${JSON.stringify(id)} is ${JSON.stringify(v)}, expected 0 or 1`);
    out.set(id, n);
  }
  return out;
}
