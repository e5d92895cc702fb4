// WebGPU in Node tests: Dawn finds libvulkan (here Chromium's SwiftShader) only through variables read
// at process start, so a test run without them re-runs its webgpu cases in a child process that has them.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export const hasSwiftShader = (): boolean => existsSync(SWIFTSHADER_ICD);

/** This process's environment plus what Dawn needs to find SwiftShader, and `extra`. */
export function swiftShaderEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    LD_LIBRARY_PATH: ['/usr/lib/chromium', process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
    VK_ICD_FILENAMES: SWIFTSHADER_ICD,
    ...extra,
  };
}

/** `vitest run --reporter verbose target` in a child with `env`; its exit code and all it printed. */
export function runVitestChild(target: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const vitest = fileURLToPath(new URL('../../../node_modules/vitest/vitest.mjs', import.meta.url));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [vitest, 'run', '--reporter', 'verbose', target], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}
