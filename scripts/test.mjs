// `npm test`: install what is missing, then typecheck, unit tests, build and end-to-end tests in Chromium.
import { ensureDependencies, run } from './deps.mjs';
import { ensureChromium } from './chromium.mjs';

ensureDependencies();
const chromium = ensureChromium();
// The from-scratch SQuAD training check takes minutes, so plain `npx vitest run` skips it; npm test runs it.
const env = { TRAIN_QUALITY: '1', ...process.env, CHROMIUM_PATH: chromium, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' };

const steps = [
  ['typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']],
  ['unit tests', 'npx', ['vitest', 'run']],
  ['build', 'npx', ['vite', 'build', '--logLevel', 'warn']],
  ['end-to-end tests', 'npx', ['playwright', 'test']],
];
for (const [name, cmd, args] of steps) {
  console.log(`\n== ${name} ==`);
  const status = run(cmd, args, { env });
  if (status !== 0) {
    console.error(`\n${name} failed (exit ${status}).`);
    process.exit(status);
  }
}
console.log('\nAll checks passed.');
