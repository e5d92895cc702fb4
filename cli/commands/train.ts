// `train --model DIR --train FILE.json ... --log LOG.jsonl --out DIR`: fine-tunes a model folder on a
// SQuAD file with the core Trainer and run loop, one JSON line per optimizer step, checkpoints in
// DIR/checkpoint (`train --resume DIR` continues from there), and writes the result as a Hugging Face
// folder (config, safetensors, tokenizer files).
import { intOption, parseArgs, required } from '../args.js';
import { parseThreads, startBackend } from '../backend.js';
import { readCheckpoint } from '../checkpoint-dir.js';
import { runLogged } from '../train-log.js';
import { writeModelDir } from '../model-io.js';
import { featurizeSquad } from '../../src/core/features/index.js';
import { BertForQuestionAnswering, hfFolderFiles } from '../../src/core/model/index.js';
import { Trainer, evaluateLoss } from '../../src/core/train/index.js';
import { TRAIN_FLAGS, prepareTraining } from './train-setup.js';

export async function run(argv: string[]): Promise<number> {
  const first = parseArgs(argv, TRAIN_FLAGS);
  const resumeDir = first.values.get('resume');
  const resumed = resumeDir ? await readCheckpoint(resumeDir) : null;
  // A resumed run takes its whole setup from the command that started it.
  const args = resumed ? resumed.runArgs : argv;
  const setup = await prepareTraining(args);
  const { p, loaded, tok, maxLength, stride, trainFeatures, overrides, evalEvery } = setup;
  const config = loaded.config;
  const logPath = required(p, 'log');
  const outDir = required(p, 'out');
  const checkpointEvery = intOption(p, 'checkpoint-every', 0);
  const stopAt = intOption(first, 'stop-at', 0);
  const settings = { maxLength, stride, maxPositionEmbeddings: config.max_position_embeddings };
  const evalFeatures = setup.evalSquad ? featurizeSquad(tok.tokenizer, setup.evalSquad, settings, 'train') : null;

  const backend = await startBackend(setup.backend, parseThreads(p.values.get('threads')));
  const model = new BertForQuestionAnswering(config, loaded.params);
  const trainer = new Trainer(model, trainFeatures, overrides);
  if (resumed) trainer.restore(resumed.state);
  const o = trainer.options;
  console.log(`tokenizer: ${tok.source}`);
  console.log(
    `${trainFeatures.examples.length} questions -> ${trainFeatures.count} windows (max_length ${maxLength}, stride ${stride}); ` +
      `${trainer.totalSteps} steps of ${o.batchSize} x ${o.gradAccumSteps}, lr ${o.learningRate}, warmup ${trainer.warmupSteps}, ` +
      `weight decay ${o.weightDecay}, seed ${o.seed}, backend ${backend}${resumed ? `; resumed at step ${trainer.stepsTaken}` : ''}`,
  );

  const t0 = performance.now();
  const initialEval = evalFeatures && !resumed ? await evaluateLoss(model, evalFeatures, o.batchSize) : null;
  const summary = await runLogged(trainer, {
    logPath,
    outDir,
    runArgs: args,
    resumed: !!resumed,
    evalEvery,
    checkpointEvery,
    stopAt,
    evaluate: evalFeatures ? async () => ({ eval_loss: await evaluateLoss(model, evalFeatures, o.batchSize) }) : undefined,
    stepLine: (m, total) =>
      `step ${m.step}/${total} epoch ${m.epoch.toFixed(2)} loss ${m.loss.toFixed(4)} lr ${m.lr.toExponential(2)} grad_norm ${m.grad_norm.toFixed(3)} ${m.samples_per_s.toFixed(1)} samples/s`,
    evalLine: (step, scores) => `step ${step}: eval loss ${scores.eval_loss.toFixed(4)}`,
  });

  const params = await model.toHostParams();
  trainer.dispose();
  model.dispose();
  const written = await writeModelDir(outDir, hfFolderFiles(config, params, { vocab: tok.vocabText, doLowerCase: tok.lowercase, modelMaxLength: config.max_position_embeddings }));
  for (const path of written) console.log(`wrote ${path}`);
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    JSON.stringify({
      out: outDir,
      log: logPath,
      steps: summary.steps,
      total_steps: summary.totalSteps,
      ended_by: summary.endedBy,
      resumed_from: resumed ? resumed.state.step : null,
      train_windows: trainFeatures.count,
      final_loss: summary.last?.loss ?? null,
      mean_loss: summary.meanLoss,
      skipped_steps: summary.skipped,
      eval_loss_before: initialEval,
      eval_loss: summary.finalScores?.eval_loss ?? null,
      seconds,
      backend,
    }),
  );
  return summary.endedBy === 'non-finite' ? 1 : 0;
}
