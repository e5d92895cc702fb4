import * as tf from '@tensorflow/tfjs';
import { sumOfSquares } from './fused.js';

/** Most inputs per AddN: WebGPU binds one storage buffer per input, and SwiftShader allows 8 per stage. */
const ADDN_CHUNK = 7;

/** Sum of scalars in ceil(n / 6) AddN kernels instead of n - 1 pairwise adds. */
function sumScalars(parts: tf.Tensor[]): tf.Tensor {
  let level = parts;
  while (level.length > 1) {
    const next: tf.Tensor[] = [];
    for (let i = 0; i < level.length; i += ADDN_CHUNK) {
      const chunk = level.slice(i, i + ADDN_CHUNK);
      next.push(chunk.length === 1 ? chunk[0] : tf.addN(chunk));
    }
    level = next;
  }
  return level[0] ?? tf.scalar(0);
}

/**
 * sqrt of the sum of squares of every gradient element: torch.nn.utils.clip_grad_norm_'s total_norm
 * (p = 2). One fused sum-of-squares kernel per gradient where the backend has it, then chunked AddNs.
 */
export function globalNorm(grads: Iterable<tf.Tensor>): tf.Scalar {
  return tf.tidy(() => tf.sqrt(sumScalars([...grads].map((g) => sumOfSquares(g)))) as tf.Scalar);
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
