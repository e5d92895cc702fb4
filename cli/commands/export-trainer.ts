// `export-trainer <train's options> --out DIR`: writes the run `train` would do as a Python project for
// Hugging Face Trainer (train.py, task.py, run_config.json, data already tokenized, starting weights).
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { required } from '../args.js';
import { writeModelDir } from '../model-io.js';
import { featurizeSquad } from '../../src/core/features/index.js';
import { type TrainerExportSpec, buildTrainerProject, qaExportTask } from '../../src/core/export/index.js';
import { hfFolderFiles } from '../../src/core/model/index.js';
import { resolveTrainOptions, totalTrainingSteps } from '../../src/core/train/index.js';
import { prepareTraining } from './train-setup.js';

/**
 * What every task's export does once its task and starting weights are set: refuse a project with no
 * starting weights, write it (launch.sh executable), and print the tokenizer, the data summary and the files.
 */
export async function writeTrainerProject(outDir: string, spec: TrainerExportSpec, tokenizerSource: string, summary: string): Promise<{ files: string[]; bytes: number }> {
  if (!spec.modelFiles && !spec.hubId) throw new Error('--no-weights needs --hub-id ID to say where train.py gets the starting weights');
  const files = buildTrainerProject(spec);
  const written = await writeModelDir(outDir, files);
  await chmod(join(outDir, 'launch.sh'), 0o755);
  let bytes = 0;
  for (const f of files.values()) bytes += f.byteLength;
  console.log(`tokenizer: ${tokenizerSource}`);
  console.log(summary);
  for (const path of written) console.log(`wrote ${path}`);
  console.log(`run it: cd ${outDir} && pip install -r requirements.txt && python3 train.py --output_dir out`);
  return { files: [...files.keys()], bytes };
}

/** Every gold answer of every question: the metric takes the best match. */
function answersById(data: { data: { paragraphs: { qas: { id: string; answers: { text: string }[] }[] }[] }[] }): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const a of data.data) for (const para of a.paragraphs) for (const qa of para.qas) out.set(qa.id, qa.answers.map((x) => x.text));
  return out;
}

export async function run(args: string[]): Promise<number> {
  const setup = await prepareTraining(args, ['no-weights']);
  const { p, loaded, tok, maxLength, stride, trainFeatures, overrides, evalEvery, evalSquad } = setup;
  const outDir = required(p, 'out');
  const hubId = p.values.get('hub-id') ?? null;
  const config = loaded.config;
  const options = resolveTrainOptions({ config }, overrides);
  const settings = { maxLength, stride, maxPositionEmbeddings: config.max_position_embeddings };
  const evalFeatures = evalSquad ? featurizeSquad(tok.tokenizer, evalSquad, settings, 'eval') : null;
  const task = qaExportTask(
    { features: trainFeatures, source: setup.trainPath },
    evalFeatures && evalSquad ? { features: evalFeatures, source: setup.evalPath!, answers: answersById(evalSquad) } : null,
  );
  // The starting weights as the studio starts: a head the folder lacked is the one `train` initializes.
  const modelFiles = p.flags.has('no-weights')
    ? null
    : hfFolderFiles(config, loaded.params, { vocab: tok.vocabText, doLowerCase: tok.lowercase, modelMaxLength: config.max_position_embeddings });
  const { files, bytes } = await writeTrainerProject(
    outDir,
    { task, options, evalEvery, config, modelFiles, hubId, modelSource: hubId ? `${hubId} (${setup.modelDir})` : setup.modelDir },
    tok.source,
    `${trainFeatures.examples.length} questions -> ${trainFeatures.count} training windows` +
      (evalFeatures ? `, ${evalFeatures.count} evaluation windows` : '') +
      `; ${totalTrainingSteps(trainFeatures.count, options)} steps of ${options.batchSize} x ${options.gradAccumSteps}`,
  );
  console.log(JSON.stringify({ out: outDir, files, bytes, train_windows: trainFeatures.count, eval_windows: evalFeatures?.count ?? 0 }));
  return 0;
}
