import { expect, test, type Page } from '@playwright/test';
import { screenshot } from './helpers.js';

test.setTimeout(240_000);

async function setNumber(page: Page, label: string, value: number) {
  const input = page.getByLabel(label, { exact: true });
  await input.fill(String(value));
  await expect(input).toHaveValue(String(value));
}

async function addTinyModel(page: Page) {
  await page.goto('/#/model');
  await page.getByLabel('Config preset').selectOption('tiny');
  await page.getByLabel('Vocabulary for the new model').selectOption({ label: 'bert-base-uncased-vocab.txt · local asset' });
  await page.getByRole('button', { name: 'Initialise' }).click();
  await expect(page.getByTestId('model-notice')).toContainText('Added “tiny (random, seed 42)”');
}

test('the studio is cross-origin isolated and the model worker trains on multi-threaded wasm, not SwiftShader', async ({ page }) => {
  await page.goto('/#/model');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  // Headless Chromium's only WebGPU adapter is SwiftShader: it is offered, flagged, and not the default.
  await expect(page.getByTestId('current-backend')).toHaveText('using wasm');
  await expect(page.getByTestId('backend-reason')).toContainText('SwiftShader');
  await expect(page.getByRole('group', { name: 'Backend' }).getByRole('button', { name: 'webgpu' })).toBeEnabled();
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const detail = (await page.getByTestId('model-backend').textContent()) ?? '';
  const threads = Number(/(\d+) threads/.exec(detail)?.[1] ?? '1');
  expect(threads, detail).toBe(Math.min(cores, 8));
  if (cores > 1) expect(threads).toBeGreaterThan(1);
  // Chromium has relaxed SIMD: the matrix product runs its fused multiply-add build.
  expect(detail).toContain('relaxed SIMD');
  await screenshot(page, 'backend-card');

  // A tiny training run takes steps on that threaded backend (the minified threaded build once crashed here).
  await addTinyModel(page);
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('train-backend')).toContainText(`wasm · ${threads > 1 ? `${threads} threads` : '1 thread'}`);
  await setNumber(page, 'Max length', 64);
  await setNumber(page, 'Stride', 16);
  await setNumber(page, 'Batch size', 2);
  await setNumber(page, 'Max steps', 2);
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('run-status')).toContainText('completed', { timeout: 120_000 });
  await expect(page.getByTestId('run-step')).toContainText('2 / 2');
  await expect(page.getByText(/windows\) · wasm ·/)).toBeVisible();
});

test('Train, Evaluate and the Playground show and change the backend; the choice survives a reload', async ({ page }) => {
  await addTinyModel(page);
  await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
  await expect(page.getByTestId('eval-backend')).toContainText('wasm');
  await page.getByRole('button', { name: 'QA Playground', exact: true }).click();
  await expect(page.getByTestId('playground-backend')).toContainText('wasm');
  await page.getByRole('group', { name: 'Playground backend' }).getByRole('button', { name: 'cpu' }).click();
  await expect(page.getByTestId('playground-backend')).toContainText('cpu');
  await screenshot(page, 'playground-backend');

  await page.reload();
  await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
  await expect(page.getByTestId('eval-backend')).toContainText('cpu');
  await page.getByRole('button', { name: 'Model', exact: true }).click();
  await expect(page.getByTestId('current-backend')).toHaveText('using cpu');
  await expect(page.getByTestId('backend-reason')).toContainText('Your pick');
  // A run's backend follows the studio's choice until the Train panel's own picker pins it.
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('train-backend')).toContainText('cpu');
  await page.getByRole('group', { name: 'Training backend' }).getByRole('button', { name: 'wasm' }).click();
  await expect(page.getByTestId('train-backend')).toContainText('wasm');
  await expect.poll(() => page.evaluate(() => location.hash)).toContain('backend=wasm');
  await screenshot(page, 'train-backend');

  // Measuring picks the fastest candidate (wasm; SwiftShader is not measured) and replaces the pick.
  await page.getByRole('button', { name: 'Model', exact: true }).click();
  await page.getByRole('button', { name: 'Measure backends' }).click();
  await expect(page.getByTestId('calibration')).toContainText(/wasm \d/, { timeout: 120_000 });
  await expect(page.getByTestId('calibration')).toContainText(/cpu \d/);
  await expect(page.getByTestId('calibration')).not.toContainText('webgpu');
  await expect(page.getByTestId('current-backend')).toHaveText('using wasm');
  await page.reload();
  await expect(page.getByTestId('current-backend')).toHaveText('using wasm');
  await expect(page.getByTestId('calibration')).toContainText(/wasm \d/);
});

test('the probe step shows its time and can be cancelled without starting a run', async ({ page }) => {
  await addTinyModel(page);
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  // On cpu, a batch of 8 windows of 384 tokens keeps the probe step busy for a while.
  await page.getByRole('group', { name: 'Training backend' }).getByRole('button', { name: 'cpu' }).click();
  await setNumber(page, 'Batch size', 8);
  await setNumber(page, 'Max steps', 1);
  await page.getByRole('button', { name: 'Start training' }).click();
  const banner = page.getByTestId('train-starting');
  await expect(banner).toContainText('Probe step (forward + backward) on cpu', { timeout: 120_000 });
  await expect(banner).toContainText(/[1-9]\.\d s|\d\d+\.\d s/);
  await screenshot(page, 'probe-step');
  await banner.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('train-notice')).toContainText('Cancelled: nothing was started.');
  await expect(banner).toHaveCount(0);

  // The worker drops the cancelled run when its step returns: the next start is the only run.
  await page.getByRole('group', { name: 'Training backend' }).getByRole('button', { name: 'wasm' }).click();
  await setNumber(page, 'Max length', 64);
  await setNumber(page, 'Stride', 16);
  await setNumber(page, 'Batch size', 2);
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('run-status')).toContainText('completed', { timeout: 180_000 });
  await expect(page.getByTestId('run-row')).toHaveCount(1);
});
