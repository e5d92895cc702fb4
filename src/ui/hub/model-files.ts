import { lossCurveSvg, modelCard, type ModelCardInfo } from '../../core/export/index.js';
import { modelWorker } from '../../workers/clients.js';
import type { ModelInfo } from '../../workers/model-api.js';
import type { RunInfo } from '../../workers/train-api.js';
import type { PushFile } from './push.js';

/** An SVG drawn onto a canvas and encoded as PNG (the Hub renders PNG in cards everywhere). */
async function svgToPng(svg: string, width: number, height: number): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    canvas.getContext('2d')!.drawImage(img, 0, 0);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('could not encode the curve as PNG'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** The run a model came out of, when it was trained in (or imported into) the studio. */
async function runOf(model: ModelInfo): Promise<RunInfo | null> {
  if (model.source.kind !== 'run') return null;
  const runId = model.source.runId;
  const runs = await modelWorker().call('train-runs', null);
  return runs.find((r) => r.id === runId) ?? null;
}

/** Everything a Hub repo for this model holds: the Hugging Face folder, README.md (model card) and the training curve. */
export async function hubFiles(model: ModelInfo, repo: string, models: ModelInfo[]): Promise<{ files: PushFile[]; card: string }> {
  const { files } = await modelWorker().call('model-folder', { id: model.id });
  const out: PushFile[] = files.map(([path, bytes]) => ({ path, content: new Blob([bytes as BlobPart]) }));
  const run = await runOf(model);
  let curveImage: string | null = null;
  if (run) {
    const m = await modelWorker().call('train-metrics', { runId: run.id });
    const points = Array.from(m.columns.step.subarray(0, m.count), (step, i) => ({ step, loss: m.columns.loss[i] }));
    if (points.some((p) => Number.isFinite(p.loss))) {
      const svg = lossCurveSvg(points, `${run.label}: training loss`);
      out.push({ path: 'training_curve.png', content: await svgToPng(svg, 800, 400) });
      curveImage = 'training_curve.png';
    }
  }
  const base = run ? models.find((x) => x.id === run.setup.modelId) : undefined;
  const baseHub = base?.source.kind === 'hub' ? base.source.repo : null;
  const h = run?.setup.hyperparameters;
  const info: ModelCardInfo = {
    repo,
    title: repo.split('/').pop() ?? model.label,
    baseModel: baseHub ?? (run ? run.modelLabel : model.source.kind === 'hub' ? model.source.repo : null),
    baseModelIsHubId: !!baseHub || (!run && model.source.kind === 'hub'),
    config: model.config,
    parameters: model.parameters,
    trainData: run?.trainDatasetName ?? null,
    evalData: run?.evalDatasetName ?? null,
    trainRows: run?.featureCount || null,
    hyperparameters: h
      ? {
          learning_rate: h.learningRate,
          schedule: `linear, warmup ratio ${h.warmupRatio}`,
          per_device_train_batch_size: h.batchSize,
          gradient_accumulation_steps: h.gradAccumSteps,
          [h.maxSteps > 0 ? 'max_steps' : 'num_train_epochs']: h.maxSteps > 0 ? h.maxSteps : h.epochs,
          weight_decay: `${h.weightDecay} (not on biases and LayerNorm)`,
          max_grad_norm: h.maxGradNorm,
          optimizer: `AdamW (betas ${h.beta1}, ${h.beta2}, eps ${h.eps})`,
          seed: h.seed,
        }
      : null,
    maxLength: run?.setup.maxLength ?? null,
    stride: run ? run.setup.stride : null,
    steps: run?.step ?? null,
    trainedWith: run ? (run.importedFrom ? `with ${run.importedFrom} (PyTorch), exported from BERT Studio` : `in the browser with BERT Studio (TensorFlow.js, ${run.backend})`) : null,
    lastEval: run?.lastEval ?? null,
    curveImage,
  };
  const card = modelCard(info);
  out.push({ path: 'README.md', content: new Blob([card], { type: 'text/markdown' }) });
  return { files: out, card };
}
