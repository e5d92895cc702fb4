import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { BACKENDS } from './fused.test-util.js';

// Dawn finds libvulkan only through LD_LIBRARY_PATH read at process start: a run without the
// SwiftShader environment re-runs this folder's fused-op tests on webgpu in a child that has it.
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const needChild = !BACKENDS.includes('webgpu') && !process.env.FUSED_TEST_BACKENDS;

it.runIf(needChild && existsSync(SWIFTSHADER_ICD))('fused kernels pass on webgpu (SwiftShader) in a child process', async () => {
  const env = {
    ...process.env,
    LD_LIBRARY_PATH: ['/usr/lib/chromium', process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
    VK_ICD_FILENAMES: SWIFTSHADER_ICD,
    FUSED_TEST_BACKENDS: 'webgpu',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
  };
  const dir = dirname(fileURLToPath(import.meta.url));
  const vitest = fileURLToPath(new URL('../../../../node_modules/vitest/vitest.mjs', import.meta.url));
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, [vitest, 'run', '--reporter', 'verbose', dir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (c) => resolve({ code: c, output: out }));
  });
  if (code !== 0) console.error(output);
  expect(code).toBe(0);
  // Every case of every op ran on webgpu (only this file is skipped in the child).
  const ran = output.match(/✓ .* on webgpu > .*match the cpu composite/g) ?? [];
  expect(ran.length).toBeGreaterThanOrEqual(10);
});
