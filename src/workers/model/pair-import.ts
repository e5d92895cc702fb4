// A Hugging Face Trainer output folder of a sentence-pair (MRPC) run, brought back as its classifier for
// Evaluate and the Playground and as a run (same id) with the Trainer's curves and evaluations.
import type { TrainerLog } from '../../core/export/index.js';
import { loadModelFiles, type ModelFiles } from '../../core/model/index.js';
import { MRPC_LABELS, mrpcTask } from '../../core/tasks/mrpc/index.js';
import { StudioError } from '../protocol.js';
import type { PairRun } from '../pair-api.js';
import { deletePairModel, savePairModel } from './pair.js';
import { newModelId } from './registry.js';
import { storeTrainerRun } from './train-import.js';

const decoder = new TextDecoder();

function lowercaseOf(files: ModelFiles): boolean {
  const tc = files.get('tokenizer_config.json');
  if (!tc) return true;
  try {
    const v = (JSON.parse(decoder.decode(tc)) as { do_lower_case?: unknown }).do_lower_case;
    return typeof v === 'boolean' ? v : true;
  } catch {
    throw new StudioError('invalid-input', 'tokenizer_config.json in the folder is not valid JSON.');
  }
}

/** Stores the folder's classifier and curves as a pair run; errors name the file that is missing or wrong. */
export async function importPairRun(files: ModelFiles, log: TrainerLog, runConfig: Record<string, any> | null, name: string): Promise<PairRun> {
  const vocabBytes = files.get('vocab.txt');
  if (!vocabBytes) throw new StudioError('invalid-input', 'The folder has no vocab.txt: the sentence-pair run needs its tokenizer (the exported train.py saves it next to the model).');
  let loaded;
  try {
    loaded = loadModelFiles(files, { headFor: (c) => mrpcTask.headSpecs(c) });
  } catch (err) {
    throw new StudioError('invalid-input', `Could not load the folder's sequence classifier: ${err instanceof Error ? err.message : String(err)}`);
  }
  const id2label = loaded.configJson.id2label;
  const numLabels = id2label && typeof id2label === 'object' ? Object.keys(id2label).length : (loaded.configJson.num_labels as number | undefined) ?? 2;
  if (numLabels !== MRPC_LABELS.length) throw new StudioError('invalid-input', `config.json has ${numLabels} labels; a sentence-pair (MRPC) run has ${MRPC_LABELS.length} (${MRPC_LABELS.join(', ')}).`);
  const vocab = decoder.decode(vocabBytes);
  const lowercase = lowercaseOf(files);
  const h = (runConfig?.hyperparameters ?? {}) as Record<string, unknown>;
  const data = (runConfig?.data ?? {}) as Record<string, any>;
  const n = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
  const last = log.steps[log.steps.length - 1];
  const run: PairRun = {
    id: `run-${newModelId()}`,
    label: `${name} (Trainer, step ${log.globalStep})`,
    setup: {
      trainPairsId: '',
      evalPairsId: null,
      modelId: '',
      init: 'weights',
      maxLength: n(data.tokenization?.max_length, loaded.config.max_position_embeddings),
      learningRate: n(h.learning_rate, 0),
      batchSize: n(h.per_device_train_batch_size, log.trainBatchSize ?? 1),
      epochs: n(h.num_train_epochs, Math.max(1, Math.ceil(log.epochs || last.epoch))),
      maxSteps: n(h.max_steps, 0),
      seed: n(h.seed, 0),
      groupByLength: h.group_by_length === true,
      evalEvery: n(h.eval_steps, 0),
    },
    modelLabel: typeof runConfig?.model?.source === 'string' ? runConfig.model.source : name,
    config: loaded.config,
    trainName: typeof data.train?.source === 'string' ? data.train.source : 'data of the Trainer run',
    evalName: typeof data.eval?.source === 'string' ? data.eval.source : null,
    status: 'completed',
    reason: `Trained with Hugging Face Trainer${log.runtimeSeconds !== null ? ` in ${log.runtimeSeconds.toFixed(0)} s` : ''}; imported from its output folder.`,
    step: log.globalStep,
    totalSteps: Math.max(log.maxSteps, log.globalStep),
    pairs: n(data.train?.rows, 0),
    truncated: n(data.tokenization?.truncated_train_pairs, 0),
    // Trainer does not log padding; zero real tokens tells the run view so.
    padding: { realTokens: 0, fixed: 0, dynamic: 0, grouped: 0 },
    evals: log.evals.flatMap((e) => (e.accuracy !== null && e.f1 !== null ? [{ step: e.step, accuracy: e.accuracy, f1: e.f1 }] : [])),
    backend: 'Hugging Face Trainer',
    createdAt: Date.now(),
  };
  await savePairModel(run, loaded.params, vocab, lowercase);
  try {
    await storeTrainerRun({ runId: run.id, task: 'mrpc', label: run.label, modelId: run.id, modelLabel: run.modelLabel, config: loaded.config, vocab, lowercase, reason: run.reason! }, log, runConfig);
  } catch (err) {
    // Nothing half-written: a classifier whose run could not be stored is removed again.
    await deletePairModel(run.id).catch(() => undefined);
    throw err;
  }
  return run;
}
