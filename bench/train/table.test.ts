import { describe, expect, it } from 'vitest';
import { parseConfigs } from './measure.js';
import { formatTable } from './table.js';

describe('train bench configs', () => {
  it('reads preset[:batch] lists with the default batch and steps', () => {
    expect(parseConfigs('tiny, base:16,base:32', 8, 3)).toEqual([
      { preset: 'tiny', batch: 8, seq: 384, steps: 3 },
      { preset: 'base', batch: 16, seq: 384, steps: 3 },
      { preset: 'base', batch: 32, seq: 384, steps: 3 },
    ]);
  });

  it('names the item it cannot read', () => {
    expect(() => parseConfigs('tiny:8,large:4', 8, 1)).toThrow('bench config "large:4": unknown preset "large"');
    expect(() => parseConfigs('mini:0', 8, 1)).toThrow('bench config "mini:0": batch must be a positive integer');
    expect(() => parseConfigs('mini', 8, 1, 1024)).toThrow('sequence length must be an integer in 8..512, got 1024');
  });
});

describe('train bench table', () => {
  const ours = { preset: 'tiny' as const, batch: 8, seq: 384, steps: 2, samplesPerS: 5, stepMs: 1600, tflops: 0.0123, kernels: 971, peakBytes: 862 * 2 ** 20, kernelsByName: {} };

  it('prints our figures, PyTorch\'s and their ratio', () => {
    const lines = formatTable([{ backend: 'wasm', threads: 2, ours, torch: { preset: 'tiny', batch: 8, samplesPerS: 20, peakMB: null } }]).split('\n');
    expect(lines[0]).toMatch(/^backend\s+preset\s+seq\s+batch\s+threads\s+samples\/s\s+TFLOP\/s\s+kernels\/step\s+peak MB\s+torch samples\/s\s+torch peak MB\s+x torch$/);
    expect(lines[1].split(/\s+/)).toEqual(['wasm', 'tiny', '384', '8', '2', '5.00', '0.012', '971', '862', '20.00', 'n/a', '0.25']);
  });

  it('leaves the PyTorch columns n/a without PyTorch, and says error when it failed', () => {
    const [, without, failed] = formatTable([
      { backend: 'webgpu', ours },
      { backend: 'webgpu', ours, torch: { preset: 'tiny', batch: 8, error: 'out of memory' } },
    ]).split('\n');
    expect(without.split(/\s+/).slice(-3)).toEqual(['n/a', 'n/a', 'n/a']);
    expect(failed.split(/\s+/).slice(-3)).toEqual(['error', 'n/a', 'n/a']);
  });
});
