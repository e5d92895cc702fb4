// Which tfjs backend a job runs on by default: the same rules in the browser worker and in the CLI.

export const BACKEND_NAMES = ['webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** What a WebGPU adapter says about itself (GPUAdapterInfo plus the fallback flag). */
export interface AdapterFacts {
  vendor: string;
  architecture: string;
  description: string;
  device?: string;
  /** `GPUAdapter.isFallbackAdapter` (older browsers) or `GPUAdapterInfo.isFallbackAdapter` (newer). */
  isFallbackAdapter?: boolean;
}

// CPU implementations of Vulkan/WebGPU: a GPU backend on them is far slower than wasm.
const SOFTWARE_RENDERERS: [RegExp, string][] = [
  [/swiftshader/i, 'SwiftShader'],
  [/llvmpipe/i, 'llvmpipe'],
  [/lavapipe/i, 'lavapipe'],
  [/microsoft basic render/i, 'Microsoft Basic Render Driver'],
];

/** Why this adapter is a CPU emulation of a GPU, or null when it looks like real hardware. */
export function softwareAdapterReason(a: AdapterFacts | null): string | null {
  if (!a) return null;
  const text = [a.vendor, a.architecture, a.description, a.device ?? ''].join(' ');
  for (const [pattern, name] of SOFTWARE_RENDERERS) {
    if (pattern.test(text)) return `the WebGPU adapter is ${name}, a software renderer running on the CPU`;
  }
  if (a.isFallbackAdapter) return 'the browser reports this WebGPU adapter as a fallback (software) adapter';
  return null;
}

/** The backends worth running a job on by default, best first: hardware WebGPU, then wasm, then cpu. */
export function candidateBackends(available: readonly BackendName[], adapter: AdapterFacts | null): BackendName[] {
  const software = softwareAdapterReason(adapter) !== null;
  const out: BackendName[] = [];
  if (available.includes('webgpu') && adapter && !software) out.push('webgpu');
  if (available.includes('wasm')) out.push('wasm');
  // Plain JavaScript only when nothing faster runs here.
  if (out.length === 0 && available.includes('cpu')) out.push('cpu');
  if (out.length === 0 && available.includes('webgpu')) out.push('webgpu');
  return out;
}

/** A remembered calibration: milliseconds per measured step on each backend that was measured. */
export interface Calibration {
  /** What was measured, e.g. "L2 H128 · 1×128": a result only applies to the same shape. */
  workload: string;
  millis: Partial<Record<BackendName, number>>;
}

/** The fastest measured candidate, or null when none of the candidates was measured. */
export function fastestBackend(calibration: Calibration, candidates: readonly BackendName[]): BackendName | null {
  let best: BackendName | null = null;
  for (const b of candidates) {
    const ms = calibration.millis[b];
    if (ms === undefined || !Number.isFinite(ms)) continue;
    if (best === null || ms < calibration.millis[best]!) best = b;
  }
  return best;
}

/**
 * The backend a job runs on when the user has not picked one: the user's remembered pick if it still
 * runs here, then the fastest calibrated candidate, then the first candidate. A software WebGPU adapter
 * is never the default (the user can still pick it).
 */
export function defaultBackend(options: {
  available: readonly BackendName[];
  adapter: AdapterFacts | null;
  userChoice?: BackendName | null;
  calibration?: Calibration | null;
}): BackendName {
  const { available, adapter, userChoice, calibration } = options;
  if (userChoice && available.includes(userChoice)) return userChoice;
  const candidates = candidateBackends(available, adapter);
  const measured = calibration ? fastestBackend(calibration, candidates) : null;
  return measured ?? candidates[0] ?? 'cpu';
}

/**
 * The thread count to ask tfjs-backend-wasm for: every logical core. Its C++ side caps the pool at
 * half of what `navigator.hardwareConcurrency` (Node: os.cpus()) reports, assuming two hyperthreads
 * per core, so a 2-core machine would get one thread; `reportedCores` is what to make it see.
 */
export function wasmThreadPlan(logicalCores: number): { threads: number; reportedCores: number } {
  const cores = Number.isFinite(logicalCores) && logicalCores >= 1 ? Math.floor(logicalCores) : 1;
  // tfjs-backend-wasm pre-creates 8 pthread workers and never uses more.
  const threads = Math.min(cores, 8);
  return { threads, reportedCores: threads * 2 };
}

export function isBackendName(value: unknown): value is BackendName {
  return typeof value === 'string' && (BACKEND_NAMES as readonly string[]).includes(value);
}
