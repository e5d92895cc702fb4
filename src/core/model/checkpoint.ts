import * as tf from '@tensorflow/tfjs';
import { layerPrefix } from './params.js';

type ParamTensors = ReadonlyMap<string, tf.Tensor>;

/** What an encoder layer reads besides its input and parameters: the key mask and its dropout seeds. */
export interface LayerContext {
  maskAdd: tf.Tensor;
  nextSeed: () => number;
}

export type EncoderLayerFn<C extends LayerContext> = (hidden: tf.Tensor2D, params: ParamTensors, i: number, ctx: C) => tf.Tensor2D;

interface TapeNode {
  kernelName: string;
  inputs: Record<string, tf.Tensor>;
  outputs: tf.Tensor[];
  gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;
  saved?: tf.Tensor[];
}

interface EngineTape {
  state: { activeTape: TapeNode[] | null; gradientDepth: number; kernelDepth: number };
}

/**
 * Gradients of f() for xs, given dy, from inside a backward pass. tfjs's own tf.grads cannot be
 * nested there (a top-level gradient computation clears the one active tape, the outer pass's), and
 * it holds every intermediate gradient and saved tensor until it ends. This walks the recomputed
 * layer's tape backwards itself and frees each node's saved tensors and output gradients as soon as
 * the node is done, so the recompute peaks well below a full layer's activations plus gradients.
 */
function recomputeGradients(f: () => tf.Tensor, xs: tf.Tensor[], dy: tf.Tensor): tf.Tensor[] {
  const { state } = tf.engine() as unknown as EngineTape;
  const outerTape = state.activeTape;
  state.activeTape = [];
  state.gradientDepth++;
  let y: tf.Tensor;
  let tape: TapeNode[];
  try {
    y = tf.tidy(f);
  } finally {
    state.gradientDepth--;
    tape = state.activeTape ?? [];
    state.activeTape = outerTape;
  }
  try {
    return tf.tidy(() => backprop(tape, xs, y, dy));
  } finally {
    for (const node of tape) tf.dispose(node.saved ?? []);
    y.dispose();
  }
}

function backprop(tape: TapeNode[], xs: tf.Tensor[], y: tf.Tensor, dy: tf.Tensor): tf.Tensor[] {
  const fromX = new Set(xs.map((x) => x.id));
  const reached = tape.map((node) => {
    const hit = Object.values(node.inputs).some((t) => fromX.has(t.id));
    if (hit) for (const o of node.outputs) fromX.add(o.id);
    return hit;
  });
  const grads = new Map<number, tf.Tensor>([[y.id, dy]]);
  // A gradient object may be stored under several ids (an op passing dy through); free it only when no id holds it.
  const release = (t: tf.Tensor): void => {
    if (t !== dy && ![...grads.values()].includes(t)) t.dispose();
  };
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i];
    const dys = node.outputs.map((o) => grads.get(o.id) ?? null);
    if (reached[i] && dys.some((d) => d !== null)) {
      if (!node.gradient) throw new Error(`cannot recompute the gradient of ${node.kernelName}: it has no gradient function`);
      const inputGrads = node.gradient(dys);
      for (const [name, x] of Object.entries(node.inputs)) {
        if (!fromX.has(x.id)) continue;
        const dx = tf.tidy(() => inputGrads[name]());
        const current = grads.get(x.id);
        if (!current) {
          grads.set(x.id, dx);
        } else {
          grads.set(x.id, tf.add(current, dx));
          release(current);
          release(dx);
        }
      }
    }
    // Every consumer of this node's outputs came later on the tape and is done: their gradients are spent.
    for (const o of node.outputs) {
      const g = grads.get(o.id);
      if (g) {
        grads.delete(o.id);
        release(g);
      }
    }
    tf.dispose(node.saved ?? []);
  }
  return xs.map((x) => grads.get(x.id) ?? tf.zerosLike(x));
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
          return recomputeGradients(() => run(kept, replay), kept, dy);
        } finally {
          tf.dispose(kept);
        }
      },
    };
  });
  return wrapped(hidden, ctx.maskAdd, ...names.map((n) => params.get(n)!)) as tf.Tensor2D;
}
