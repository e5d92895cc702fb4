import * as tf from '@tensorflow/tfjs';
import { layerPrefix } from './params.js';

type ParamTensors = ReadonlyMap<string, tf.Tensor>;

/** What an encoder layer reads besides its input and parameters: the key mask and its dropout seeds. */
export interface LayerContext {
  maskAdd: tf.Tensor;
  nextSeed: () => number;
}

export type EncoderLayerFn<C extends LayerContext> = (hidden: tf.Tensor2D, params: ParamTensors, i: number, ctx: C) => tf.Tensor2D;

interface EngineTape {
  state: { activeTape: unknown; gradientDepth: number; kernelDepth: number };
}

/**
 * Gradients of `f` for `xs` from inside a backward pass. tfjs keeps one active tape and clears it
 * when a top-level gradient computation ends, which a nested one would do to the outer pass's tape,
 * so the outer tape is put back afterwards. Inputs the output does not depend on get zeros.
 */
function nestedGradients(f: () => tf.Tensor, xs: tf.Tensor[], dy: tf.Tensor): tf.Tensor[] {
  const engine = tf.engine() as unknown as EngineTape & { gradients(f: () => tf.Tensor, xs: tf.Tensor[], dy: tf.Tensor, allowNoGradients: boolean): { value: tf.Tensor; grads: (tf.Tensor | undefined)[] } };
  const outerTape = engine.state.activeTape;
  try {
    const { value, grads } = engine.gradients(f, xs, dy, true);
    value.dispose();
    return grads.map((g, i) => g ?? tf.zerosLike(xs[i]));
  } finally {
    engine.state.activeTape = outerTape;
  }
}

/**
 * Runs encoder layer i with gradient checkpointing: the forward pass keeps only the layer's input
 * (its intermediates are freed at once) and the backward pass recomputes the layer, drawing the same
 * dropout seeds in the same order, so the masks and therefore the gradients are those of the plain layer.
 */
export function checkpointedLayer<C extends LayerContext>(layer: EncoderLayerFn<C>, hidden: tf.Tensor2D, params: ParamTensors, i: number, ctx: C): tf.Tensor2D {
  // Without a gradient being recorded there is nothing to save memory for.
  const { state } = tf.engine() as unknown as EngineTape;
  if (state.gradientDepth === 0 || state.kernelDepth > 0) return layer(hidden, params, i, ctx);
  const prefix = `${layerPrefix(i)}.`;
  const names = [...params.keys()].filter((n) => n.startsWith(prefix));
  const seeds: number[] = [];
  const run = (inputs: tf.Tensor[], nextSeed: () => number): tf.Tensor2D => {
    const [x, maskAdd, ...weights] = inputs;
    const local = new Map(params);
    names.forEach((n, k) => local.set(n, weights[k]));
    return layer(x as tf.Tensor2D, local, i, { ...ctx, maskAdd, nextSeed });
  };
  const wrapped = tf.customGrad((...args) => {
    // tfjs's save() clones, which copies on wasm; views that share the buffers are kept instead.
    args.pop();
    const kept = (args as tf.Tensor[]).map((t) => tf.keep(tf.reshape(t, t.shape)));
    const record = (): number => {
      const s = ctx.nextSeed();
      seeds.push(s);
      return s;
    };
    return {
      value: tf.tidy(() => run(kept, record)),
      gradFunc: (dy: tf.Tensor) => {
        let k = 0;
        const replay = (): number => {
          if (k >= seeds.length) throw new Error(`checkpointed layer ${i} drew more dropout seeds on recompute than on its forward pass`);
          return seeds[k++];
        };
        try {
          return nestedGradients(() => run(kept, replay), kept, dy);
        } finally {
          tf.dispose(kept);
        }
      },
    };
  });
  return wrapped(hidden, ctx.maskAdd, ...names.map((n) => params.get(n)!)) as tf.Tensor2D;
}
