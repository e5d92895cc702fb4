import { zipSync } from 'fflate';
import { epochOrder } from '../features/batcher.js';
import type { BertConfig } from '../model/pure.js';
import { writeSafetensorsTyped } from '../model/pure.js';
import type { TrainOptions } from '../train/index.js';
import { SeededRng, stepsPerEpoch, totalTrainingSteps, warmupSteps } from '../train/pure.js';
import { TRAIN_PY } from './python/train-py.js';
import type { ProjectFiles, TrainerExportTask } from './task.js';

export const EXPORT_FORMAT = 'bert-studio-trainer-export/1';

export interface TrainerExportSpec {
  task: TrainerExportTask;
  options: Omit<TrainOptions, 'nonFinitePatience'> & { nonFinitePatience?: number };
  /** Evaluate every N optimizer steps, or at each epoch's end when 0 (the run loop's cadence). */
  evalEvery: number;
  config: BertConfig;
  /**
   * Starting weights: the model folder's files (config.json, model.safetensors, tokenizer files) copied
   * into model/, or null to start from `hubId`.
   */
  modelFiles: ProjectFiles | null;
  /** Hub id of the starting model, when it came from the Hub. */
  hubId: string | null;
  /** Where the starting model came from, in words. */
  modelSource: string;
}

const encoder = new TextEncoder();

/**
 * The studio's data order: the row order of every epoch the run will start (a permutation drawn from
 * the same seeded generator as the studio's Trainer when it shuffles, then grouped by length when
 * asked), so the exported run visits the rows in the same order.
 */
export function trainOrder(
  rows: number,
  options: Pick<TrainOptions, 'seed' | 'batchSize' | 'gradAccumSteps' | 'epochs' | 'maxSteps' | 'shuffle' | 'groupByLength'>,
  lengths?: ArrayLike<number>,
): Int32Array {
  const epochs = Math.ceil(totalTrainingSteps(rows, options) / stepsPerEpoch(rows, options.batchSize, options.gradAccumSteps));
  const rng = new SeededRng(options.seed);
  const out = new Int32Array(epochs * rows);
  for (let e = 0; e < epochs; e++) {
    out.set(epochOrder(rng, rows, options, lengths), e * rows);
  }
  return out;
}

/** Whether the run's order is one train.py must be given: shuffled, or grouped by length. */
function needsOrder(spec: TrainerExportSpec): boolean {
  return spec.options.shuffle || (!!spec.options.groupByLength && !!spec.task.trainLengths);
}

/** The numbers an exported project reproduces, in TrainingArguments' names. */
export function trainerHyperparameters(spec: TrainerExportSpec): Record<string, unknown> {
  const o = spec.options;
  return {
    learning_rate: o.learningRate,
    lr_scheduler_type: 'linear',
    warmup_ratio: o.warmupRatio,
    weight_decay: o.weightDecay,
    weight_decay_excludes: ['bias', 'LayerNorm'],
    max_grad_norm: o.maxGradNorm,
    per_device_train_batch_size: o.batchSize,
    gradient_accumulation_steps: o.gradAccumSteps,
    num_train_epochs: o.epochs,
    max_steps: o.maxSteps,
    seed: o.seed,
    adam_beta1: o.beta1,
    adam_beta2: o.beta2,
    adam_epsilon: o.eps,
    dropout: o.dropout,
    shuffle: o.shuffle,
    group_by_length: !!o.groupByLength,
    eval_strategy: spec.evalEvery > 0 ? 'steps' : 'epoch',
    eval_steps: spec.evalEvery,
  };
}

export function runConfig(spec: TrainerExportSpec): Record<string, unknown> {
  const { task, config, options } = spec;
  if (!spec.modelFiles && !spec.hubId) throw new Error('an exported run needs its starting weights: a model folder or a Hub id');
  const total = totalTrainingSteps(task.train.rows, options);
  return {
    format: EXPORT_FORMAT,
    task: task.id,
    model: {
      path: spec.modelFiles ? 'model' : null,
      hub_id: spec.hubId,
      source: spec.modelSource,
      auto_class: task.autoModelClass,
      dropout: { hidden_dropout_prob: config.hidden_dropout_prob, attention_probs_dropout_prob: config.attention_probs_dropout_prob },
    },
    hyperparameters: trainerHyperparameters(spec),
    data: { train_file: task.trainFile, train_order: needsOrder(spec) ? 'data/train_order.safetensors' : null, eval_file: task.evalFile, ...task.dataConfig, train: task.train, eval: task.eval, tokenization: task.tokenization },
    studio: { total_steps: total, warmup_steps: warmupSteps(options.warmupRatio, total), metrics: task.metrics },
  };
}

/** Major versions the project was written against. */
export const REQUIREMENTS = ['torch>=2.1,<3', 'transformers>=5,<6', 'accelerate>=1,<2', 'safetensors>=0.4,<1', 'numpy>=1.24,<3'];

const LAUNCH_SH = `#!/usr/bin/env bash
# Runs the exported training: every GPU this machine has, or the CPU when there is none.
# Usage: ./launch.sh [OUTPUT_DIR] [extra train.py options]
set -euo pipefail
cd "$(dirname "$0")"
OUT="\${1:-out}"
shift || true
GPUS=$(python3 -c 'import torch; print(torch.cuda.device_count())')
if [ "$GPUS" -gt 1 ]; then
  exec accelerate launch --num_processes "$GPUS" train.py --output_dir "$OUT" "$@"
else
  exec python3 train.py --output_dir "$OUT" "$@"
fi
`;

export function projectReadme(spec: TrainerExportSpec, cfg: Record<string, unknown>): string {
  const { task, options: o } = spec;
  const studio = cfg.studio as { total_steps: number; warmup_steps: number };
  const steps = o.maxSteps > 0 ? `${o.maxSteps} optimizer steps` : `${o.epochs} epoch(s)`;
  const rows = (s: { source: string; examples: number; rows: number }) => `${s.examples} examples, ${s.rows} rows, from ${s.source}`;
  const evalMetrics = task.metrics.map((m) => `\`eval_${m}\``).join(', ');
  return `# ${task.title}: a BERT Studio run for Hugging Face Trainer

Exported from BERT Studio. \`train.py\` fine-tunes with \`transformers.Trainer\` exactly as the studio's
run was set up, on data the studio already tokenized, so the same run can continue on one GPU, many
GPUs or the CPU.

## What is in here
- \`train.py\`: the Trainer set-up (task-independent); \`task.py\`: ${task.autoModelClass}, the data columns, post-processing and metric.
- \`run_config.json\`: every setting below, read by \`train.py\`.
- ${spec.modelFiles ? '`model/`: the starting weights exactly as the studio started (config.json, model.safetensors, tokenizer files).' : `Starting weights: \`${spec.hubId}\` from the Hugging Face Hub (downloaded on first run).`}
- \`data/\`: ${task.dataReadme}
- \`requirements.txt\`, \`launch.sh\`.

Training data: ${rows(task.train)}.${task.eval ? ` Evaluation data: ${rows(task.eval)}.` : ' No evaluation data.'}

## Settings
| setting | value |
|---|---|
| model | ${spec.modelSource} |
| learning rate | ${o.learningRate}, linear warmup (ratio ${o.warmupRatio}: ${studio.warmup_steps} step${studio.warmup_steps === 1 ? '' : 's'} on one device) then linear decay to 0 |
| batch | ${o.batchSize} per device x ${o.gradAccumSteps} accumulation steps |
| length | ${steps} (${studio.total_steps} steps on one device) |
| AdamW | betas ${o.beta1}, ${o.beta2}, eps ${o.eps}, weight decay ${o.weightDecay} (not on biases and LayerNorm) |
| gradient clipping | global norm ${o.maxGradNorm}${o.maxGradNorm === 0 ? ' (off)' : ''} |
| dropout | ${o.dropout ? "on (the model config's rates)" : 'off'} |
| data order | ${o.shuffle ? `shuffled every epoch exactly as the studio shuffled (seed ${o.seed}; \`data/train_order.safetensors\`)` : 'dataset order (sequential sampler)'}${o.groupByLength && task.trainLengths ? `, grouped by length as Trainer's \`group_by_length\` (the studio's grouping is in \`data/train_order.safetensors\`)` : ''} |
| seed | ${o.seed} |
| evaluation | ${task.eval ? (spec.evalEvery > 0 ? `every ${spec.evalEvery} steps and at the end` : 'at the end of every epoch') : 'none'} |
| logging | every step (\`logging_steps=1\`) |

## Run it
\`\`\`sh
pip install -r requirements.txt
python3 train.py --output_dir out            # one GPU, or the CPU when there is none
./launch.sh out                               # every GPU of this machine, or one / the CPU
accelerate launch --num_processes 4 train.py --output_dir out    # 4 GPUs with Accelerate
torchrun --nproc_per_node 4 train.py --output_dir out            # 4 GPUs with torchrun
python3 train.py --output_dir out --cpu      # force the CPU
torchrun --nproc_per_node 2 train.py --output_dir out --cpu      # 2 CPU processes (gloo)
\`\`\`
With N devices each takes ${o.batchSize} rows per micro-batch, so a step sees N x ${o.batchSize} x ${o.gradAccumSteps} rows${o.maxSteps > 0 ? '' : ' and there are about N times fewer steps'}; divide \`per_device_train_batch_size\` or \`gradient_accumulation_steps\` in
\`run_config.json\` by N to keep the studio's effective batch. \`--bf16\` / \`--fp16\` use mixed precision on GPUs
(faster, slightly different numbers); \`--max_steps N\` stops early; \`--model PATH_OR_HUB_ID\` starts from other weights.

With one device, fp32 and dropout off, the per-step losses match the studio's to about 1e-3 (the data order is the
studio's; the loss is the mean over a micro-batch's rows, averaged over the step's micro-batches, as in the studio).
With dropout on, the random masks differ from the browser's, so curves agree statistically, not step by step.

## What comes out
In the output directory:
- \`model.safetensors\`, \`config.json\` and the tokenizer files: a Hugging Face model folder that BERT Studio's
  Model panel, \`from_pretrained\` and the Hub take as is.
- \`trainer_state.json\`: \`log_history\` with \`loss\`, \`learning_rate\`, \`grad_norm\` and \`epoch\` for every step${task.eval ? `, and \`eval_loss\`, ${evalMetrics} at each evaluation` : ''}.
  Open the folder in the studio's Model panel to see these curves beside the browser runs.
- \`run_config.json\`: the settings of this run${task.eval ? `; \`predictions.json\`: the last evaluation's ${task.id === 'extractive-qa' ? 'answers `{id: text}`' : 'labels `{id: label}`'}` : ''}.
`;
}

/** Every file of the exported project, by path relative to its root. */
export function buildTrainerProject(spec: TrainerExportSpec): ProjectFiles {
  const cfg = runConfig(spec);
  const files: ProjectFiles = new Map();
  files.set('train.py', encoder.encode(TRAIN_PY));
  files.set('task.py', encoder.encode(spec.task.pythonModule));
  files.set('run_config.json', encoder.encode(`${JSON.stringify(cfg, null, 2)}\n`));
  files.set('requirements.txt', encoder.encode(`${REQUIREMENTS.join('\n')}\n`));
  files.set('launch.sh', encoder.encode(LAUNCH_SH));
  files.set('README.md', encoder.encode(projectReadme(spec, cfg)));
  for (const [path, bytes] of spec.task.dataFiles) files.set(path, bytes);
  if (needsOrder(spec)) {
    const rows = spec.task.train.rows;
    const order = trainOrder(rows, spec.options, spec.task.trainLengths);
    files.set('data/train_order.safetensors', writeSafetensorsTyped(new Map([['order', { dtype: 'I32', shape: [order.length / rows, rows], data: order }]]), { format: 'pt' }));
  }
  if (spec.modelFiles) for (const [name, bytes] of spec.modelFiles) files.set(`model/${name}`, bytes);
  return files;
}

/** The project as one zip under `folder/`; binary files stored, text deflated. launch.sh keeps its execute bit. */
export function zipProject(files: ProjectFiles, folder: string): Uint8Array {
  const entries: Record<string, [Uint8Array, { level: 0 | 6; os?: number; attrs?: number }]> = {};
  for (const [path, bytes] of files) {
    const binary = path.endsWith('.safetensors') || path.endsWith('.bin');
    const opts: { level: 0 | 6; os?: number; attrs?: number } = { level: binary ? 0 : 6 };
    if (path.endsWith('.sh')) Object.assign(opts, { os: 3, attrs: (0o100755 << 16) >>> 0 });
    entries[`${folder}/${path}`] = [bytes, opts];
  }
  return zipSync(entries);
}
