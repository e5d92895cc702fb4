import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTrainerState } from './index.js';

// Written by transformers 5.18 Trainer running a project exported by `export-trainer` (8 steps, eval at the end).
const fixture = readFileSync(new URL('./fixtures/trainer_state.json', import.meta.url), 'utf8');

describe('parseTrainerState', () => {
  it('reads every logged step and the evaluation of a real Trainer run', () => {
    const log = parseTrainerState(fixture);
    expect(log.steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(log.steps[0]).toEqual({ step: 1, epoch: 0.3, loss: 4.8962602615356445, lr: 0, grad_norm: 2.8830971717834473 });
    expect(log.steps[1].lr).toBe(0.0005);
    expect(log.evals).toEqual([{ step: 8, epoch: 2, eval_loss: 4.831843376159668, exact_match: 0, f1: 4.894179894179894, accuracy: null }]);
    expect(log).toMatchObject({ globalStep: 8, maxSteps: 8, epochs: 2, trainBatchSize: 3, samplesPerSecond: 46.057 });
  });

  it('says what is wrong with a file that is not a Trainer state', () => {
    expect(() => parseTrainerState('{"log_history": [')).toThrow(/not valid JSON/);
    expect(() => parseTrainerState('{"global_step": 3}')).toThrow(/no log_history/);
    expect(() => parseTrainerState('{"log_history": [{"eval_loss": 1, "step": 2}]}')).toThrow(/no training loss/);
    expect(() => parseTrainerState('{"log_history": [{"loss": 1, "step": 2}]}')).toThrow(/log_history\[0\] \(step 2\) has a loss but no learning_rate/);
    expect(() => parseTrainerState('{"log_history": [{"loss": 1, "learning_rate": 0, "step": 2}, {"loss": 1, "learning_rate": 0, "step": 2}]}')).toThrow(/step 2 follows step 2/);
    expect(() => parseTrainerState('{"log_history": [{"loss": 1}]}')).toThrow(/log_history\[0\] has no integer step/);
  });
});
