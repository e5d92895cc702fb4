import * as tf from '@tensorflow/tfjs';
import type { FeatureBatch, ParagraphInput } from '../features/index.js';
import { FeatureBuilder, consecutiveRows, padBatch } from '../features/index.js';
import { type BertForQuestionAnswering, batchFromArrays, disposeBatch, type QaLogits } from '../model/index.js';
import type { BertTokenizer } from '../tokenizer/index.js';

/** What inference needs of a model; the class itself, or anything that forwards like it. */
export type QaModel = Pick<BertForQuestionAnswering, 'config' | 'forward'>;

export type ProgressCallback = (done: number, total: number) => void;

export interface InferenceOptions {
  /** Rows per forward pass; every pass has exactly this many (the last one is padded). */
  batchSize: number;
  signal?: AbortSignal;
  /** Called with (windows done, windows in all) before the first batch and after each one. */
  onProgress?: ProgressCallback;
}

/**
 * Receives the logits of windows [first, first + rows) of the feature batch; row r of the two
 * arrays lies at [r * L, (r + 1) * L). The arrays belong to the receiver (fresh per batch).
 */
export type RowsHandler = (first: number, rows: number, startLogits: Float32Array, endLogits: Float32Array) => void;

/** Lets the Worker's message loop (and an abort) in between batches. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  throw signal.reason instanceof Error ? signal.reason : new DOMException('The operation was aborted', 'AbortError');
}

export function checkPositiveInt(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
}

/**
 * Featurizes paragraphs in eval mode, yielding now and then so a Worker stays responsive over a
 * large dataset, and checks the tokens against the model's vocabulary.
 */
export async function featurizeForModel(
  model: QaModel,
  tokenizer: BertTokenizer,
  paragraphs: Iterable<ParagraphInput>,
  settings: { maxLength: number; stride: number },
  signal?: AbortSignal,
): Promise<FeatureBatch> {
  throwIfAborted(signal);
  const builder = new FeatureBuilder(
    tokenizer,
    { ...settings, maxPositionEmbeddings: model.config.max_position_embeddings },
    'eval',
  );
  let lastYield = Date.now();
  for (const p of paragraphs) {
    builder.addParagraph(p);
    if (Date.now() - lastYield > 50) {
      await yieldToEventLoop();
      throwIfAborted(signal);
      lastYield = Date.now();
    }
  }
  const features = builder.finish();
  const vocab = model.config.vocab_size;
  for (let i = 0; i < features.inputIds.length; i++) {
    if (features.inputIds[i] >= vocab)
      throw new Error(`the tokenizer produced id ${features.inputIds[i]}, outside the model's vocabulary (vocab_size ${vocab}): wrong vocab file?`);
  }
  return features;
}

/**
 * Runs every window of `features` through the model with dropout off, in passes of a fixed shape
 * [batchSize, L] (so WebGPU compiles its shaders once); the padding rows of the last pass are
 * never reported. Each pass's tensors are freed as soon as its logits are on the host.
 */
export async function runWindows(model: QaModel, features: FeatureBatch, options: InferenceOptions, onRows: RowsHandler): Promise<void> {
  const { batchSize: B, signal, onProgress } = options;
  checkPositiveInt('batchSize', B);
  const total = features.count;
  onProgress?.(0, total);
  for (let first = 0; first < total; first += B) {
    throwIfAborted(signal);
    const rows = Math.min(B, total - first);
    const p = padBatch(features, consecutiveRows(first, rows), { padId: model.config.pad_token_id, batchRows: B });
    const batch = batchFromArrays(p.rows, p.length, p.inputIds, p.tokenTypeIds, p.attentionMask);
    let logits: QaLogits | undefined;
    try {
      logits = model.forward(batch, { training: false });
      const [start, end] = await Promise.all([logits.startLogits.data(), logits.endLogits.data()]);
      onRows(first, rows, start as Float32Array, end as Float32Array);
    } finally {
      disposeBatch(batch);
      if (logits) tf.dispose([logits.startLogits, logits.endLogits]);
    }
    onProgress?.(first + rows, total);
    await yieldToEventLoop();
  }
  throwIfAborted(signal);
}

/** Offsets of window w in the shape post-processing takes: [start, end) for context tokens, else null. */
export function windowOffsets(features: FeatureBatch, w: number): ([number, number] | null)[] {
  const L = features.length;
  const out: ([number, number] | null)[] = new Array(L);
  for (let i = 0, o = 2 * w * L; i < L; i++, o += 2) {
    const s = features.offsets[o];
    out[i] = s < 0 ? null : [s, features.offsets[o + 1]];
  }
  return out;
}
