import type { FeatureBatch } from '../features/index.js';
import { type TypedTensor, writeSafetensorsTyped } from '../model/pure.js';
import { indexMap } from '../util/codepoints.js';
import { QA_TASK_PY } from './python/qa-py.js';
import type { ProjectFiles, TrainerExportTask } from './task.js';

export interface QaExportSplit {
  features: FeatureBatch;
  /** Where the split came from, for the README. */
  source: string;
}

export interface QaEvalSplit extends QaExportSplit {
  /** Every gold answer text by question id (the metric takes the best); the first answer is used when absent. */
  answers?: ReadonlyMap<string, readonly string[]>;
}

const encoder = new TextEncoder();

/** The columns both splits share: the windows exactly as featurized, with their fully-inside labels. */
function windowTensors(f: FeatureBatch): Map<string, TypedTensor> {
  const { count: n, length: L } = f;
  return new Map<string, TypedTensor>([
    ['input_ids', { dtype: 'I32', shape: [n, L], data: f.inputIds }],
    ['token_type_ids', { dtype: 'U8', shape: [n, L], data: f.tokenTypeIds }],
    ['attention_mask', { dtype: 'U8', shape: [n, L], data: f.attentionMask }],
    ['start_positions', { dtype: 'I32', shape: [n], data: f.startPositions }],
    ['end_positions', { dtype: 'I32', shape: [n], data: f.endPositions }],
  ]);
}

/**
 * Context offsets of every token in Unicode code points (Python string indices), -1 elsewhere:
 * the studio keeps UTF-16 offsets, Python slices by code point.
 */
export function codePointOffsets(f: FeatureBatch): Int32Array {
  const out = new Int32Array(f.offsets.length).fill(-1);
  const L = f.length;
  for (let w = 0; w < f.count; w++) {
    const ex = f.examples[f.exampleIndex[w]];
    const map = indexMap(f.contexts[ex.contextIndex]);
    for (let t = 0; t < L; t++) {
      const p = 2 * (w * L + t);
      if (f.sequenceIds[w * L + t] !== 1 || f.offsets[p] < 0) continue;
      out[p] = map.toCodePoint(f.offsets[p]);
      out[p + 1] = map.toCodePoint(f.offsets[p + 1]);
    }
  }
  return out;
}

/** The QA task of an exported project: train (and eval) windows tokenized by the studio. */
export function qaExportTask(train: QaExportSplit, evalSplit: QaEvalSplit | null): TrainerExportTask {
  if (train.features.mode !== 'train') throw new Error('the training split must be featurized in train mode');
  const files: ProjectFiles = new Map();
  files.set('data/train.safetensors', writeSafetensorsTyped(windowTensors(train.features), { format: 'pt', task: 'extractive-qa', split: 'train' }));
  const dataConfig: Record<string, unknown> = {};
  if (evalSplit) {
    const f = evalSplit.features;
    if (f.length !== train.features.length) throw new Error(`eval windows have ${f.length} tokens, training windows ${train.features.length}`);
    const tensors = windowTensors(f);
    tensors.set('offsets', { dtype: 'I32', shape: [f.count, f.length, 2], data: codePointOffsets(f) });
    tensors.set('example_index', { dtype: 'I32', shape: [f.count], data: f.exampleIndex });
    files.set('data/eval.safetensors', writeSafetensorsTyped(tensors, { format: 'pt', task: 'extractive-qa', split: 'eval' }));
    const examples = f.examples.map((ex) => ({
      id: ex.id,
      context: f.contexts[ex.contextIndex],
      answers: [...(evalSplit.answers?.get(ex.id) ?? (ex.answerText !== null ? [ex.answerText] : []))],
    }));
    files.set('data/eval_examples.json', encoder.encode(JSON.stringify(examples)));
    dataConfig.eval_examples = 'data/eval_examples.json';
  }
  const split = (s: QaExportSplit) => ({ source: s.source, examples: s.features.examples.length, rows: s.features.count });
  return {
    id: 'extractive-qa',
    title: 'Extractive question answering (SQuAD v1.1)',
    autoModelClass: 'AutoModelForQuestionAnswering',
    pythonModule: QA_TASK_PY,
    dataFiles: files,
    trainFile: 'data/train.safetensors',
    evalFile: evalSplit ? 'data/eval.safetensors' : null,
    dataConfig,
    train: split(train),
    eval: evalSplit ? split(evalSplit) : null,
    metrics: ['exact_match', 'f1'],
    tokenization: { max_length: train.features.length, stride: train.features.stride, truncation: 'only_second', labels: 'fully-inside' },
    dataReadme:
      '`data/train.safetensors` holds one row per window: `input_ids`, `token_type_ids`, `attention_mask` `[windows, max_length]` ' +
      'and the fully-inside labels `start_positions`, `end_positions`. `data/eval.safetensors` adds `offsets` `[windows, max_length, 2]` ' +
      '(character spans of context tokens in the context, in code points as Python indexes strings; -1 elsewhere) and `example_index`, ' +
      'the row of `data/eval_examples.json` (id, context, gold answers) each window belongs to. Evaluation pairs the 20 best start and ' +
      'end positions of every window, keeps spans of at most 30 tokens inside the context, takes the best start + end logit, and scores ' +
      'the answers with the official SQuAD v1.1 exact match and F1.',
  };
}
