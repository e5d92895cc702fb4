// Graduating a run to Hugging Face Trainer (a zipped Python project) and bringing a Trainer run back
// (its model and its logged curves) as a model and a run of this browser.
import { buildTrainerProject, parseTrainerState, qaExportTask, zipProject } from '../../core/export/index.js';
import { featurizeSquad } from '../../core/features/index.js';
import { hfFolderFiles, modelFiles, type ModelFiles } from '../../core/model/index.js';
import type { SquadFile } from '../../core/squad/types.js';
import { tokenizerFromVocab } from '../../core/tokenizer/index.js';
import { TRAIN_OPTION_DEFAULTS, resolveTrainOptions } from '../../core/train/index.js';
import type { ExportApi } from '../export-api.js';
import { StudioError, type Handlers } from '../protocol.js';
import { saveFolder } from './models.js';
import { importPairRun } from './pair-import.js';
import { taskOfConfigJson, type TaskName } from '../../core/tasks/index.js';
import { getModelInfo, newModelId, readParams, store } from './registry.js';
import { storeTrainerRun } from './train-import.js';
import { squadFileOf } from './train-qa.js';


async function datasetOf(id: string): Promise<{ name: string; squad: SquadFile }> {
  const info = await (await store()).getDataset(id);
  if (!info) throw new StudioError('not-found', `No dataset with id ${id}: it may have been deleted.`);
  return { name: info.name, squad: await squadFileOf(info) };
}

function answersById(squad: SquadFile): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const a of squad.data) for (const p of a.paragraphs) for (const q of p.qas) out.set(q.id, q.answers.map((x) => x.text));
  return out;
}

/** run_config.json hyperparameters back in the studio's names; the model size's defaults fill what is missing. */
/** The task config.json's architectures name; a folder without one loads as question answering. */
function folderTask(map: ModelFiles): TaskName | null {
  const bytes = map.get('config.json');
  if (!bytes) throw new StudioError('invalid-input', 'The folder has no config.json: pick the output_dir of a Trainer run (save_model() writes it).');
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new StudioError('invalid-input', 'config.json in the folder is not valid JSON.');
  }
  return typeof json === 'object' && json !== null ? taskOfConfigJson(json as Record<string, unknown>) : null;
}

export const exportHandlers: Handlers<ExportApi> = {
  async 'trainer-export'({ setup, label }, ctx) {
    const modelInfo = await getModelInfo(setup.modelId);
    if (!modelInfo.vocab) throw new StudioError('invalid-input', `The model “${modelInfo.label}” has no vocabulary (vocab.txt); load one with it to export a run.`);
    const tokenizer = tokenizerFromVocab(modelInfo.vocab, { lowercase: modelInfo.lowercase });
    const settings = { maxLength: setup.maxLength, stride: setup.stride, maxPositionEmbeddings: modelInfo.config.max_position_embeddings };
    ctx.progress(0, 4, 'Tokenizing the training data');
    const train = await datasetOf(setup.trainDatasetId);
    ctx.checkCancelled();
    let trainFeatures;
    let evalSplit = null;
    try {
      trainFeatures = featurizeSquad(tokenizer, train.squad, settings, 'train');
      if (setup.evalDatasetId) {
        ctx.progress(1, 4, 'Tokenizing the evaluation data');
        const ev = await datasetOf(setup.evalDatasetId);
        ctx.checkCancelled();
        evalSplit = { features: featurizeSquad(tokenizer, ev.squad, settings, 'eval'), source: `the studio dataset “${ev.name}”`, answers: answersById(ev.squad) };
      }
    } catch (err) {
      throw new StudioError('invalid-input', `Cannot make the windows to export: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (trainFeatures.count === 0) throw new StudioError('invalid-input', `${train.name} gives no training windows.`);
    ctx.progress(2, 4, 'Writing the starting weights');
    ctx.checkCancelled();
    const params = await readParams(modelInfo.id);
    const options = resolveTrainOptions({ config: modelInfo.config }, { ...setup.hyperparameters, ...TRAIN_OPTION_DEFAULTS });
    const files = buildTrainerProject({
      task: qaExportTask({ features: trainFeatures, source: `the studio dataset “${train.name}”` }, evalSplit),
      options,
      evalEvery: setup.evalEvery,
      config: modelInfo.config,
      modelFiles: hfFolderFiles(modelInfo.config, params, { vocab: modelInfo.vocab, doLowerCase: modelInfo.lowercase }),
      hubId: modelInfo.source.kind === 'hub' ? modelInfo.source.repo : null,
      modelSource: modelInfo.source.kind === 'hub' ? `${modelInfo.source.repo} (as stored in the studio)` : `the studio model “${modelInfo.label}”`,
    });
    ctx.progress(3, 4, 'Zipping the project');
    ctx.checkCancelled();
    const folder = `${label.trim() || 'bert-run'}-trainer`.replace(/[^\w.-]+/g, '_');
    const zip = zipProject(files, folder);
    ctx.progress(4, 4, 'Done');
    return { zip, fileName: `${folder}.zip`, files: [...files.keys()], trainWindows: trainFeatures.count, evalWindows: evalSplit?.features.count ?? 0 };
  },

  async 'model-folder'({ id }) {
    const info = await getModelInfo(id);
    const params = await readParams(id);
    const files = info.vocab ? hfFolderFiles(info.config, params, { vocab: info.vocab, doLowerCase: info.lowercase }) : modelFiles(info.config, params);
    return { files: [...files] };
  },

  async 'trainer-import'({ files, label }, ctx) {
    const map: ModelFiles = new Map();
    let stateText: string | null = null;
    let runConfig: Record<string, any> | null = null;
    for (const f of files) {
      const base = f.name.split('/').pop()!;
      // Checkpoint sub-folders hold their own copies; the folder's top level is the final model.
      if (f.name.split('/').length > 2 && f.name.includes('/checkpoint-')) continue;
      if (base === 'trainer_state.json') stateText = await f.file.text();
      else if (base === 'run_config.json') {
        try {
          runConfig = JSON.parse(await f.file.text()) as Record<string, any>;
        } catch {
          throw new StudioError('invalid-input', 'run_config.json in the folder is not valid JSON.');
        }
      } else map.set(base, new Uint8Array(await f.file.arrayBuffer()));
    }
    if (!stateText) throw new StudioError('invalid-input', 'The folder has no trainer_state.json: pick the output_dir of a Trainer run (train.py writes it with save_state()).');
    let log;
    try {
      log = parseTrainerState(stateText);
    } catch (err) {
      throw new StudioError('invalid-input', err instanceof Error ? err.message : String(err));
    }
    ctx.progress(0, 2, 'Loading the model');
    if (folderTask(map) === 'mrpc') {
      const pairRun = await importPairRun(map, log, runConfig, label.trim() || 'Trainer run');
      ctx.progress(2, 2, 'Done');
      return { task: 'mrpc', pairRun };
    }
    const runId = `run-${newModelId()}`;
    const name = label.trim() || 'Trainer run';
    const model = await saveFolder(map, `${name} (Trainer, step ${log.globalStep})`, { kind: 'run', runId, step: log.globalStep });
    ctx.progress(1, 2, 'Storing the curves');
    const info = await storeTrainerRun(
      {
        runId,
        task: 'qa',
        label: name,
        modelId: model.id,
        modelLabel: typeof runConfig?.model?.source === 'string' ? runConfig.model.source : model.label,
        config: model.config,
        vocab: model.vocab ?? '',
        lowercase: model.lowercase,
        reason: `Trained with Hugging Face Trainer${log.runtimeSeconds !== null ? ` in ${log.runtimeSeconds.toFixed(0)} s` : ''}; imported as the model “${model.label}”.`,
      },
      log,
      runConfig,
    );
    ctx.progress(2, 2, 'Done');
    return { task: 'qa', model, run: info };
  },
};
