import { describe, expect, it } from 'vitest';
import { type AdapterFacts, candidateBackends, defaultBackend, fastestBackend, softwareAdapterReason, wasmThreadPlan } from './index.js';

// What Chromium 156 reports headless on SwiftShader, and what real GPUs report.
const swiftshader: AdapterFacts = { vendor: 'google', architecture: 'swiftshader', description: '' };
const llvmpipe: AdapterFacts = { vendor: 'mesa', architecture: '', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' };
const lavapipe: AdapterFacts = { vendor: 'mesa', architecture: '', description: '', device: 'lavapipe' };
const fallback: AdapterFacts = { vendor: 'unknown', architecture: '', description: '', isFallbackAdapter: true };
const nvidia: AdapterFacts = { vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H200' };
const apple: AdapterFacts = { vendor: 'apple', architecture: 'metal-3', description: '' };
const all = ['webgpu', 'wasm', 'cpu'] as const;

describe('software adapter detection', () => {
  it('names SwiftShader, llvmpipe, lavapipe and fallback adapters', () => {
    expect(softwareAdapterReason(swiftshader)).toMatch(/SwiftShader/);
    expect(softwareAdapterReason(llvmpipe)).toMatch(/llvmpipe/);
    expect(softwareAdapterReason(lavapipe)).toMatch(/lavapipe/);
    expect(softwareAdapterReason(fallback)).toMatch(/fallback/);
  });
  it('accepts real GPUs and no adapter', () => {
    expect(softwareAdapterReason(nvidia)).toBeNull();
    expect(softwareAdapterReason(apple)).toBeNull();
    expect(softwareAdapterReason(null)).toBeNull();
  });
});

describe('default backend', () => {
  it('never defaults to a software WebGPU adapter', () => {
    for (const a of [swiftshader, llvmpipe, lavapipe, fallback]) {
      expect(candidateBackends(all, a)).toEqual(['wasm']);
      expect(defaultBackend({ available: all, adapter: a })).toBe('wasm');
    }
  });
  it('prefers hardware WebGPU, then wasm, then cpu', () => {
    expect(defaultBackend({ available: all, adapter: nvidia })).toBe('webgpu');
    expect(defaultBackend({ available: ['wasm', 'cpu'], adapter: null })).toBe('wasm');
    expect(defaultBackend({ available: ['cpu'], adapter: null })).toBe('cpu');
    expect(candidateBackends(['cpu'], swiftshader)).toEqual(['cpu']);
  });
  it('takes the fastest calibrated candidate, ignoring backends that are not candidates', () => {
    const calibration = { workload: 'x', millis: { webgpu: 900, wasm: 300, cpu: 100 } };
    // cpu is measured fastest but is no candidate while wasm runs; SwiftShader is never one.
    expect(defaultBackend({ available: all, adapter: nvidia, calibration })).toBe('wasm');
    expect(defaultBackend({ available: all, adapter: nvidia, calibration: { workload: 'x', millis: { webgpu: 50, wasm: 300 } } })).toBe('webgpu');
    expect(defaultBackend({ available: all, adapter: swiftshader, calibration: { workload: 'x', millis: { webgpu: 1, wasm: 300 } } })).toBe('wasm');
    expect(fastestBackend({ workload: 'x', millis: { wasm: Number.NaN } }, ['wasm'])).toBeNull();
  });
  it("keeps the user's pick while it runs here, software adapter included", () => {
    expect(defaultBackend({ available: all, adapter: swiftshader, userChoice: 'webgpu' })).toBe('webgpu');
    expect(defaultBackend({ available: ['wasm', 'cpu'], adapter: null, userChoice: 'webgpu' })).toBe('wasm');
  });
});

describe('wasm threads', () => {
  it('asks for every logical core and doubles what tfjs sees, as it halves it', () => {
    expect(wasmThreadPlan(2)).toEqual({ threads: 2, reportedCores: 4 });
    expect(wasmThreadPlan(1)).toEqual({ threads: 1, reportedCores: 2 });
    expect(wasmThreadPlan(32)).toEqual({ threads: 8, reportedCores: 16 });
    expect(wasmThreadPlan(Number.NaN)).toEqual({ threads: 1, reportedCores: 2 });
  });
});
