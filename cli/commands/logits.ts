// `logits --model DIR --features FEATURES.jsonl --out OUT.json`: start/end logits of every window
// (dropout off) and, when every window carries labels, the mean QA loss.
import { readFile, writeFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { intOption, parseArgs, required } from '../args.js';
import { backendOption, parseThreads, startBackend } from '../backend.js';
import { readModelDir } from '../model-io.js';
import { consecutiveRows, padBatch, type FixedRows } from '../../src/core/features/index.js';
import {
  type BertConfig,
  BertForQuestionAnswering,
  batchFromArrays,
  disposeBatch,
  formatLoadReport,
  loadModelFiles,
  qaLoss,
} from '../../src/core/model/index.js';

interface FeatureLine {
  input_ids: number[];
  token_type_ids: number[];
  attention_mask: number[];
  start_position?: number;
  end_position?: number;
}

function intArray(value: unknown, field: string, where: string): number[] {
  if (!Array.isArray(value) || !value.every((v) => Number.isInteger(v))) throw new Error(`${where}: ${field} must be an array of integers`);
  return value as number[];
}

export function parseFeatures(text: string, config: BertConfig): FeatureLine[] {
  const features: FeatureLine[] = [];
  let length = -1;
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `line ${i + 1}`;
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`${where}: not valid JSON`);
    }
    const f: FeatureLine = {
      input_ids: intArray(obj.input_ids, 'input_ids', where),
      token_type_ids: intArray(obj.token_type_ids, 'token_type_ids', where),
      attention_mask: intArray(obj.attention_mask, 'attention_mask', where),
    };
    if (length < 0) length = f.input_ids.length;
    for (const key of ['input_ids', 'token_type_ids', 'attention_mask'] as const) {
      if (f[key].length !== length) throw new Error(`${where}: ${key} has ${f[key].length} tokens, expected ${length} like the first line`);
    }
    if (length > config.max_position_embeddings) throw new Error(`${where}: ${length} tokens exceed max_position_embeddings ${config.max_position_embeddings}`);
    const badId = f.input_ids.find((id) => id < 0 || id >= config.vocab_size);
    if (badId !== undefined) throw new Error(`${where}: input id ${badId} is outside the vocabulary (vocab_size ${config.vocab_size})`);
    const badType = f.token_type_ids.find((t) => t < 0 || t >= config.type_vocab_size);
    if (badType !== undefined) throw new Error(`${where}: token type ${badType} is outside [0, ${config.type_vocab_size})`);
    if (Number.isInteger(obj.start_position) && Number.isInteger(obj.end_position)) {
      f.start_position = obj.start_position as number;
      f.end_position = obj.end_position as number;
    }
    features.push(f);
  });
  if (features.length === 0) throw new Error('the features file holds no windows');
  return features;
}

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args);
  const modelDir = required(p, 'model');
  const featuresPath = required(p, 'features');
  const out = required(p, 'out');
  const batchSize = intOption(p, 'batch-size', 8);
  if (batchSize < 1) throw new Error('--batch-size must be at least 1');
  const backendFlag = backendOption(p.values.get('backend'));
  const threads = parseThreads(p.values.get('threads'));

  const loaded = loadModelFiles(await readModelDir(modelDir), { strict: true });
  if (loaded.report.initializedHead.length || loaded.report.ignored.length || loaded.report.unexpected.length) {
    console.error(formatLoadReport(loaded.report));
  }
  const features = parseFeatures(await readFile(featuresPath, 'utf8'), loaded.config);
  const backend = await startBackend(backendFlag, threads);
  const model = new BertForQuestionAnswering(loaded.config, loaded.params);
  const L = features[0].input_ids.length;
  const windows: FixedRows = {
    count: features.length,
    length: L,
    inputIds: features.flatMap((f) => f.input_ids),
    tokenTypeIds: features.flatMap((f) => f.token_type_ids),
    attentionMask: features.flatMap((f) => f.attention_mask),
  };
  const labelled = features.every((f) => f.start_position !== undefined);
  const startLogits: number[][] = [];
  const endLogits: number[][] = [];
  let lossSum = 0;

  for (let first = 0; first < features.length; first += batchSize) {
    const rows = features.slice(first, first + batchSize);
    // Every batch has the same shape (B, L): the last one is filled with padding rows.
    const p = padBatch(windows, consecutiveRows(first, rows.length), { padId: loaded.config.pad_token_id, batchRows: batchSize });
    const batch = batchFromArrays(p.rows, p.length, p.inputIds, p.tokenTypeIds, p.attentionMask);
    const logits = model.forward(batch, { training: false });
    const [s, e] = await Promise.all([logits.startLogits.array(), logits.endLogits.array()]);
    startLogits.push(...s.slice(0, rows.length));
    endLogits.push(...e.slice(0, rows.length));
    if (labelled) {
      const loss = tf.tidy(() => {
        const real = { startLogits: logits.startLogits.slice([0, 0], [rows.length, L]), endLogits: logits.endLogits.slice([0, 0], [rows.length, L]) };
        return qaLoss(real, tf.tensor1d(rows.map((f) => f.start_position!), 'int32'), tf.tensor1d(rows.map((f) => f.end_position!), 'int32'));
      });
      lossSum += (await loss.data())[0] * rows.length;
      loss.dispose();
    }
    tf.dispose([logits.startLogits, logits.endLogits]);
    disposeBatch(batch);
  }
  model.dispose();
  const loss = labelled ? lossSum / features.length : null;
  await writeFile(out, JSON.stringify({ start_logits: startLogits, end_logits: endLogits, loss }));
  console.log(JSON.stringify({ out, features: features.length, seq_length: L, backend, loss }));
  return 0;
}
