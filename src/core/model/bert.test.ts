import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BackendName, installNodeWebGpu, setupBackend } from '../../../cli/backend.js';
import { hasSwiftShader, runVitestChild, swiftShaderEnv } from '../backend/webgpu-child.test-util.js';
import { BertForQuestionAnswering, batchFromArrays, disposeBatch } from './bert.js';
import { BERT_DEFAULTS, type BertConfig } from './config.js';
import { type HostParams, bertParamSpecs, initBertParams } from './params.js';
import { uniformGenerator } from '../util/prng.js';
import { type Batch64, referenceLogits, referenceLoss, toParams64 } from './reference64.test-util.js';

const CONFIG: BertConfig = {
  ...BERT_DEFAULTS,
  vocab_size: 64,
  hidden_size: 32,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  intermediate_size: 64,
  max_position_embeddings: 24,
  // A wide init makes attention and GELU clearly non-linear, so the checks below test something.
  initializer_range: 0.2,
  hidden_dropout_prob: 0.1,
  attention_probs_dropout_prob: 0.1,
};
const B = 2;
const L = 16;

/** Two rows: the first full, the second padded after 11 tokens; ids repeat so embedding grads accumulate. */
function makeBatch(): Batch64 & { startPositions: number[]; endPositions: number[] } {
  const rand = uniformGenerator(99);
  const inputIds: number[] = [];
  const tokenTypeIds: number[] = [];
  const attentionMask: number[] = [];
  for (let b = 0; b < B; b++) {
    const used = b === 0 ? L : 11;
    for (let l = 0; l < L; l++) {
      const real = l < used;
      inputIds.push(!real ? 0 : l === 0 ? 2 : 3 + Math.floor(rand() * 12));
      tokenTypeIds.push(real && l >= 6 ? 1 : 0);
      attentionMask.push(real ? 1 : 0);
    }
  }
  // The second row's end position is out of range: it must be clamped to L - 1.
  return { batchSize: B, seqLength: L, inputIds, tokenTypeIds, attentionMask, startPositions: [7, 0], endPositions: [9, 40] };
}

/** Seeded init plus noise on LayerNorm and biases, so no parameter sits at a special value (1 or 0). */
function makeParams(config: BertConfig): HostParams {
  const params = initBertParams(config, 1234);
  const rand = uniformGenerator(7);
  for (const spec of bertParamSpecs(config)) {
    if (spec.init === 'normal') continue;
    const t = params.get(spec.name)!;
    for (let i = 0; i < t.data.length; i++) t.data[i] += (rand() - 0.5) * 0.4;
  }
  return params;
}

const BATCH = makeBatch();
const PARAMS = makeParams(CONFIG);

const LOGIT_TOL = 1e-4;
/** fp32 gradients against float64 central differences: absolute floor plus a relative part. */
const GRAD_ABS_TOL = 1e-4;
const GRAD_REL_TOL = 2e-3;

interface Probe {
  name: string;
  index: number;
  fd: number;
}

/** Central differences on the float64 reference for a few entries of every parameter tensor. */
function finiteDifferenceProbes(config: BertConfig, params: HostParams): Probe[] {
  const p64 = toParams64(params);
  const H = config.hidden_size;
  const loss = () => referenceLoss(config, p64, BATCH, BATCH.startPositions, BATCH.endPositions);
  const h = 1e-5;
  const probes: Probe[] = [];
  const rand = uniformGenerator(5);
  for (const spec of bertParamSpecs(config)) {
    const arr = p64.get(spec.name)!;
    const indices: number[] = [];
    for (let k = 0; k < 3; k++) {
      if (spec.name.endsWith('word_embeddings.weight')) {
        indices.push(BATCH.inputIds[Math.floor(rand() * BATCH.inputIds.length)] * H + Math.floor(rand() * H));
      } else if (spec.name.endsWith('position_embeddings.weight')) {
        indices.push(Math.floor(rand() * L) * H + Math.floor(rand() * H));
      } else indices.push(Math.floor(rand() * arr.length));
    }
    for (const index of indices) {
      const keep = arr[index];
      arr[index] = keep + h;
      const up = loss();
      arr[index] = keep - h;
      const down = loss();
      arr[index] = keep;
      probes.push({ name: spec.name, index, fd: (up - down) / (2 * h) });
    }
  }
  return probes;
}

interface Oracle {
  start: Float64Array;
  end: Float64Array;
  loss: number;
  probes: Probe[];
  /** cpu backend results with dropout on (seed 7), the oracle for the other backends. */
  cpuTrainStart: Float32Array;
  cpuTrainLoss: number;
}

let oracle: Oracle;

async function computeOracle(): Promise<Oracle> {
  const p64 = toParams64(PARAMS);
  const { start, end } = referenceLogits(CONFIG, p64, BATCH);
  const loss = referenceLoss(CONFIG, p64, BATCH, BATCH.startPositions, BATCH.endPositions);
  await setupBackend('cpu');
  const model = new BertForQuestionAnswering(CONFIG, PARAMS);
  const batch = batchFromArrays(B, L, BATCH.inputIds, BATCH.tokenTypeIds, BATCH.attentionMask);
  const out = model.forward(batch, { training: true, seed: 7 });
  const sp = tf.tensor1d(BATCH.startPositions, 'int32');
  const ep = tf.tensor1d(BATCH.endPositions, 'int32');
  const trainLoss = model.loss(batch, sp, ep, { training: true, seed: 7 });
  const result: Oracle = {
    start,
    end,
    loss,
    probes: finiteDifferenceProbes(CONFIG, PARAMS),
    cpuTrainStart: (await out.startLogits.data()) as Float32Array,
    cpuTrainLoss: (await trainLoss.data())[0],
  };
  tf.dispose([out.startLogits, out.endLogits, sp, ep, trainLoss]);
  disposeBatch(batch);
  model.dispose();
  return result;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const requested = (process.env.BERT_TEST_BACKENDS ?? 'cpu,wasm,webgpu').split(',') as BackendName[];
let webgpuProblem: string | null = null;
if (requested.includes('webgpu')) webgpuProblem = await installNodeWebGpu();
// Dawn finds libvulkan only through LD_LIBRARY_PATH read at process start, so a run without the
// SwiftShader environment re-runs this file's webgpu suite in a child that has it.
const webgpuInChild = webgpuProblem !== null && !process.env.BERT_TEST_CHILD && hasSwiftShader();

beforeAll(async () => {
  oracle = await computeOracle();
});

function backendSuite(backend: BackendName): void {
  describe(`BertForQuestionAnswering on ${backend}`, () => {
    let model: BertForQuestionAnswering;
    let batch: ReturnType<typeof batchFromArrays>;
    let sp: tf.Tensor1D;
    let ep: tf.Tensor1D;

    beforeAll(async () => {
      await setupBackend(backend);
      model = new BertForQuestionAnswering(CONFIG, PARAMS);
      batch = batchFromArrays(B, L, BATCH.inputIds, BATCH.tokenTypeIds, BATCH.attentionMask);
      sp = tf.tensor1d(BATCH.startPositions, 'int32');
      ep = tf.tensor1d(BATCH.endPositions, 'int32');
    });
    afterAll(() => {
      tf.dispose([sp, ep]);
      disposeBatch(batch);
      model.dispose();
    });

    it('holds exactly the host parameters it was given', async () => {
      const host = await model.toHostParams();
      for (const [name, t] of PARAMS) expect(host.get(name)!.data).toEqual(t.data);
    });

    it(`matches the float64 reference logits and loss within ${LOGIT_TOL}`, async () => {
      const out = model.forward(batch);
      expect(out.startLogits.shape).toEqual([B, L]);
      expect(maxAbsDiff(await out.startLogits.data(), oracle.start)).toBeLessThan(LOGIT_TOL);
      expect(maxAbsDiff(await out.endLogits.data(), oracle.end)).toBeLessThan(LOGIT_TOL);
      const loss = model.loss(batch, sp, ep);
      expect(Math.abs((await loss.data())[0] - oracle.loss)).toBeLessThan(LOGIT_TOL);
      tf.dispose([out.startLogits, out.endLogits, loss]);
    });

    it(`gradients of every parameter kind match float64 central differences (abs ${GRAD_ABS_TOL} + rel ${GRAD_REL_TOL})`, async () => {
      const { loss, grads } = model.lossAndGrads(batch, sp, ep);
      expect(Math.abs((await loss.data())[0] - oracle.loss)).toBeLessThan(LOGIT_TOL);
      expect(new Set(grads.keys())).toEqual(new Set(PARAMS.keys()));
      const failures: string[] = [];
      for (const probe of oracle.probes) {
        const g = (await grads.get(probe.name)!.data())[probe.index];
        if (Math.abs(g - probe.fd) > GRAD_ABS_TOL + GRAD_REL_TOL * Math.abs(probe.fd)) {
          failures.push(`${probe.name}[${probe.index}]: tfjs ${g}, finite difference ${probe.fd}`);
        }
      }
      expect(failures).toEqual([]);
      // The probes must not all be trivially zero.
      expect(oracle.probes.filter((p) => Math.abs(p.fd) > 1e-3).length).toBeGreaterThan(oracle.probes.length / 2);
      tf.dispose([loss, ...grads.values()]);
    });

    it('applies seeded dropout only in training, identically to the cpu backend', async () => {
      const evalOut = model.forward(batch, { training: false, seed: 7 });
      const a = model.forward(batch, { training: true, seed: 7 });
      const b = model.forward(batch, { training: true, seed: 7 });
      const c = model.forward(batch, { training: true, seed: 8 });
      const [ev, av, bv, cv] = await Promise.all([evalOut, a, b, c].map((o) => o.startLogits.data()));
      expect(maxAbsDiff(ev, oracle.start)).toBeLessThan(LOGIT_TOL);
      expect(av).toEqual(bv);
      expect(maxAbsDiff(av, cv)).toBeGreaterThan(1e-2);
      expect(maxAbsDiff(av, ev)).toBeGreaterThan(1e-2);
      expect(maxAbsDiff(av, oracle.cpuTrainStart)).toBeLessThan(LOGIT_TOL);
      const loss = model.loss(batch, sp, ep, { training: true, seed: 7 });
      expect(Math.abs((await loss.data())[0] - oracle.cpuTrainLoss)).toBeLessThan(LOGIT_TOL);
      const { loss: l2, grads } = model.lossAndGrads(batch, sp, ep, { training: true, seed: 7 });
      for (const g of grads.values()) expect(Array.from(await g.data()).every(Number.isFinite)).toBe(true);
      tf.dispose([evalOut, a, b, c].flatMap((o) => [o.startLogits, o.endLogits]));
      tf.dispose([loss, l2, ...grads.values()]);
    });

    it('leaks no tensors over repeated forward and backward passes', async () => {
      const step = async () => {
        const out = model.forward(batch, { training: true, seed: 3 });
        const { loss, grads } = model.lossAndGrads(batch, sp, ep, { training: true, seed: 3 });
        await loss.data();
        tf.dispose([out.startLogits, out.endLogits, loss, ...grads.values()]);
      };
      await step();
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) await step();
      expect(tf.memory().numTensors).toBe(before);
    });
  });
}

for (const backend of requested) {
  if (backend === 'webgpu' && webgpuProblem !== null) {
    if (webgpuInChild) {
      it('webgpu suite passes in a child process with SwiftShader', async (ctx) => {
        const env = swiftShaderEnv({ BERT_TEST_BACKENDS: 'webgpu', BERT_TEST_CHILD: '1' });
        const { code, output } = await runVitestChild(fileURLToPath(import.meta.url), env);
        if (code !== 0) console.error(output);
        expect(code).toBe(0);
        const reason = /webgpu: ([^\n]*)/.exec(output);
        if (/skipped/i.test(output)) ctx.skip(`webgpu skipped in the child: ${reason?.[1] ?? 'no adapter'}`);
      });
    } else {
      it.skip(`webgpu: ${webgpuProblem}`, () => {});
    }
    continue;
  }
  backendSuite(backend);
}

describe('gelu_new (tanh form)', () => {
  it('matches the float64 reference on cpu', async () => {
    await setupBackend('cpu');
    const config: BertConfig = { ...CONFIG, hidden_act: 'gelu_new' };
    const model = new BertForQuestionAnswering(config, PARAMS);
    const batch = batchFromArrays(B, L, BATCH.inputIds, BATCH.tokenTypeIds, BATCH.attentionMask);
    const out = model.forward(batch);
    const ref = referenceLogits(config, toParams64(PARAMS), BATCH);
    expect(maxAbsDiff(await out.endLogits.data(), ref.end)).toBeLessThan(LOGIT_TOL);
    tf.dispose([out.startLogits, out.endLogits]);
    disposeBatch(batch);
    model.dispose();
  });
});
