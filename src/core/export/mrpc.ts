import { type TypedTensor, writeSafetensorsTyped } from '../model/pure.js';
import type { PairFeatures } from '../tasks/mrpc/featurize.js';
import { MRPC_LABELS } from '../tasks/mrpc/types.js';
import { MRPC_TASK_PY } from './python/mrpc-py.js';
import type { ProjectFiles, TrainerExportTask } from './task.js';

export interface MrpcExportSplit {
  features: PairFeatures;
  /** Where the split came from, for the README. */
  source: string;
}

const encoder = new TextEncoder();

/**
 * The pairs exactly as featurized, unpadded: token columns flat over all rows, cut by `row_start`
 * (row r is row_start[r] .. row_start[r + 1] - 1), and one label per row. Python pads each batch.
 */
function pairTensors(f: PairFeatures, what: string): Map<string, TypedTensor> {
  const unlabelled = f.labels.findIndex((l) => l < 0);
  if (unlabelled >= 0) throw new Error(`${what} row ${f.ids[unlabelled]} has no label: an exported run needs label 0/1 on every pair`);
  const tokens = f.rowStart[f.count];
  return new Map<string, TypedTensor>([
    ['input_ids', { dtype: 'I32', shape: [tokens], data: f.inputIds }],
    ['token_type_ids', { dtype: 'U8', shape: [tokens], data: Uint8Array.from(f.tokenTypeIds) }],
    ['attention_mask', { dtype: 'U8', shape: [tokens], data: new Uint8Array(tokens).fill(1) }],
    ['row_start', { dtype: 'I32', shape: [f.count + 1], data: f.rowStart }],
    ['labels', { dtype: 'I32', shape: [f.count], data: f.labels }],
  ]);
}

/** The MRPC task of an exported project: train (and eval) pairs tokenized by the studio, padded per batch in Python. */
export function mrpcExportTask(train: MrpcExportSplit, evalSplit: MrpcExportSplit | null, padTokenId: number): TrainerExportTask {
  const files: ProjectFiles = new Map();
  files.set('data/train.safetensors', writeSafetensorsTyped(pairTensors(train.features, 'training'), { format: 'pt', task: 'mrpc', split: 'train' }));
  const dataConfig: Record<string, unknown> = {};
  if (evalSplit) {
    if (evalSplit.features.maxLength !== train.features.maxLength) {
      throw new Error(`eval pairs were tokenized with max_length ${evalSplit.features.maxLength}, training pairs with ${train.features.maxLength}`);
    }
    files.set('data/eval.safetensors', writeSafetensorsTyped(pairTensors(evalSplit.features, 'evaluation'), { format: 'pt', task: 'mrpc', split: 'eval' }));
    files.set('data/eval_ids.json', encoder.encode(JSON.stringify(evalSplit.features.ids)));
    dataConfig.eval_ids = 'data/eval_ids.json';
  }
  const split = (s: MrpcExportSplit) => ({ source: s.source, examples: s.features.count, rows: s.features.count });
  return {
    id: 'mrpc',
    title: 'Sentence-pair classification (GLUE MRPC)',
    autoModelClass: 'AutoModelForSequenceClassification',
    pythonModule: MRPC_TASK_PY,
    dataFiles: files,
    trainFile: 'data/train.safetensors',
    evalFile: evalSplit ? 'data/eval.safetensors' : null,
    dataConfig,
    train: split(train),
    eval: evalSplit ? split(evalSplit) : null,
    trainLengths: train.features.lengths,
    metrics: ['accuracy', 'f1'],
    tokenization: {
      max_length: train.features.maxLength,
      truncation: 'longest_first',
      padding: 'dynamic (DataCollatorWithPadding, right)',
      pad_token_id: padTokenId,
      labels: [...MRPC_LABELS],
      truncated_train_pairs: train.features.truncated,
    },
    dataReadme:
      '`data/train.safetensors` holds the pairs `[CLS] sentence1 [SEP] sentence2 [SEP]` unpadded: `input_ids`, `token_type_ids` and ' +
      '`attention_mask` are flat over all pairs, `row_start` `[pairs + 1]` cuts them (pair r is tokens `row_start[r]` to `row_start[r+1] - 1`), ' +
      'and `labels` `[pairs]` holds 1 (equivalent) or 0 (not equivalent). `DataCollatorWithPadding` pads each batch to its longest pair, as the ' +
      'studio does. `data/eval.safetensors` has the same columns for the evaluation pairs, and `data/eval_ids.json` their ids. Evaluation takes ' +
      "the argmax of the two logits and reports glue/mrpc's accuracy and F1 of the label 1, as fractions.",
  };
}
