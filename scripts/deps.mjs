// Shared by start.mjs and test.mjs: install npm dependencies when they are missing.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

export const projectRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: projectRoot, ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

export function ensureDependencies() {
  const marker = path.join(projectRoot, 'node_modules', '.package-lock.json');
  const lock = path.join(projectRoot, 'package-lock.json');
  const stale = !fs.existsSync(marker) || fs.statSync(marker).mtimeMs < fs.statSync(lock).mtimeMs - 1000;
  if (!stale) return;
  console.log('Installing dependencies (npm ci)...');
  const status = run('npm', ['ci', '--no-audit', '--no-fund'], {
    env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
  });
  if (status !== 0) {
    console.error('npm ci failed; see the messages above.');
    process.exit(status);
  }
}
