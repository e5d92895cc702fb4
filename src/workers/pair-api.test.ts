import { describe, expect, it } from 'vitest';
import { defaultHyperparameters } from '../core/train/pure.js';
import { pairRunSetup, pairSetupOfRun, type PairRunSetup } from './pair-api.js';
import { taskOfSetup } from './train-api.js';

const form: PairRunSetup = {
  trainPairsId: 'pairs-train',
  evalPairsId: 'pairs-dev',
  modelId: 'm1',
  init: 'weights',
  maxLength: 64,
  learningRate: 1e-3,
  batchSize: 16,
  epochs: 2,
  maxSteps: 6,
  seed: 7,
  groupByLength: true,
  evalEvery: 3,
  checkpointEvery: 5,
};

describe('the sentence-pair form as a run setup', () => {
  it('is an mrpc run with the form’s values and the model size’s defaults for the rest, and reads back as the form', () => {
    const setup = pairRunSetup(form, { hidden_size: 128 }, 'wasm');
    expect(taskOfSetup(setup)).toBe('mrpc');
    expect(setup).toMatchObject({ trainDatasetId: 'pairs-train', evalDatasetId: 'pairs-dev', maxLength: 64, evalEvery: 3, checkpointEvery: 5, backend: 'wasm', pair: { init: 'weights', groupByLength: true } });
    const d = defaultHyperparameters('tiny');
    expect(setup.hyperparameters).toEqual({ ...d, learningRate: 1e-3, batchSize: 16, epochs: 2, maxSteps: 6, seed: 7 });
    expect(pairSetupOfRun(setup)).toEqual({ ...form, backend: 'wasm' });
    // A form that names its backend keeps it; a run stored before tasks existed is question answering.
    expect(pairRunSetup({ ...form, backend: 'cpu' }, { hidden_size: 128 }, 'wasm').backend).toBe('cpu');
    expect(taskOfSetup({})).toBe('qa');
  });
});
