// `npm run bench -- train-browser`: the training benchmark in Chromium (Playwright), in a worker on the
// studio's own backend setup, served cross-origin isolated so tfjs's wasm backend can run threads.
// Prints whether the page and worker are isolated and how many threads wasm runs, then the same table
// as `train`, with PyTorch CPU at that thread count. Env: BENCH_BACKENDS (default wasm), BENCH_CONFIGS
// (default tiny:8,mini:8,small:8), BENCH_STEPS (default 2), BENCH_TORCH=0, BENCH_PYTHON, CHROMIUM_PATH.
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { build, preview } from 'vite';
import { findChromium } from '../../scripts/chromium.mjs';
import type { SetupInfo } from '../browser/protocol.js';
import { type BackendPlan, runTrainBench } from './driver.js';
import { SEQ_LENGTH, type TrainConfig, type TrainResult, parseConfigs, positiveInt } from './measure.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

export async function run(): Promise<void> {
  const executablePath = findChromium();
  if (!executablePath) {
    console.log('skipped: no Chromium found (set CHROMIUM_PATH)');
    return;
  }
  const inline = { configFile: resolve(ROOT, 'vite.config.ts'), root: resolve(ROOT, 'bench/browser'), base: './', logLevel: 'warn' as const };
  const outDir = resolve(ROOT, '.bench/browser');
  console.log('Building the benchmark page (vite build)...');
  // The project's vite config: the same worker plugins (threaded wasm) and COOP/COEP preview headers as the app.
  await build({ ...inline, build: { outDir, emptyOutDir: true, rolldownOptions: { checks: { bundlerTimings: false } } } });
  const port = await freePort();
  const server = await preview({ ...inline, build: { outDir }, preview: { host: '127.0.0.1', port, strictPort: true } });
  const browser = await chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    page.on('pageerror', (err) => console.log(`page error: ${err.message}`));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => 'bench' in window);
    const pageIsolated = await page.evaluate(() => (window as unknown as { pageIsolated: boolean }).pageIsolated);
    const call = <T>(request: unknown) => page.evaluate((r) => (window as unknown as { bench(r: unknown): Promise<unknown> }).bench(r), request) as Promise<T>;
    const version = browser.version();
    const steps = positiveInt(process.env.BENCH_STEPS, 2, 'BENCH_STEPS');
    const plans: BackendPlan[] = (process.env.BENCH_BACKENDS ?? 'wasm').split(',').map((name) => ({
      name: `${name}@chromium`,
      async setup() {
        const info = await call<SetupInfo>({ kind: 'setup', backend: name });
        const describe =
          `Chromium ${version}, page crossOriginIsolated ${pageIsolated}, worker crossOriginIsolated ${info.crossOriginIsolated}, ` +
          `hardwareConcurrency ${info.hardwareConcurrency}, wasm SIMD ${info.simd}, wasm threads supported ${info.threadsSupported}, ${info.threads} thread(s), ${info.studioKernels}${info.adapter ? `, ${info.adapter}` : ''}`;
        return { describe, torchDevice: 'cpu', torchThreads: name === 'wasm' ? info.threads : info.hardwareConcurrency, matmulGflops: info.matmulGflops };
      },
      configs: (): TrainConfig[] => parseConfigs(process.env.BENCH_CONFIGS ?? (name === 'wasm' ? 'tiny:8,mini:8,small:8' : 'tiny:1'), 8, steps, positiveInt(process.env.BENCH_SEQ, SEQ_LENGTH, 'BENCH_SEQ')),
      measure: (config) => call<TrainResult>({ kind: 'measure', config }),
    }));
    await runTrainBench({
      backends: plans,
      torchScript: process.env.BENCH_TORCH === '0' ? null : resolve(ROOT, 'bench/train/pytorch_train.py'),
      python: process.env.BENCH_PYTHON ?? 'python3',
    });
  } finally {
    await browser.close();
    await new Promise<void>((res) => server.httpServer.close(() => res()));
  }
}
