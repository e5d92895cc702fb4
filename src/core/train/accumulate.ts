import * as tf from '@tensorflow/tfjs';
import type { ParamTensors } from '../model/index.js';

/**
 * The parameter as the forward pass reads it, whose gradient arrives with `prev` already added: the
 * running sum is consumed (and freed) the moment this parameter's new gradient exists, so
 * accumulation never holds a second full set of gradients.
 */
function addingInto(param: tf.Tensor, prev: tf.Tensor): tf.Tensor {
  const tap = tf.customGrad((x) => ({
    // A reshape shares the buffer on every backend; a clone copies it on wasm.
    value: tf.reshape(x as tf.Tensor, (x as tf.Tensor).shape),
    gradFunc: (dy: tf.Tensor) => {
      const sum = tf.add(dy, prev);
      prev.dispose();
      return sum;
    },
  }));
  return tap(param);
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
  const { value, grads } = tf.variableGrads(() => {
    if (!running) return lossOf(params);
    const tapped = new Map<string, tf.Tensor>();
    for (const [name, p] of params) {
      const prev = running.get(name);
      tapped.set(name, prev ? addingInto(p, prev) : p);
    }
    return lossOf(tapped);
  }, vars);
  const byName = new Map<string, tf.Tensor>();
  for (const [name, v] of params) {
    const g = grads[v.name];
    const prev = running?.get(name);
    // A parameter the loss does not reach keeps its running sum (its tap never ran).
    byName.set(name, g ?? (prev && !prev.isDisposed ? prev : tf.zerosLike(v)));
  }
  return { loss: value, grads: byName };
}
