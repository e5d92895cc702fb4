import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';

export const BACKEND_NAMES = ['cpu', 'wasm', 'webgpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export class BackendUnavailableError extends Error {
  constructor(readonly backend: BackendName, reason: string) {
    super(`backend "${backend}" is unavailable: ${reason}`);
    this.name = 'BackendUnavailableError';
  }
}

export function parseBackendName(value: string | undefined, fallback: BackendName = 'cpu'): BackendName {
  if (value === undefined) return fallback;
  if ((BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName;
  throw new Error(`--backend must be one of ${BACKEND_NAMES.join(', ')}, got "${value}"`);
}

const SWIFTSHADER_HINT =
  'without a GPU, point Dawn at Chromium\'s SwiftShader before starting Node: ' +
  'LD_LIBRARY_PATH=/usr/lib/chromium VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json';

interface NodeGpu {
  requestAdapter(): Promise<unknown>;
}

/**
 * Installs the `webgpu` package's Dawn bindings as the browser globals tfjs-backend-webgpu expects.
 * Returns why no adapter is available, or null when one is.
 */
export async function installNodeWebGpu(): Promise<string | null> {
  const g = globalThis as { navigator?: { gpu?: NodeGpu } };
  if (!g.navigator?.gpu) {
    let dawn: { create(flags: string[]): NodeGpu; globals: Record<string, unknown> };
    try {
      dawn = (await import('webgpu')) as unknown as typeof dawn;
    } catch (err) {
      return `the "webgpu" package could not be loaded (${err instanceof Error ? err.message : String(err)})`;
    }
    Object.assign(globalThis, dawn.globals);
    // Node 21+ defines a read-only navigator; defineProperty replaces it either way.
    Object.defineProperty(globalThis, 'navigator', {
      value: { ...(g.navigator ?? {}), gpu: dawn.create([]) },
      configurable: true,
      writable: true,
    });
  }
  const adapter = await g.navigator!.gpu!.requestAdapter();
  return adapter ? null : `no WebGPU adapter found; ${SWIFTSHADER_HINT}`;
}

/** Makes `name` the active tfjs backend in Node, importing and configuring it on first use. */
export async function setupBackend(name: BackendName): Promise<void> {
  if (tf.getBackend() === name) return;
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    wasm.setWasmPaths(`${dist}/`);
  } else if (name === 'webgpu') {
    const reason = await installNodeWebGpu();
    if (reason) throw new BackendUnavailableError(name, reason);
    await import('@tensorflow/tfjs-backend-webgpu');
  }
  let ok = false;
  try {
    ok = await tf.setBackend(name);
  } catch (err) {
    throw new BackendUnavailableError(name, err instanceof Error ? err.message : String(err));
  }
  if (!ok) throw new BackendUnavailableError(name, 'tf.setBackend returned false (see the warning above)');
  await tf.ready();
}
