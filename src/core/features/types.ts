export type FeatureMode = 'train' | 'eval';

export interface FeatureSettings {
  /** Tokens per window, specials and padding included (L). */
  maxLength: number;
  /** Context tokens shared by consecutive windows (S), not the step. */
  stride: number;
  /** The model's position-embedding count, when known: maxLength may not exceed it. */
  maxPositionEmbeddings?: number;
}

/** One question to featurize against a paragraph. Offsets and spans are UTF-16 indices. */
export interface QuestionInput {
  id: string;
  question: string;
  /** Gold answer for training labels and the audit; start indexes the context in UTF-16 units. */
  answer?: { text: string; start: number };
}

export interface ParagraphInput {
  context: string;
  questions: QuestionInput[];
}

/** What the batch keeps of each example; the context lives once in `contexts`. */
export interface FeatureExample {
  id: string;
  /** The question as tokenized (surrounding whitespace stripped); question offsets index it. */
  question: string;
  contextIndex: number;
  /** Answer span [start, end) in UTF-16 units of the context, or null when none was given. */
  answerStart: number | null;
  answerEnd: number | null;
  answerText: string | null;
}

/**
 * Windows of many examples as flat typed arrays, ready to store or to transfer to a worker.
 * Window w's tokens sit at [w * length, (w + 1) * length).
 */
export interface FeatureBatch {
  mode: FeatureMode;
  length: number;
  stride: number;
  count: number;
  inputIds: Int32Array;
  tokenTypeIds: Uint8Array;
  attentionMask: Uint8Array;
  /** 0 question, 1 context, -1 special or padding. */
  sequenceIds: Int8Array;
  /**
   * [start, end) UTF-16 spans, two entries per token; -1 for specials and padding, and in eval mode
   * also for question tokens (only context offsets are kept there).
   */
  offsets: Int32Array;
  /** Fully-inside labels; 0 ([CLS]) when the answer is not wholly in the window or absent. */
  startPositions: Int32Array;
  endPositions: Int32Array;
  exampleIndex: Int32Array;
  examples: FeatureExample[];
  contexts: string[];
}

export type LabelRule = 'fully-inside' | 'partial-overlap';

export interface SpanLabel {
  start: number;
  end: number;
}

/** One window as plain arrays, for display. Offsets are UTF-16 spans of the question or context. */
export interface FeatureWindow {
  index: number;
  exampleIndex: number;
  exampleId: string;
  /** Position of this window among its example's windows. */
  windowInExample: number;
  inputIds: number[];
  tokenTypeIds: number[];
  attentionMask: number[];
  sequenceIds: (0 | 1 | null)[];
  offsets: ([number, number] | null)[];
  startPosition: number;
  endPosition: number;
  /** The label the partial-overlap tutorial rule would give, for comparison. */
  partialOverlap: SpanLabel;
}
