// `export-trainer --task mrpc <train --task mrpc's options> --out DIR`: the run `train --task mrpc` would do,
// as a Python project for Hugging Face Trainer (BertForSequenceClassification, pairs already tokenized).
import { parseArgs, required } from '../../args.js';
import { mrpcExportTask } from '../../../src/core/export/index.js';
import { hfFolderFiles } from '../../../src/core/model/index.js';
import { mrpcTask } from '../../../src/core/tasks/mrpc/index.js';
import { resolveTrainOptions, totalTrainingSteps } from '../../../src/core/train/index.js';
import { writeTrainerProject } from '../export-trainer.js';
import { MRPC_TRAIN_FLAGS, prepareMrpcTraining } from './setup.js';

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args, [...MRPC_TRAIN_FLAGS, 'no-weights']);
  const outDir = required(p, 'out');
  const hubId = p.values.get('hub-id') ?? null;
  const setup = await prepareMrpcTraining(p);
  const { folder, tok, trainFeatures, evalFeatures, overrides, evalEvery } = setup;
  const config = folder.loaded.config;
  const options = resolveTrainOptions({ config }, overrides);
  const task = mrpcExportTask(
    { features: trainFeatures, source: setup.trainPath },
    evalFeatures ? { features: evalFeatures, source: setup.evalPath! } : null,
    tok.tokenizer.padId,
  );
  // The starting weights as `train --task mrpc` starts: a classifier the folder lacked is the one it initializes from --seed.
  const modelFiles = p.flags.has('no-weights')
    ? null
    : hfFolderFiles(config, folder.loaded.params, { vocab: tok.vocabText, doLowerCase: tok.lowercase, modelMaxLength: config.max_position_embeddings }, mrpcTask.configJson(folder.labels));
  const { files, bytes } = await writeTrainerProject(
    outDir,
    { task, options, evalEvery, config, modelFiles, hubId, modelSource: hubId ? `${hubId} (${setup.modelDir})` : setup.modelDir },
    tok.source,
    `${trainFeatures.count} training pairs (max_length ${setup.maxLength}, ${trainFeatures.truncated} truncated)` +
      (evalFeatures ? `, ${evalFeatures.count} evaluation pairs` : '') +
      `; ${totalTrainingSteps(trainFeatures.count, options)} steps of ${options.batchSize} x ${options.gradAccumSteps}${options.groupByLength ? ', grouped by length' : ''}`,
  );
  console.log(JSON.stringify({ task: 'mrpc', out: outDir, files, bytes, train_pairs: trainFeatures.count, eval_pairs: evalFeatures?.count ?? 0 }));
  return 0;
}
