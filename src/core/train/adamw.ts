import * as tf from '@tensorflow/tfjs';
import type { HostParams } from '../model/index.js';
import { type AdamWStepAttrs, fusedAdamW, hasFusedOptimizer } from './fused.js';

export interface AdamWOptions {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export const ADAMW_DEFAULTS: Readonly<AdamWOptions> = Object.freeze({ beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });

/** Hugging Face Trainer's rule: no weight decay on biases and LayerNorm parameters. */
export function decaysWeight(name: string): boolean {
  return !(name.endsWith('.bias') || name.includes('LayerNorm'));
}

/** Optimizer state with torch's names: `step` counts applied updates (it drives bias correction). */
export interface AdamWState {
  step: number;
  exp_avg: HostParams;
  exp_avg_sq: HostParams;
}

let nextOptimizerId = 0;

/**
 * torch.optim.AdamW over named tf.Variables. One update, for each parameter p with gradient g:
 *   p <- p * (1 - lr * wd)                       (decoupled decay, only where decaysWeight)
 *   m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2
 *   p <- p - (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 */
export class AdamW {
  readonly options: Readonly<AdamWOptions>;
  readonly expAvg = new Map<string, tf.Variable>();
  readonly expAvgSq = new Map<string, tf.Variable>();
  private t = 0;
  private disposed = false;

  constructor(
    private readonly params: ReadonlyMap<string, tf.Variable>,
    options: Partial<AdamWOptions> = {},
  ) {
    this.options = { ...ADAMW_DEFAULTS, ...options };
    // tfjs needs globally unique variable names, hence the per-instance scope.
    const scope = `adamw_${nextOptimizerId++}`;
    // tf.variable copies its initial value, so the zeros are freed by the tidy (variables survive it).
    tf.tidy(() => {
      for (const [name, p] of params) {
        this.expAvg.set(name, tf.variable(tf.zeros(p.shape), false, `${scope}/exp_avg/${name}`));
        this.expAvgSq.set(name, tf.variable(tf.zeros(p.shape), false, `${scope}/exp_avg_sq/${name}`));
      }
    });
  }

  /** Updates applied so far. */
  get step(): number {
    return this.t;
  }

  /**
   * One update with learning rate lr; every gradient is first multiplied by gradScale (the clipping
   * coefficient), which saves materialising clipped copies. Parameters are updated one at a time,
   * smallest first, each in its own tidy, so at most one parameter's temporaries exist at once; with
   * disposeGrads each gradient is freed as soon as it is applied, the largest ones last.
   */
  apply(grads: ReadonlyMap<string, tf.Tensor>, lr: number, gradScale = 1, options: { disposeGrads?: boolean } = {}): void {
    this.assertAlive();
    for (const name of this.params.keys()) {
      if (!grads.has(name)) throw new Error(`no gradient for parameter ${name}`);
    }
    const { beta1, beta2, eps, weightDecay } = this.options;
    const t = this.t + 1;
    const base = { beta1, beta2, eps, stepSize: lr / (1 - beta1 ** t), sqrtBc2: Math.sqrt(1 - beta2 ** t), gradScale };
    const step = hasFusedOptimizer() ? fusedAdamW : adamwComposite;
    const order = [...this.params.keys()].sort((a, b) => this.params.get(a)!.size - this.params.get(b)!.size);
    for (const name of order) {
      const p = this.params.get(name)!;
      const g = grads.get(name)!;
      const attrs: AdamWStepAttrs = { ...base, decay: weightDecay !== 0 && decaysWeight(name) ? 1 - lr * weightDecay : 1 };
      tf.tidy(() => {
        const m = this.expAvg.get(name)!;
        const v = this.expAvgSq.get(name)!;
        const [pNew, mNew, vNew] = step(p, m, v, g, attrs);
        p.assign(pNew);
        m.assign(mNew);
        v.assign(vNew);
      });
      if (options.disposeGrads) g.dispose();
    }
    this.t = t;
  }

  async state(): Promise<AdamWState> {
    this.assertAlive();
    const read = async (vars: Map<string, tf.Variable>): Promise<HostParams> => {
      const out: HostParams = new Map();
      for (const [name, v] of vars) out.set(name, { shape: [...v.shape], data: new Float32Array((await v.data()) as Float32Array) });
      return out;
    };
    return { step: this.t, exp_avg: await read(this.expAvg), exp_avg_sq: await read(this.expAvgSq) };
  }

  restore(state: AdamWState): void {
    this.assertAlive();
    if (!Number.isInteger(state.step) || state.step < 0) throw new Error(`optimizer step must be a non-negative integer, got ${state.step}`);
    for (const [label, vars, host] of [
      ['exp_avg', this.expAvg, state.exp_avg],
      ['exp_avg_sq', this.expAvgSq, state.exp_avg_sq],
    ] as const) {
      for (const [name, v] of vars) {
        const h = host.get(name);
        if (!h) throw new Error(`optimizer state has no ${label} for ${name}`);
        if (h.data.length !== v.size) throw new Error(`optimizer ${label} for ${name} has ${h.data.length} values, expected ${v.size}`);
      }
    }
    for (const [vars, host] of [
      [this.expAvg, state.exp_avg],
      [this.expAvgSq, state.exp_avg_sq],
    ] as const) {
      for (const [name, v] of vars) tf.tidy(() => v.assign(tf.tensor(host.get(name)!.data, v.shape, 'float32')));
    }
    this.t = state.step;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of [...this.expAvg.values(), ...this.expAvgSq.values()]) v.dispose();
  }

  private assertAlive(): void {
    if (this.disposed) throw new Error('optimizer was disposed');
  }
}

/**
 * The same update as tfjs ops, one small op each: the reference the fused kernel is tested against,
 * and the path on backends without it.
 */
export function adamwComposite(p: tf.Tensor, m: tf.Tensor, v: tf.Tensor, grad: tf.Tensor, a: AdamWStepAttrs): [tf.Tensor, tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const g = a.gradScale === 1 ? grad : tf.mul(grad, a.gradScale);
    const mNew = tf.add(tf.mul(m, a.beta1), tf.mul(g, 1 - a.beta1));
    const vNew = tf.add(tf.mul(v, a.beta2), tf.mul(tf.square(g), 1 - a.beta2));
    const denom = tf.add(tf.div(tf.sqrt(vNew), a.sqrtBc2), a.eps);
    const decayed = a.decay === 1 ? p : tf.mul(p, a.decay);
    return [tf.sub(decayed, tf.mul(tf.div(mNew, denom), a.stepSize)), mNew, vNew];
  });
}
