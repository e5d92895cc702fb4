import type { BertConfig, BertPresetName, LoadReport } from '../core/model/index.js';
import type { VocabSource } from './features-api.js';

import type { BackendName, Calibration } from '../core/backend/index.js';

export type { BackendName, Calibration };

export interface AdapterInfo {
  vendor: string;
  architecture: string;
  description: string;
  device: string;
  isFallbackAdapter: boolean;
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number; maxComputeWorkgroupStorageSize: number; maxComputeInvocationsPerWorkgroup: number };
  features: string[];
}

export interface BackendInfo {
  current: BackendName;
  /** Backends that initialised in this browser, in order of preference. */
  available: BackendName[];
  /** Why a backend is missing, for the user. */
  unavailable: Partial<Record<BackendName, string>>;
  adapter: AdapterInfo | null;
  /** What a job runs on unless the user picks otherwise (see core/backend's rules). */
  recommended: BackendName;
  /** Why the WebGPU adapter is a CPU emulation (never picked by default), or null. */
  softwareAdapter: string | null;
  /** Threads of the wasm backend's pool (1 without cross-origin isolation), or null without wasm. */
  wasmThreads: number | null;
  /** The wasm matrix product runs on fused multiply-adds (the engine has relaxed SIMD). */
  wasmRelaxedSimd: boolean;
  crossOriginIsolated: boolean;
}

/** Milliseconds per forward + backward pass of a model on each backend measured, or why one failed. */
export interface CalibrationResult extends Calibration {
  failed: Partial<Record<BackendName, string>>;
}

export type ModelSource =
  | { kind: 'hub'; repo: string; revision: string }
  | { kind: 'files'; names: string[] }
  | { kind: 'asset'; url: string }
  | { kind: 'random'; preset: BertPresetName | 'custom'; seed: number; vocab: string }
  /** A run's model keeps its window setting (absent on models saved before it was recorded): evaluation starts from it. */
  | { kind: 'run'; runId: string; step: number; maxLength?: number; stride?: number };

/** A model the studio keeps (in IndexedDB: this record plus one record per tensor). */
export interface ModelInfo {
  kind: 'model';
  id: string;
  label: string;
  source: ModelSource;
  config: BertConfig;
  parameters: number;
  /** vocab.txt text, when the model came with one or was given one. */
  vocab: string | null;
  lowercase: boolean;
  createdAt: number;
  report: LoadReport | null;
}

export type ModelFileInput = { name: string; file: File };

/** Requests about models and backends; the trainer and evaluator add their own kinds to the same worker. */
export type ModelApi = {
  'backend-info': { payload: null; result: BackendInfo };
  'set-backend': { payload: { backend: BackendName }; result: BackendInfo };
  /** Times a forward + backward pass of the model (a random tiny one when null) on each backend, then restores the current one. */
  'calibrate-backends': { payload: { modelId: string | null; backends: BackendName[] }; result: CalibrationResult };
  models: { payload: null; result: ModelInfo[] };
  'load-hub': { payload: { repo: string; revision: string; baseUrl?: string }; result: ModelInfo };
  'load-files': { payload: { files: ModelFileInput[]; label: string }; result: ModelInfo };
  /** A model folder served by the studio's local assets (/assets/...). */
  'load-folder-url': { payload: { baseUrl: string; label: string }; result: ModelInfo };
  'init-random': { payload: { config: BertConfig; preset: BertPresetName | 'custom'; seed: number; vocab: VocabSource; lowercase: boolean; label: string }; result: ModelInfo };
  'rename-model': { payload: { id: string; label: string }; result: ModelInfo };
  'delete-model': { payload: { id: string }; result: null };
  'export-model': { payload: { id: string }; result: { zip: Uint8Array; fileName: string } };
};
