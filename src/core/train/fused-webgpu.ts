import * as tf from '@tensorflow/tfjs';
import type { AdamWStepAttrs } from './fused-math.js';

/*
 * WGSL kernels for the optimizer, run through tfjs's webgpu backend. The backend is reached by
 * duck typing (no import of @tensorflow/tfjs-backend-webgpu, which needs a GPU at load time); the
 * fields used are those of tfjs-backend-webgpu 4.22.
 */

type Info = tf.TensorInfo;
type Gpu = any; // eslint-disable-line @typescript-eslint/no-explicit-any

interface WebGPUBackend {
  device: Gpu;
  tensorMap: { get(dataId: object): { resource: Gpu } };
  uploadToGPU(dataId: object): void;
  makeTensorInfo(shape: number[], dtype: 'float32'): Info;
  makeUniforms(uniforms: { type: 'float32' | 'uint32' | 'int32'; data: number[] }[]): Gpu;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  commandEncoder: Gpu;
  computePassEncoder: Gpu;
  dispatchCountInPass: number;
  commandQueueOwnedIds: WeakSet<object>;
  runWebGPUProgram(program: object, inputs: Info[], dtype: 'float32', uniforms?: { type: string; data: number[] }[]): Info;
}

const WORKGROUP = 256;
// Enough threads to fill a large GPU; a grid-stride loop covers the rest.
const MAX_GROUPS = 1024;

/*
 * tfjs programs write one output buffer; AdamW writes three (p, m, v), so it gets its own pipeline:
 * one dispatch reads p, m, v, g once and writes the three results, a grid-stride loop covering any size.
 */
const ADAMW_WGSL = /* wgsl */ `
struct Attrs { b1: f32, c1: f32, b2: f32, c2: f32, bc2: f32, eps: f32, decay: f32, stepSize: f32, scale: f32, n: u32 }
@group(0) @binding(0) var<storage, read_write> pOut: array<f32>;
@group(0) @binding(1) var<storage, read_write> mOut: array<f32>;
@group(0) @binding(2) var<storage, read_write> vOut: array<f32>;
@group(0) @binding(3) var<storage, read> p: array<f32>;
@group(0) @binding(4) var<storage, read> m: array<f32>;
@group(0) @binding(5) var<storage, read> v: array<f32>;
@group(0) @binding(6) var<storage, read> g: array<f32>;
@group(0) @binding(7) var<uniform> a: Attrs;

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let stride = groups.x * ${WORKGROUP}u;
  for (var i = gid.x; i < a.n; i = i + stride) {
    let gi = g[i] * a.scale;
    let mi = m[i] * a.b1 + gi * a.c1;
    let vi = v[i] * a.b2 + (gi * gi) * a.c2;
    let denom = sqrt(vi) / a.bc2 + a.eps;
    pOut[i] = p[i] * a.decay - (mi / denom) * a.stepSize;
    mOut[i] = mi;
    vOut[i] = vi;
  }
}`;

const pipelines = new WeakMap<object, Gpu>();

function adamwPipeline(device: Gpu): Gpu {
  let pipeline = pipelines.get(device);
  if (!pipeline) {
    pipeline = device.createComputePipeline({
      layout: 'auto',
      compute: { module: device.createShaderModule({ code: ADAMW_WGSL }), entryPoint: 'main' },
    });
    pipelines.set(device, pipeline);
  }
  return pipeline;
}

export function adamwWebGPU(backend: unknown, inputs: Info[], attrs: AdamWStepAttrs): Info[] {
  const be = backend as WebGPUBackend;
  const shape = inputs[0].shape;
  const n = shape.reduce((x, y) => x * y, 1);
  const outputs = [0, 1, 2].map(() => be.makeTensorInfo(shape, 'float32'));
  if (n === 0) return outputs;
  for (const t of [...outputs, ...inputs]) be.uploadToGPU(t.dataId);
  const f32 = (x: number) => ({ type: 'float32' as const, data: [x] });
  const uniforms = be.makeUniforms([
    f32(attrs.beta1),
    f32(1 - attrs.beta1),
    f32(attrs.beta2),
    f32(1 - attrs.beta2),
    f32(attrs.sqrtBc2),
    f32(attrs.eps),
    f32(attrs.decay),
    f32(attrs.stepSize),
    f32(attrs.gradScale),
    { type: 'uint32', data: [n] },
  ]);
  const pipeline = adamwPipeline(be.device);
  const buffers = [...outputs, ...inputs].map((t) => ({ buffer: be.tensorMap.get(t.dataId).resource }));
  const bindGroup = be.device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [...buffers, uniforms].map((resource, binding) => ({ binding, resource })),
  });
  // The same bookkeeping as the backend's own recordAndSubmit, so buffers outlive the queued work.
  for (const t of [...inputs, ...outputs]) be.commandQueueOwnedIds.add(t.dataId);
  be.ensureCommandEncoderReady();
  if (!be.computePassEncoder) be.computePassEncoder = be.commandEncoder.beginComputePass({});
  be.computePassEncoder.setPipeline(pipeline);
  be.computePassEncoder.setBindGroup(0, bindGroup);
  be.computePassEncoder.dispatchWorkgroups(Math.min(MAX_GROUPS, Math.ceil(n / WORKGROUP)));
  be.dispatchCountInPass++;
  if ((tf.env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE') as number) <= be.dispatchCountInPass) {
    be.endComputePassEncoder();
    be.submitQueue();
  }
  return outputs;
}

/** sum(x^2) in one workgroup: each thread strides over x, then a tree reduction in shared memory. */
class SumOfSquaresProgram {
  variableNames = ['x'];
  uniforms = 'n : i32,';
  outputShape = [1];
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number] = [1, 1, 1];
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  shaderKey = 'studio_sum_of_squares';

  getUserCode(): string {
    return `
      var<workgroup> partial : array<f32, ${WORKGROUP}>;
      fn main(index : i32) {
        var s = 0.0;
        for (var k = i32(localId.x); k < uniforms.n; k = k + ${WORKGROUP}) {
          let e = f32(x[k]);
          s = s + e * e;
        }
        partial[localId.x] = s;
        workgroupBarrier();
        for (var width = ${WORKGROUP / 2}u; width > 0u; width = width / 2u) {
          if (localId.x < width) {
            partial[localId.x] = partial[localId.x] + partial[localId.x + width];
          }
          workgroupBarrier();
        }
        if (localId.x == 0u) {
          setOutputAtIndex(0, partial[0]);
        }
      }`;
  }
}

export function sumOfSquaresWebGPU(backend: unknown, x: Info): Info {
  const be = backend as WebGPUBackend;
  const n = x.shape.reduce((a, b) => a * b, 1);
  const out = be.runWebGPUProgram(new SumOfSquaresProgram(), [x], 'float32', [{ type: 'int32', data: [n] }]);
  return { ...out, shape: [] };
}
