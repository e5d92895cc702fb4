import { expect, test, type Page } from '@playwright/test';
import { screenshot } from './helpers.js';

// WebGPU here is SwiftShader (~35x slower than wasm): a tiny model, short windows and batch 2 keep a step to seconds.
test.setTimeout(240_000);

async function stepCount(page: Page): Promise<number> {
  const text = (await page.getByTestId('run-step').textContent()) ?? '';
  return Number(text.split('/')[0].replace(/[^\d]/g, ''));
}

async function waitForStep(page: Page, atLeast: number, timeout = 90_000): Promise<number> {
  let seen = 0;
  await expect
    .poll(async () => (seen = await stepCount(page)), { timeout, message: `step counter reaching ${atLeast}` })
    .toBeGreaterThanOrEqual(atLeast);
  return seen;
}

async function setNumber(page: Page, label: string, value: number) {
  const input = page.getByLabel(label, { exact: true });
  await input.fill(String(value));
  await expect(input).toHaveValue(String(value));
}

test('trains on WebGPU with live charts, pauses, survives a reload and resumes from its checkpoint', async ({ page }) => {
  await page.goto('/#/model');
  // The only WebGPU adapter here is SwiftShader: never the default.
  await expect(page.getByTestId('current-backend')).toContainText('using wasm');
  await page.getByLabel('Config preset').selectOption('tiny');
  await page.getByLabel('Vocabulary for the new model').selectOption({ label: 'bert-base-uncased-vocab.txt · local asset' });
  await page.getByRole('button', { name: 'Initialise' }).click();
  await expect(page.getByTestId('model-notice')).toContainText('Added “tiny (random, seed 42)”');

  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByLabel('Train dataset')).toContainText('BERT Studio demo');
  await expect(page.getByLabel('Model to train')).toContainText('tiny (random, seed 42)');
  // The tiny preset's size defaults come from the core.
  await expect(page.getByLabel('Learning rate', { exact: true })).toHaveValue('0.0003');
  await setNumber(page, 'Max length', 64);
  await setNumber(page, 'Stride', 16);
  await setNumber(page, 'Batch size', 2);
  await setNumber(page, 'Max steps', 300);
  await setNumber(page, 'Checkpoint every', 4);
  await page.getByRole('group', { name: 'Training backend' }).getByRole('button', { name: 'webgpu' }).click();
  // The address bar now carries the setup.
  await expect.poll(() => page.evaluate(() => location.hash)).toContain('batch=2');
  const shared = new URLSearchParams((await page.evaluate(() => location.hash)).split('?')[1]);
  expect(Object.fromEntries(shared)).toMatchObject({ model: 'tiny (random, seed 42)', train: 'BERT Studio demo', len: '64', stride: '16', steps: '300', lr: '0.0003' });

  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('run-status')).toContainText('running', { timeout: 90_000 });
  await waitForStep(page, 2);
  const loss = page.getByTestId('chart-loss');
  await expect(loss.locator('canvas')).toHaveCount(1);
  // The legend shows values: the latest step's without a cursor, the hovered step's with one.
  const legendValue = loss.locator('.u-legend .u-series').nth(1).locator('.u-value');
  await expect(legendValue).toHaveText(/^\d/);
  const over = loss.locator('.u-over');
  const box = (await over.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
  await expect(loss.locator('.u-legend .u-series').first().locator('.u-value')).toHaveText(/^\d+$/);
  await expect(legendValue).toHaveText(/^\d/);
  await page.mouse.move(0, 0);
  await screenshot(page, 'train-running');

  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('run-status')).toContainText('paused · resumable from step', { timeout: 60_000 });
  const paused = await stepCount(page);
  expect(paused).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId('run-status')).toHaveText(`paused · resumable from step ${paused}`);

  await page.reload();
  await expect(page.getByTestId('runs-table')).toBeVisible();
  const row = page.getByTestId('run-row').first();
  await expect(row.getByTestId('run-row-status')).toHaveText(`paused · resumable @${paused}`);
  // The stored metrics come back with the run: the chart holds the steps done before the reload.
  await expect(page.getByTestId('run-step')).toContainText(`${paused} / 300`);
  await screenshot(page, 'train-after-reload');

  await row.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByTestId('run-status')).toContainText('running', { timeout: 90_000 });
  // From the checkpoint on: the counter never drops below the paused step and keeps going.
  const seen: number[] = [];
  await expect
    .poll(async () => {
      const s = await stepCount(page);
      seen.push(s);
      return s;
    }, { timeout: 90_000 })
    .toBeGreaterThanOrEqual(paused + 1);
  expect(Math.min(...seen)).toBeGreaterThanOrEqual(paused);
  await page.evaluate(() => scrollTo(0, 0));
  await screenshot(page, 'train-resumed');

  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByTestId('run-status')).toHaveText('stopped', { timeout: 60_000 });
  await expect(page.getByTestId('run-reason')).toContainText('the model so far is saved as');
});

test('a shared link fills in the run setup', async ({ page }) => {
  await page.goto('/#/train?train=BERT+Studio+demo&lr=0.002&batch=3&accum=4&len=96&stride=24&steps=50&seed=7&backend=wasm');
  await expect(page.getByLabel('Train dataset')).toContainText('BERT Studio demo');
  await expect(page.getByLabel('Learning rate', { exact: true })).toHaveValue('0.002');
  await expect(page.getByLabel('Batch size', { exact: true })).toHaveValue('3');
  await expect(page.getByLabel('Grad accumulation', { exact: true })).toHaveValue('4');
  await expect(page.getByLabel('Max length', { exact: true })).toHaveValue('96');
  await expect(page.getByLabel('Stride', { exact: true })).toHaveValue('24');
  await expect(page.getByLabel('Max steps', { exact: true })).toHaveValue('50');
  await expect(page.getByLabel('Seed', { exact: true })).toHaveValue('7');
  await expect(page.getByRole('group', { name: 'Training backend' }).getByRole('button', { name: 'wasm' })).toHaveClass(/on/);
});

test('a checkpoint that exceeds the storage quota pauses the run and keeps the previous one', async ({ page, context }) => {
  await page.goto('/#/model');
  await page.getByLabel('Config preset').selectOption('tiny');
  await page.getByLabel('Vocabulary for the new model').selectOption({ label: 'bert-base-uncased-vocab.txt · local asset' });
  await page.getByRole('button', { name: 'Initialise' }).click();
  await expect(page.getByTestId('model-notice')).toContainText('Added');
  // Room for the data and a checkpoint or so (a tiny model's checkpoint is ~50 MB), not for many.
  const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(page.url()).origin, quotaSize: usage + 30 * 2 ** 20 });
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByLabel('Train dataset')).toContainText('BERT Studio demo');
  await setNumber(page, 'Max length', 64);
  await setNumber(page, 'Stride', 16);
  await setNumber(page, 'Batch size', 2);
  await setNumber(page, 'Max steps', 300);
  await setNumber(page, 'Checkpoint every', 2);
  // wasm: this test is about storage, and wasm steps are fast.
  await page.getByRole('group', { name: 'Training backend' }).getByRole('button', { name: 'wasm' }).click();
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('run-status')).toContainText('paused', { timeout: 120_000 });
  const notice = page.getByTestId('train-notice').filter({ hasText: 'Storage is full' });
  await expect(notice).toContainText(/A checkpoint needs about 50\.\d MB/);
  await expect(notice).toContainText(/The checkpoint of step \d+ is intact|No earlier checkpoint exists/);
  await expect(page.getByTestId('run-reason')).toContainText('Storage is full');
  await screenshot(page, 'train-quota');
});
