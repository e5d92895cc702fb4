import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { setupBackend } from '../../../cli/backend.js';
import { QUALITY_SETUP } from '../../../bench/train.js';
import { trainQuality } from './quality.test-util.js';

// Minutes of training on two cores: `npm test` runs it (it sets TRAIN_QUALITY=1), a plain `npx vitest run`
// skips it. Alone: TRAIN_QUALITY=1 npx vitest run src/core/train/quality.test.ts, or `npm run bench -- train-quality`.
describe.skipIf(!process.env.TRAIN_QUALITY || process.env.TRAIN_QUALITY === '0')('training quality on SQuAD dev', () => {
  it('a small model trained from scratch on articles 0-37 lowers its loss and beats a position-only baseline on 38-47', async () => {
    await setupBackend('wasm');
    const r = await trainQuality({ ...QUALITY_SETUP, sharedDir: resolve(process.cwd(), '../shared') });
    console.log(JSON.stringify(r));
    expect(r.lastLoss).toBeLessThan(r.firstLoss - 0.5);
    expect(r.evalLoss).toBeLessThan(r.evalLossBefore);
    expect(r.evalLoss).toBeLessThan(r.baselineEvalLoss);
    expect(r.em).toBeGreaterThan(r.baselineEm);
  }, 900_000);
});
