import { beforeAll, describe, expect, it } from 'vitest';
import { BertForQuestionAnswering, type HostParams } from '../model/index.js';
import { TINY, markedFeatures, setCpu } from './fixtures.test-util.js';
import { Trainer, type TrainOptions } from './trainer.js';

beforeAll(setCpu);

async function run(options: Partial<TrainOptions>): Promise<{ params: HostParams; losses: number[] }> {
  const model = BertForQuestionAnswering.init(TINY, 21);
  const trainer = new Trainer(model, markedFeatures(8, 16, 5), { batchSize: 2, gradAccumSteps: 2, maxSteps: 2, learningRate: 1e-3, warmupRatio: 0, ...options });
  const losses: number[] = [];
  while (!trainer.done) losses.push((await trainer.step()).loss);
  const params = await model.toHostParams();
  trainer.dispose();
  model.dispose();
  return { params, losses };
}

describe('Trainer with gradient checkpointing', () => {
  it('takes the same steps as without it, with dropout on and gradients accumulated', async () => {
    const plain = await run({ dropout: true });
    const checkpointed = await run({ dropout: true, gradientCheckpointing: true });
    expect(checkpointed.losses).toEqual(plain.losses);
    let worst = 0;
    for (const [name, t] of plain.params) {
      const u = checkpointed.params.get(name)!.data;
      for (let i = 0; i < t.data.length; i++) worst = Math.max(worst, Math.abs(t.data[i] - u[i]));
    }
    expect(worst).toBeLessThan(1e-6);
  });
});
