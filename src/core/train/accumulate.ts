import * as tf from '@tensorflow/tfjs';
import type { ParamTensors } from '../model/index.js';

/**
 * Parameters whose gradients arrive with the running sums already added. Reading a parameter the
 * first time records a tap on the tape, just before the parameter's first use: its output is the
 * parameter itself (no new tensor) and its gradient is the running sum, which tfjs's backward pass
 * adds to the new gradient, freeing that one. Each running sum is freed as soon as it has been added
 * (at the next tap, or at the end), so accumulation holds one set of gradients, not two.
 */
class TappedParams extends Map<string, tf.Tensor> {
  private readonly tapped = new Set<string>();
  private spent: tf.Tensor[] = [];

  constructor(
    private readonly params: ReadonlyMap<string, tf.Variable>,
    private readonly running: Map<string, tf.Tensor>,
  ) {
    super(params);
  }

  override get(name: string): tf.Tensor | undefined {
    const p = this.params.get(name);
    const prev = this.running.get(name);
    if (!p || !prev || this.tapped.has(name)) return p;
    this.tapped.add(name);
    const tap = tf.customGrad((x) => ({
      value: x as tf.Tensor,
      gradFunc: () => {
        this.release();
        this.spent.push(prev);
        return prev;
      },
    }));
    return tap(p);
  }

  /** Frees the running sums already added. */
  release(): void {
    tf.dispose(this.spent);
    this.spent = [];
  }
}

export interface AccumulatedGrads {
  loss: tf.Scalar;
  /** Gradient of every parameter by name, summed with the previous micro-batches'. */
  grads: Map<string, tf.Tensor>;
}

/**
 * Loss and the gradient of every parameter, added during the backward pass into `running` (the
 * gradients of earlier micro-batches, consumed by this call). `lossOf` builds the loss from the
 * parameter tensors it is given. The caller disposes the loss and the returned gradients.
 */
export function accumulateGrads(
  params: ReadonlyMap<string, tf.Variable>,
  lossOf: (params: ParamTensors) => tf.Scalar,
  running?: Map<string, tf.Tensor>,
): AccumulatedGrads {
  const vars = [...params.values()];
  const tapped = running ? new TappedParams(params, running) : null;
  const { value, grads } = tf.variableGrads(() => lossOf(tapped ?? params), vars);
  tapped?.release();
  const byName = new Map<string, tf.Tensor>();
  for (const [name, v] of params) {
    const g = grads[v.name];
    const prev = running?.get(name);
    // A parameter the loss does not reach keeps its running sum (its tap never ran).
    byName.set(name, g ?? (prev && !prev.isDisposed ? prev : tf.zerosLike(v)));
  }
  return { loss: value, grads: byName };
}
