import { describe, expect, it } from 'vitest';
import { defaultHyperparameters, validateHyperparameters } from './defaults.js';

describe('hyperparameter problems', () => {
  it('name the field as the studio labels it, never the code name', () => {
    const h = { ...defaultHyperparameters('tiny'), learningRate: -1, gradAccumSteps: 0 };
    const problems = validateHyperparameters(h);
    expect(problems).toEqual(['Grad accumulation is 0: it must be a whole number, 1 or more', 'Learning rate is -1: it must be a positive number']);
    for (const p of problems) expect(p).not.toMatch(/learningRate|gradAccumSteps/);
  });

  it('say a field is empty when it was emptied', () => {
    expect(validateHyperparameters({ ...defaultHyperparameters('tiny'), batchSize: Number.NaN })).toEqual(['Batch size is empty: it must be a whole number, 1 or more']);
  });

  it('accept the defaults', () => {
    expect(validateHyperparameters(defaultHyperparameters('base'))).toEqual([]);
  });
});
