// `train --task mrpc --model DIR --train FILE ... --log LOG.jsonl --out DIR`, and `train --task mrpc
// --resume DIR`: fine-tunes BertForSequenceClassification with the core Trainer and run loop, dynamic
// padding (optionally --group-by-length), checkpoints in DIR/checkpoint, a Hugging Face folder in DIR.
import { intOption, parseArgs, required } from '../../args.js';
import { parseThreads, startBackend } from '../../backend.js';
import { readCheckpoint } from '../../checkpoint-dir.js';
import { runLogged } from '../../train-log.js';
import { writeModelDir } from '../../model-io.js';
import { hfFolderFiles } from '../../../src/core/model/index.js';
import { mrpcTask, paddingReport, pairTrainData, scorePairModel } from '../../../src/core/tasks/mrpc/index.js';
import { Trainer } from '../../../src/core/train/index.js';
import { classifierOf } from './common.js';
import { MRPC_TRAIN_FLAGS, prepareMrpcTraining } from './setup.js';

const FLAGS = MRPC_TRAIN_FLAGS;

export async function run(argv: string[]): Promise<number> {
  const first = parseArgs(argv, FLAGS);
  const resumeDir = first.values.get('resume');
  const resumed = resumeDir ? await readCheckpoint(resumeDir) : null;
  // A resumed run takes its whole setup from the command that started it.
  const args = resumed ? resumed.runArgs : argv;
  const p = resumed ? parseArgs(args, FLAGS) : first;
  const logPath = required(p, 'log');
  const outDir = required(p, 'out');
  const backendFlag = first.values.get('backend') ?? p.values.get('backend');
  const threads = parseThreads(first.values.get('threads') ?? p.values.get('threads'));
  const checkpointEvery = intOption(p, 'checkpoint-every', 0);
  const stopAt = intOption(first, 'stop-at', 0);
  const { folder, tok, maxLength, trainFeatures, evalExamples, evalFeatures, overrides, evalEvery } = await prepareMrpcTraining(p);
  const config = folder.loaded.config;
  const padId = tok.tokenizer.padId;

  const backend = await startBackend(backendFlag, threads);
  const model = classifierOf(folder);
  const trainer = new Trainer(model, pairTrainData(trainFeatures, padId), overrides);
  if (resumed) trainer.restore(resumed.state);
  const o = trainer.options;
  // What one epoch pads, in the order the run draws (a seeded shuffle, or the file's order) and grouped by length.
  const padding = paddingReport(trainFeatures.lengths, maxLength, o.batchSize, o.seed, o.shuffle);
  console.log(`tokenizer: ${tok.source}`);
  console.log(
    `${trainFeatures.count} pairs (max_length ${maxLength}, ${trainFeatures.truncated} truncated); ${trainer.totalSteps} steps of ${o.batchSize} x ${o.gradAccumSteps}, ` +
      `lr ${o.learningRate}, warmup ${trainer.warmupSteps}, weight decay ${o.weightDecay}, seed ${o.seed}, backend ${backend}` +
      `${o.groupByLength ? ', grouped by length' : ''}${resumed ? `; resumed at step ${trainer.stepsTaken}` : ''}`,
  );
  console.log(
    `dynamic padding: ${padding.dynamic} padding tokens per epoch for ${padding.realTokens} real ones; grouped by length ${padding.grouped}` +
      ` (${o.groupByLength ? 'on' : 'off'}: ${padding.dynamic - padding.grouped} fewer)`,
  );

  const t0 = performance.now();
  const evaluate = evalFeatures
    ? async () => {
        const s = await scorePairModel(model, evalExamples!, evalFeatures, padId);
        return { eval_loss: s.eval_loss ?? Number.NaN, eval_accuracy: s.accuracy, eval_f1: s.f1 };
      }
    : undefined;
  const summary = await runLogged(trainer, {
    logPath,
    outDir,
    runArgs: args,
    resumed: !!resumed,
    evalEvery,
    checkpointEvery,
    stopAt,
    evaluate,
    stepLine: (m, total) => `step ${m.step}/${total} epoch ${m.epoch.toFixed(2)} loss ${m.loss.toFixed(4)} lr ${m.lr.toExponential(2)} grad_norm ${m.grad_norm.toFixed(3)}`,
    evalLine: (step, scores) => `step ${step}: ${Object.entries(scores).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ')}`,
  });

  const params = await model.toHostParams();
  trainer.dispose();
  model.dispose();
  const files = hfFolderFiles(config, params, { vocab: tok.vocabText, doLowerCase: tok.lowercase, modelMaxLength: config.max_position_embeddings }, mrpcTask.configJson(folder.labels));
  for (const path of await writeModelDir(outDir, files)) console.log(`wrote ${path}`);
  console.log(
    JSON.stringify({
      task: 'mrpc',
      out: outDir,
      log: logPath,
      steps: summary.steps,
      total_steps: summary.totalSteps,
      ended_by: summary.endedBy,
      resumed_from: resumed ? resumed.state.step : null,
      train_pairs: trainFeatures.count,
      padding_tokens_per_epoch: o.groupByLength ? padding.grouped : padding.dynamic,
      padding_saved_by_grouping: padding.dynamic - padding.grouped,
      final_loss: summary.last?.loss ?? null,
      mean_loss: summary.meanLoss,
      skipped_steps: summary.skipped,
      ...(summary.finalScores ?? {}),
      seconds: (performance.now() - t0) / 1000,
      backend,
    }),
  );
  return summary.endedBy === 'non-finite' ? 1 : 0;
}
