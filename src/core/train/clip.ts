import * as tf from '@tensorflow/tfjs';

/** sqrt of the sum of squares of every gradient element: torch.nn.utils.clip_grad_norm_'s total_norm (p = 2). */
export function globalNorm(grads: Iterable<tf.Tensor>): tf.Scalar {
  // Summed pairwise, not with tf.addN: WebGPU's AddN binds one storage buffer per input, and a
  // model's ~40 gradients exceed the per-stage limit (8 on SwiftShader), which fails validation.
  return tf.tidy(() => {
    let total: tf.Tensor = tf.scalar(0);
    for (const g of grads) total = tf.add(total, tf.sum(tf.square(g)));
    return tf.sqrt(total) as tf.Scalar;
  });
}

/**
 * The factor clip_grad_norm_ multiplies gradients by: max_norm / (total_norm + 1e-6), clamped to 1,
 * so gradients within the bound are left as they are.
 */
export function clipCoefficient(totalNorm: number, maxNorm: number): number {
  return Math.min(1, maxNorm / (totalNorm + 1e-6));
}

/** Gradients scaled to a global norm of at most maxNorm; returns new tensors and the norm before clipping. */
export async function clipByGlobalNorm(
  grads: ReadonlyMap<string, tf.Tensor>,
  maxNorm: number,
): Promise<{ grads: Map<string, tf.Tensor>; norm: number; scale: number }> {
  const normT = globalNorm(grads.values());
  const norm = (await normT.data())[0];
  normT.dispose();
  const scale = clipCoefficient(norm, maxNorm);
  const out = new Map<string, tf.Tensor>();
  for (const [name, g] of grads) out.set(name, tf.tidy(() => (scale === 1 ? tf.clone(g) : tf.mul(g, scale))));
  return { grads: out, norm, scale };
}
