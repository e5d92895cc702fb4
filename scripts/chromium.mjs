// Finds a Chromium for the end-to-end tests; on Debian as root, installs the `chromium` package.
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export function findChromium() {
  if (process.env.CHROMIUM_PATH && fs.existsSync(process.env.CHROMIUM_PATH)) return process.env.CHROMIUM_PATH;
  return CANDIDATES.find((p) => fs.existsSync(p)) ?? null;
}

export function ensureChromium() {
  let found = findChromium();
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const isDebian = fs.existsSync('/etc/debian_version');
  if (isRoot && isDebian) {
    console.log('No Chromium found: installing the Debian `chromium` package...');
    const sh = (cmd) => spawnSync('sh', ['-c', cmd], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status;
    if (sh('apt-get update -qq') === 0) sh('apt-get install -y -qq --no-install-recommends chromium');
    found = findChromium();
    if (found) return found;
  }
  console.error(
    'The end-to-end tests need Chromium and none was found.\n' +
      '  Debian/Ubuntu: sudo apt-get install chromium   (gives /usr/bin/chromium)\n' +
      '  Elsewhere: install Chromium or Chrome and set CHROMIUM_PATH=/path/to/chrome',
  );
  process.exit(1);
}
