// A sentence-pair run as a zipped Python project for Hugging Face Trainer: the pairs tokenized as
// a studio run tokenizes them, its options, and the weights it would start from (same seed, same head).
import { buildTrainerProject, mrpcExportTask, zipProject } from '../../core/export/index.js';
import { hfFolderFiles } from '../../core/model/index.js';
import { featurizePairs, mrpcTask } from '../../core/tasks/mrpc/index.js';
import { resolveTrainOptions } from '../../core/train/index.js';
import type { PairApi } from '../pair-api.js';
import { StudioError, type Handlers } from '../protocol.js';
import { modelJob } from './jobs.js';
import { pairDataset } from './pair.js';
import { pairStartParams } from './train-mrpc.js';
import { getModelInfo, tokenizerFor } from './registry.js';

export const pairExportHandlers: Handlers<Pick<PairApi, 'pair-export'>> = {
  'pair-export': ({ setup, label }, ctx) =>
    modelJob('exporting a sentence-pair run', ctx, async () => {
      const modelInfo = await getModelInfo(setup.modelId);
      if (!modelInfo.vocab) throw new StudioError('invalid-input', `The model “${modelInfo.label}” has no vocabulary (vocab.txt); load one with it to export a run.`);
      const tokenizer = tokenizerFor(modelInfo);
      ctx.progress(0, 3, 'Tokenizing the pairs');
      const train = await pairDataset(setup.trainPairsId);
      const ev = setup.evalPairsId ? await pairDataset(setup.evalPairsId) : null;
      ctx.checkCancelled();
      let task;
      try {
        const features = featurizePairs(tokenizer, train.examples, setup.maxLength);
        const evalFeatures = ev ? featurizePairs(tokenizer, ev.examples, setup.maxLength) : null;
        task = mrpcExportTask(
          { features, source: `the studio dataset “${train.info.name}”` },
          ev && evalFeatures ? { features: evalFeatures, source: `the studio dataset “${ev.info.name}”` } : null,
          tokenizer.padId,
        );
      } catch (err) {
        throw new StudioError('invalid-input', `Cannot export these pairs: ${err instanceof Error ? err.message : String(err)}`);
      }
      ctx.progress(1, 3, 'Writing the starting weights');
      const params = await pairStartParams(setup.modelId, setup.init, setup.seed, modelInfo.config);
      // The options a studio run gives the Trainer; the rest are the model size's defaults, as there.
      const options = resolveTrainOptions({ config: modelInfo.config }, {
        learningRate: setup.learningRate,
        batchSize: setup.batchSize,
        epochs: setup.epochs,
        ...(setup.maxSteps > 0 ? { maxSteps: setup.maxSteps } : {}),
        seed: setup.seed,
        groupByLength: setup.groupByLength,
      });
      const files = buildTrainerProject({
        task,
        options,
        evalEvery: setup.evalEvery,
        config: modelInfo.config,
        modelFiles: hfFolderFiles(modelInfo.config, params, { vocab: modelInfo.vocab, doLowerCase: modelInfo.lowercase }, mrpcTask.configJson()),
        hubId: setup.init === 'weights' && modelInfo.source.kind === 'hub' ? modelInfo.source.repo : null,
        modelSource: `${setup.init === 'weights' ? 'the encoder of' : 'a fresh classifier shaped like'} the studio model “${modelInfo.label}”, classifier seeded ${setup.seed}`,
      });
      ctx.progress(2, 3, 'Zipping the project');
      ctx.checkCancelled();
      const folder = `${label.trim() || 'mrpc-run'}-trainer`.replace(/[^\w.-]+/g, '_');
      const zip = zipProject(files, folder);
      ctx.progress(3, 3, 'Done');
      return { zip, fileName: `${folder}.zip`, files: [...files.keys()], trainPairs: task.train.rows, evalPairs: task.eval?.rows ?? 0 };
    }),
};
