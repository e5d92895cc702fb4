import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { installNodeWebGpu, setupBackend } from '../../../cli/backend.js';
import { BertForQuestionAnswering } from '../../core/model/index.js';
import { Trainer, type StepMetrics } from '../../core/train/index.js';
import { TINY, markedFeatures } from '../../core/train/fixtures.test-util.js';
import { installChunkedWebGpuAddN } from './train-webgpu.js';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const problem = await installNodeWebGpu();
// Dawn reads LD_LIBRARY_PATH only at process start: without it, the suite re-runs in a child that has it.
const inChild = problem !== null && !process.env.TRAIN_WEBGPU_CHILD && existsSync(SWIFTSHADER_ICD);

async function steps(backend: 'cpu' | 'webgpu', n: number): Promise<StepMetrics[]> {
  await setupBackend(backend);
  const model = BertForQuestionAnswering.init(TINY, 3);
  const trainer = new Trainer(model, markedFeatures(8, 16, 2), { batchSize: 4, maxSteps: n, dropout: false, learningRate: 1e-3 });
  const out: StepMetrics[] = [];
  while (!trainer.done) out.push(await trainer.step());
  trainer.dispose();
  model.dispose();
  return out;
}

if (problem === null) {
  describe('chunked AddN on webgpu', () => {
    it('adds 40 tensors (more than the 8 storage buffers a shader may bind) exactly', async () => {
      await setupBackend('webgpu');
      expect(installChunkedWebGpuAddN()).toBe(true);
      const values = Array.from({ length: 40 }, (_, i) => Float32Array.from({ length: 33 }, (_, j) => i * 0.5 + j));
      const sum = tf.addN(values.map((v) => tf.tensor1d(v)));
      const expected = Array.from({ length: 33 }, (_, j) => values.reduce((s, v) => s + v[j], 0));
      expect([...(await sum.data())]).toEqual(expected);
      sum.dispose();
    });

    it("the trainer's loss and gradient norm on webgpu match cpu (they read 0 without the workaround)", async () => {
      const cpu = await steps('cpu', 3);
      await setupBackend('webgpu');
      installChunkedWebGpuAddN();
      const gpu = await steps('webgpu', 3);
      gpu.forEach((m, i) => {
        expect(m.grad_norm).toBeGreaterThan(0);
        expect(Math.abs(m.loss - cpu[i].loss), `loss at step ${i + 1}`).toBeLessThan(1e-4);
        expect(Math.abs(m.grad_norm - cpu[i].grad_norm) / cpu[i].grad_norm, `grad norm at step ${i + 1}`).toBeLessThan(1e-3);
      });
    });
  });
} else if (inChild) {
  it('webgpu suite passes in a child process with SwiftShader', async () => {
    const env = {
      ...process.env,
      LD_LIBRARY_PATH: ['/usr/lib/chromium', process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
      VK_ICD_FILENAMES: SWIFTSHADER_ICD,
      TRAIN_WEBGPU_CHILD: '1',
    };
    const vitest = fileURLToPath(new URL('../../../node_modules/vitest/vitest.mjs', import.meta.url));
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, [vitest, 'run', '--reporter', 'verbose', fileURLToPath(import.meta.url)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      child.on('close', (c) => resolve({ code: c, output }));
    });
    if (code !== 0) console.error(output);
    expect(code).toBe(0);
    expect(output).toMatch(/2 passed/);
  });
} else {
  it.skip(`webgpu: ${problem}`, () => {});
}
