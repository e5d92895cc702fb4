import * as tf from '@tensorflow/tfjs';
import { type HostParams, batchFromArrays, bertQaForward, disposeBatch } from '../model/index.js';
import { mixSeeds } from '../util/prng.js';
import { AdamW, type AdamWState } from './adamw.js';
import { clipCoefficient, globalNorm } from './clip.js';
import { type TrainHyperparameters, defaultHyperparameters, validateHyperparameters } from './defaults.js';
import { weightedQaLoss } from './loss.js';
import { accumulateGrads } from './accumulate.js';
import { SeededRng } from './rng.js';
import { scheduledLearningRate, stepsPerEpoch, totalTrainingSteps, warmupSteps } from './schedule.js';

export { stepsPerEpoch, totalTrainingSteps };
import { type TrainBatch, type TrainData, type TrainableModel, evaluateDataLoss } from './task-data.js';
import { epochOrder, padBatch } from '../features/batcher.js';

/** Labelled windows as flat row-major arrays; a FeatureBatch from the featurizer fits as is. */
export interface TrainFeatures {
  count: number;
  /** Tokens per window (L). */
  length: number;
  inputIds: ArrayLike<number>;
  tokenTypeIds: ArrayLike<number>;
  attentionMask: ArrayLike<number>;
  startPositions: ArrayLike<number>;
  endPositions: ArrayLike<number>;
}

export interface TrainOptions extends TrainHyperparameters {
  /** Dropout (the config's rates, 0.1 for BERT) while training; tests turn it off to compare runs. */
  dropout: boolean;
  /** Seeded reshuffle of the features every epoch (Trainer's RandomSampler); false keeps dataset order. */
  shuffle: boolean;
  /** Consecutive non-finite steps after which a step reports pause_advised. */
  nonFinitePatience: number;
  /** Order each epoch so that rows of similar length share batches (Trainer's group_by_length). */
  groupByLength?: boolean;
}

/** Where the data stream stands: `permutation[position]` is the next feature of epoch `epoch`. */
export interface DataCursor {
  epoch: number;
  position: number;
  permutation: Int32Array;
}

/** One optimizer step, with Hugging Face's log names. */
export interface StepMetrics {
  /** Optimizer steps taken so far, this one included (1-based). */
  step: number;
  /** Fractional epochs consumed, as Trainer logs it. */
  epoch: number;
  /** Mean loss over the step's real rows (all micro-batches). */
  loss: number;
  /** Learning rate this update used. */
  lr: number;
  /** Global gradient norm before clipping. */
  grad_norm: number;
  samples_per_s: number;
  step_ms: number;
  /** Real (unpadded) rows in this step. */
  samples: number;
  /** The loss or a gradient was NaN/Inf: parameters and moments were left untouched. */
  skipped?: boolean;
  /** Set after nonFinitePatience consecutive skipped steps. */
  pause_advised?: boolean;
  advice?: string;
}

/** Everything a run needs to continue exactly where it was: structured-clonable, Float32Arrays per tensor. */
export interface TrainerState {
  format: 'bert-studio-trainer/1';
  options: TrainOptions;
  featureCount: number;
  seqLength: number;
  /** Optimizer steps taken (the scheduler position of the next update). */
  step: number;
  totalSteps: number;
  warmupSteps: number;
  /** State of the shuffling generator. */
  rng: number;
  cursor: DataCursor;
  consecutiveNonFinite: number;
  params: HostParams;
  optimizer: AdamWState;
}

export const TRAIN_OPTION_DEFAULTS = { dropout: true, shuffle: true, nonFinitePatience: 3 } as const;

/** Full options for a model: its size's defaults, then the caller's overrides. */
export function resolveTrainOptions(model: Pick<TrainableModel, 'config'>, overrides: Partial<TrainOptions> = {}): TrainOptions {
  const options: TrainOptions = { ...defaultHyperparameters(model.config), ...TRAIN_OPTION_DEFAULTS, ...overrides };
  const problems = validateHyperparameters(options);
  if (!Number.isInteger(options.nonFinitePatience) || options.nonFinitePatience < 1) {
    problems.push(`nonFinitePatience must be an integer >= 1, got ${options.nonFinitePatience}`);
  }
  if (problems.length > 0) throw new Error(`invalid training options: ${problems.join('; ')}`);
  return options;
}

export function checkFeatures(features: TrainFeatures): void {
  const { count: n, length: L } = features;
  if (!Number.isInteger(n) || n < 1) throw new Error(`no features to train on (count ${n})`);
  if (!Number.isInteger(L) || L < 1) throw new Error(`feature length must be a positive integer, got ${L}`);
  for (const [name, a, size] of [
    ['inputIds', features.inputIds, n * L],
    ['tokenTypeIds', features.tokenTypeIds, n * L],
    ['attentionMask', features.attentionMask, n * L],
    ['startPositions', features.startPositions, n],
    ['endPositions', features.endPositions, n],
  ] as const) {
    if (a.length !== size) throw new Error(`features.${name} has ${a.length} values, expected ${size}`);
  }
}


interface MicroBatch {
  batch: ReturnType<typeof batchFromArrays>;
  starts: tf.Tensor1D;
  ends: tf.Tensor1D;
  weights: tf.Tensor1D;
}

/** One fixed-shape [B, L] micro-batch of feature rows, padded by the batcher; padding rows weigh 0. */
function makeMicroBatch(features: TrainFeatures, rows: ArrayLike<number>, batchSize: number, rowWeight: number): MicroBatch {
  const p = padBatch(features, rows, { padId: 0, batchRows: batchSize });
  const starts = new Int32Array(batchSize);
  const ends = new Int32Array(batchSize);
  const weights = new Float32Array(batchSize);
  for (let r = 0; r < rows.length; r++) {
    starts[r] = features.startPositions[rows[r]];
    ends[r] = features.endPositions[rows[r]];
    weights[r] = rowWeight;
  }
  return {
    batch: batchFromArrays(p.rows, p.length, p.inputIds, p.tokenTypeIds, p.attentionMask),
    starts: tf.tensor1d(starts, 'int32'),
    ends: tf.tensor1d(ends, 'int32'),
    weights: tf.tensor1d(weights, 'float32'),
  };
}

function disposeMicroBatch(m: MicroBatch): void {
  disposeBatch(m.batch);
  tf.dispose([m.starts, m.ends, m.weights]);
}

/** QA windows as Trainer rows: fixed-shape batches, the last one padded with masked rows of weight 0. */
export function qaTrainData(features: TrainFeatures): TrainData {
  checkFeatures(features);
  return {
    count: features.count,
    maxLength: features.length,
    batch(rows, batchSize, rowWeight): TrainBatch {
      const mb = makeMicroBatch(features, rows, batchSize, rowWeight);
      return {
        loss: (params, config, options) => weightedQaLoss(bertQaForward(params, config, mb.batch, options), mb.starts, mb.ends, mb.weights),
        dispose: () => disposeMicroBatch(mb),
      };
    },
  };
}

function isTrainData(f: TrainFeatures | TrainData): f is TrainData {
  return typeof (f as TrainData).batch === 'function';
}

const NON_FINITE_ADVICE =
  'the loss or gradients were NaN/Inf for several steps in a row and those updates were skipped: ' +
  'pause, lower the learning rate (e.g. halve it) or raise the warmup, check the data, and resume from the last good checkpoint';

/**
 * Fine-tunes a BERT model with any task head (the task supplies batches and loss) as Hugging Face Trainer does (AdamW, linear warmup/decay,
 * global-norm clipping, gradient accumulation, dropout), one optimizer step per `step()` call so a
 * worker can interleave messages, pause or stop between steps. It owns the optimizer state, not the model.
 */
export class Trainer {
  private opts: TrainOptions;
  private total: number;
  private warmup: number;
  private globalStep = 0;
  private consecutiveNonFinite = 0;
  private readonly rng: SeededRng;
  private cursor: DataCursor;
  private readonly optimizer: AdamW;
  /** The rows trained on, whatever the task. */
  readonly features: TrainData;

  constructor(
    readonly model: TrainableModel,
    features: TrainFeatures | TrainData,
    options: Partial<TrainOptions> = {},
  ) {
    this.features = isTrainData(features) ? features : qaTrainData(features);
    if (this.features.count < 1) throw new Error(`no features to train on (count ${this.features.count})`);
    if (this.features.maxLength > model.config.max_position_embeddings) {
      throw new Error(`features have ${this.features.maxLength} tokens, more than the model's max_position_embeddings ${model.config.max_position_embeddings}`);
    }
    this.opts = resolveTrainOptions(model, options);
    this.total = totalTrainingSteps(features.count, this.opts);
    this.warmup = warmupSteps(this.opts.warmupRatio, this.total);
    this.rng = new SeededRng(this.opts.seed);
    this.cursor = { epoch: 0, position: 0, permutation: this.drawPermutation() };
    this.optimizer = new AdamW(model.params, {
      beta1: this.opts.beta1,
      beta2: this.opts.beta2,
      eps: this.opts.eps,
      weightDecay: this.opts.weightDecay,
    });
  }

  get options(): Readonly<TrainOptions> {
    return this.opts;
  }

  get totalSteps(): number {
    return this.total;
  }

  get warmupSteps(): number {
    return this.warmup;
  }

  /** Optimizer steps taken so far (skipped ones included: they consume data and schedule). */
  get stepsTaken(): number {
    return this.globalStep;
  }

  get done(): boolean {
    return this.globalStep >= this.total;
  }

  /** Fractional epochs consumed. */
  get epoch(): number {
    return this.cursor.epoch + this.cursor.position / this.features.count;
  }

  /** The learning rate the next update will use. */
  get learningRate(): number {
    return scheduledLearningRate(this.opts.learningRate, this.globalStep, this.total, this.warmup);
  }

  /** Runs one optimizer step (k micro-batches) and reports it; throws once the run is complete. */
  async step(): Promise<StepMetrics> {
    if (this.done) throw new Error(`training is complete (${this.total} steps)`);
    const t0 = performance.now();
    const { batchSize: B, gradAccumSteps: k, seed } = this.opts;
    const n = this.features.count;
    if (this.cursor.position >= n) {
      this.cursor = { epoch: this.cursor.epoch + 1, position: 0, permutation: this.drawPermutation() };
    }
    // An epoch's last update may get fewer than k micro-batches; the loss is then averaged over those.
    const micro: Int32Array[] = [];
    while (micro.length < k && this.cursor.position < n) {
      const rows = this.cursor.permutation.subarray(this.cursor.position, Math.min(this.cursor.position + B, n));
      this.cursor.position += rows.length;
      micro.push(rows);
    }
    const samples = micro.reduce((s, r) => s + r.length, 0);
    let grads: Map<string, tf.Tensor> | undefined;
    let accLoss: tf.Scalar = tf.scalar(0);
    for (let i = 0; i < micro.length; i++) {
      const rows = micro[i];
      const mb = this.features.batch(rows, B, 1 / (rows.length * micro.length));
      const forward = { training: this.opts.dropout, seed: mixSeeds(mixSeeds(seed, this.globalStep), i), gradientCheckpointing: this.opts.gradientCheckpointing };
      const out = accumulateGrads(this.model.params, (params) => mb.loss(params, this.model.config, forward), grads);
      mb.dispose();
      grads = out.grads;
      const prevLoss = accLoss;
      accLoss = tf.add(prevLoss, out.loss) as tf.Scalar;
      tf.dispose([prevLoss, out.loss]);
    }
    const accGrads = grads!;
    const normT = globalNorm(accGrads.values());
    const both = tf.stack([accLoss, normT]);
    const [loss, norm] = await both.data();
    tf.dispose([both, accLoss, normT]);
    const lr = this.learningRate;
    const finite = Number.isFinite(loss) && Number.isFinite(norm);
    if (finite) {
      // Clipping is the AdamW kernel's gradient scale; each gradient is freed once applied.
      const scale = this.opts.maxGradNorm > 0 ? clipCoefficient(norm, this.opts.maxGradNorm) : 1;
      this.optimizer.apply(accGrads, lr, scale, { disposeGrads: true });
      this.consecutiveNonFinite = 0;
    } else {
      tf.dispose([...accGrads.values()]);
      this.consecutiveNonFinite++;
    }
    this.globalStep++;
    const stepMs = performance.now() - t0;
    const metrics: StepMetrics = {
      step: this.globalStep,
      epoch: this.epoch,
      loss,
      lr,
      grad_norm: norm,
      samples_per_s: stepMs > 0 ? (samples * 1000) / stepMs : 0,
      step_ms: stepMs,
      samples,
    };
    if (!finite) {
      metrics.skipped = true;
      if (this.consecutiveNonFinite >= this.opts.nonFinitePatience) {
        metrics.pause_advised = true;
        metrics.advice = NON_FINITE_ADVICE;
      }
    }
    return metrics;
  }

  /** Mean loss over labelled features with dropout off (padding rows masked out). */
  async evalLoss(features: TrainFeatures | TrainData, batchSize = this.opts.batchSize): Promise<number> {
    return evaluateDataLoss(this.model, isTrainData(features) ? features : qaTrainData(features), batchSize);
  }

  /** A snapshot of everything that determines the rest of the run (weights, moments, counters, RNG, data cursor). */
  async state(): Promise<TrainerState> {
    return {
      format: 'bert-studio-trainer/1',
      options: { ...this.opts },
      featureCount: this.features.count,
      seqLength: this.features.maxLength,
      step: this.globalStep,
      totalSteps: this.total,
      warmupSteps: this.warmup,
      rng: this.rng.state,
      cursor: { epoch: this.cursor.epoch, position: this.cursor.position, permutation: new Int32Array(this.cursor.permutation) },
      consecutiveNonFinite: this.consecutiveNonFinite,
      params: await this.model.toHostParams(),
      optimizer: await this.optimizer.state(),
    };
  }

  /**
   * Continues a run from `state()`: the trainer must hold the same features; the state's options
   * replace the ones this trainer was built with.
   */
  restore(state: TrainerState): void {
    if (state.format !== 'bert-studio-trainer/1') throw new Error(`unknown trainer state format ${JSON.stringify(state.format)}`);
    if (state.featureCount !== this.features.count || state.seqLength !== this.features.maxLength) {
      throw new Error(
        `the checkpoint was taken on ${state.featureCount} features of length ${state.seqLength}, ` +
          `this trainer has ${this.features.count} of length ${this.features.maxLength}`,
      );
    }
    const c = state.cursor;
    if (c.permutation.length !== this.features.count || !(c.position >= 0 && c.position <= this.features.count)) {
      throw new Error('the checkpoint data cursor does not match the features');
    }
    for (const name of this.model.params.keys()) {
      if (!state.params.has(name)) throw new Error(`the checkpoint has no parameter ${name}`);
    }
    const options = resolveTrainOptions(this.model, state.options);
    this.optimizer.restore(state.optimizer);
    this.model.setParams(state.params);
    this.opts = options;
    this.total = state.totalSteps;
    this.warmup = state.warmupSteps;
    this.globalStep = state.step;
    this.consecutiveNonFinite = state.consecutiveNonFinite;
    this.rng.state = state.rng;
    this.cursor = { epoch: c.epoch, position: c.position, permutation: new Int32Array(c.permutation) };
  }

  /** Frees the optimizer moments; the model stays with its owner. */
  dispose(): void {
    this.optimizer.dispose();
  }

  private drawPermutation(): Int32Array {
    return epochOrder(this.rng, this.features.count, this.opts, this.features.lengths);
  }

}

/** Mean QA loss of a model over labelled features, dropout off, fixed-shape batches with masked padding. */
export async function evaluateLoss(model: TrainableModel, features: TrainFeatures, batchSize: number): Promise<number> {
  return evaluateDataLoss(model, qaTrainData(features), batchSize);
}
