import * as tf from '@tensorflow/tfjs';
import { type BertConfig, BertConfigError, validateBertConfig } from './config.js';
import { type HostParams, type ParamSpec, shapeSize } from './params.js';

let nextModelId = 0;

/**
 * A BERT model's parameters as tf.Variables in Hugging Face layout (encoder plus a task head, as
 * listed by `specs`), with host transfer. Each instance gets its own name scope because tfjs
 * requires globally unique variable names. The task classes add forward passes on top.
 */
export class BertVariables {
  readonly config: BertConfig;
  readonly params: ReadonlyMap<string, tf.Variable>;
  private disposed = false;

  constructor(config: BertConfig, host: HostParams, specs: readonly ParamSpec[], scopePrefix: string) {
    const problems = validateBertConfig(config);
    if (problems.length > 0) throw new BertConfigError(problems);
    this.config = { ...config };
    const scope = `${scopePrefix}_${nextModelId++}`;
    for (const spec of specs) {
      const t = host.get(spec.name);
      if (!t) throw new Error(`parameter ${spec.name} is missing`);
      if (t.shape.length !== spec.shape.length || t.shape.some((d, i) => d !== spec.shape[i]) || t.data.length !== shapeSize(spec.shape)) {
        throw new Error(`parameter ${spec.name} has shape [${t.shape}], expected [${spec.shape}]`);
      }
    }
    const vars = new Map<string, tf.Variable>();
    for (const spec of specs) {
      const t = host.get(spec.name)!;
      vars.set(spec.name, tf.tidy(() => tf.variable(tf.tensor(t.data, spec.shape, 'float32'), true, `${scope}/${spec.name}`)));
    }
    this.params = vars;
  }

  /** Overwrites parameters from host arrays (e.g. a loaded checkpoint); shapes must match. */
  setParams(host: HostParams): void {
    this.assertAlive();
    for (const [name, v] of this.params) {
      const t = host.get(name);
      if (!t) continue;
      if (t.data.length !== v.size) throw new Error(`parameter ${name} has ${t.data.length} values, expected ${v.size}`);
      tf.tidy(() => v.assign(tf.tensor(t.data, v.shape, 'float32')));
    }
  }

  /** Copies every parameter back to the host, in Hugging Face names and layout. */
  async toHostParams(): Promise<HostParams> {
    this.assertAlive();
    const out: HostParams = new Map();
    for (const [name, v] of this.params) {
      const data = (await v.data()) as Float32Array;
      out.set(name, { shape: [...v.shape], data: new Float32Array(data) });
    }
    return out;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of this.params.values()) v.dispose();
  }

  protected assertAlive(): void {
    if (this.disposed) throw new Error('model was disposed');
  }
}
