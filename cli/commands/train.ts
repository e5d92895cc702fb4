// `train --model DIR --train FILE.json ... --log LOG.jsonl --out DIR`: fine-tunes a model folder on a
// SQuAD file with the core Trainer, one JSON line per optimizer step, and writes the result as a
// Hugging Face folder (config, safetensors, tokenizer files).
import { createWriteStream } from 'node:fs';
import { required } from '../args.js';
import { setupBackend } from '../backend.js';
import { writeModelDir } from '../model-io.js';
import { featurizeSquad } from '../../src/core/features/index.js';
import { BertForQuestionAnswering, hfFolderFiles } from '../../src/core/model/index.js';
import { Trainer, evaluateLoss } from '../../src/core/train/index.js';
import { prepareTraining } from './train-setup.js';

export async function run(args: string[]): Promise<number> {
  const setup = await prepareTraining(args);
  const { p, loaded, tok, maxLength, stride, trainFeatures, overrides, evalEvery, backend } = setup;
  const config = loaded.config;
  const logPath = required(p, 'log');
  const outDir = required(p, 'out');
  const settings = { maxLength, stride, maxPositionEmbeddings: config.max_position_embeddings };
  const evalFeatures = setup.evalSquad ? featurizeSquad(tok.tokenizer, setup.evalSquad, settings, 'train') : null;

  await setupBackend(backend);
  const model = new BertForQuestionAnswering(config, loaded.params);
  const trainer = new Trainer(model, trainFeatures, overrides);
  const o = trainer.options;
  console.log(`tokenizer: ${tok.source}`);
  console.log(
    `${trainFeatures.examples.length} questions -> ${trainFeatures.count} windows (max_length ${maxLength}, stride ${stride}); ` +
      `${trainer.totalSteps} steps of ${o.batchSize} x ${o.gradAccumSteps}, lr ${o.learningRate}, warmup ${trainer.warmupSteps}, ` +
      `weight decay ${o.weightDecay}, seed ${o.seed}, backend ${backend}`,
  );

  const log = createWriteStream(logPath);
  const writeLine = (obj: object) => log.write(`${JSON.stringify(obj)}\n`);
  const t0 = performance.now();
  let last = null as Awaited<ReturnType<Trainer['step']>> | null;
  let lossSum = 0;
  let lossCount = 0;
  let skipped = 0;
  const evaluate = async (): Promise<number | null> => {
    if (!evalFeatures) return null;
    const evalLoss = await evaluateLoss(model, evalFeatures, o.batchSize);
    writeLine({ step: trainer.stepsTaken, epoch: trainer.epoch, eval_loss: evalLoss });
    console.log(`step ${trainer.stepsTaken}: eval loss ${evalLoss.toFixed(4)}`);
    return evalLoss;
  };
  const initialEval = evalFeatures ? await evaluateLoss(model, evalFeatures, o.batchSize) : null;
  const every = Math.max(1, Math.round(trainer.totalSteps / 20));
  while (!trainer.done) {
    const m = await trainer.step();
    last = m;
    writeLine(m);
    if (m.skipped) skipped++;
    else {
      lossSum += m.loss;
      lossCount++;
    }
    if (m.pause_advised) {
      console.error(`step ${m.step}: ${m.advice}`);
      break;
    }
    if (m.step % every === 0 || trainer.done) {
      console.log(`step ${m.step}/${trainer.totalSteps} epoch ${m.epoch.toFixed(2)} loss ${m.loss.toFixed(4)} lr ${m.lr.toExponential(2)} grad_norm ${m.grad_norm.toFixed(3)} ${m.samples_per_s.toFixed(1)} samples/s`);
    }
    if (evalEvery > 0 && m.step % evalEvery === 0 && !trainer.done) await evaluate();
  }
  const finalEval = await evaluate();
  await new Promise<void>((resolve, reject) => log.end((err?: Error | null) => (err ? reject(err) : resolve())));

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
      steps: trainer.stepsTaken,
      total_steps: trainer.totalSteps,
      train_windows: trainFeatures.count,
      final_loss: last?.loss ?? null,
      mean_loss: lossCount ? lossSum / lossCount : null,
      skipped_steps: skipped,
      eval_loss_before: initialEval,
      eval_loss: finalEval,
      seconds,
      backend,
    }),
  );
  return last?.pause_advised ? 1 : 0;
}
