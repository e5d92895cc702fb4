import type { TrainConfig, TrainResult } from '../train/measure.js';

export type BenchRequest = { id: number; kind: 'setup'; backend: 'wasm' | 'webgpu' | 'cpu' } | { id: number; kind: 'measure'; config: TrainConfig };

export interface SetupInfo {
  backend: string;
  /** The worker's own crossOriginIsolated (SharedArrayBuffer, hence wasm threads, needs it). */
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  /** Threads tfjs's wasm backend runs (its pool, and the SIMD product's helpers plus the worker); 1 on other backends. */
  threads: number;
  /** tfjs's own detection: the threaded SIMD binary is loaded only when both are true. */
  simd: boolean;
  threadsSupported: boolean;
  /** The studio's SIMD kernels: build and threads (describeWasmKernels). */
  studioKernels: string;
  matmulGflops: number;
  adapter?: string;
}

export type BenchResponse = { id: number; ok: true; value: SetupInfo | TrainResult } | { id: number; ok: false; error: string };
