import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { DEMO_DATASET } from '../src/core/squad/demo.js';

const nav = (page: Page, name: string) => page.getByRole('navigation').getByRole('button', { name, exact: true }).click();

test('the Data panel: storage after a reload, one article in the singular, histogram counts, the split preview, a URL that is not one', async ({ page }, testInfo) => {
  const one = { version: '1.1', data: [DEMO_DATASET.data[0]] };
  const file = testInfo.outputPath('one-article.json');
  fs.writeFileSync(file, JSON.stringify(one));
  await page.goto('/#/data');
  await page.getByRole('region', { name: 'Import' }).locator('input[type=file]').setInputFiles(file);
  const stats = page.getByRole('region', { name: 'Statistics' });
  await expect(stats).toContainText('one-article');
  await expect(stats.locator('.count').first()).toHaveText(/^1\s*article$/);
  // Each bar of the context-length histogram carries its count.
  const counts = await page.getByTestId('context-histogram').locator('.hist-count').allTextContents();
  expect(counts.map(Number).reduce((a, b) => a + b, 0)).toBe(one.data[0].paragraphs.length);

  // One article cannot be split, and the preview says so as the split would.
  await expect(page.getByTestId('split-preview')).toContainText('Cannot split: a split needs at least 2 articles');
  await page.getByRole('table').getByText('BERT Studio demo', { exact: true }).click();
  await page.getByLabel('eval share').fill('0');
  await expect(page.getByTestId('split-preview')).toContainText('Cannot split: the eval share must be between 0 and 1');
  await expect(page.getByRole('button', { name: 'Split' })).toBeDisabled();
  await page.getByLabel('eval share').fill('0.2');
  await expect(page.getByTestId('split-preview')).toHaveText('4 articles for training, 1 article for evaluation; no article on both sides.');

  await page.getByLabel('Dataset URL').fill('not a url');
  await page.getByLabel('Dataset URL').press('Enter');
  await expect(page.getByTestId('import-error')).toContainText('“not a url” is not a web address');

  // After a reload the meter shows what is stored, not 0 B.
  await page.reload();
  await expect(page.getByTestId('storage-meter')).toBeVisible();
  await expect(page.getByTestId('storage-meter')).not.toContainText(/Storage 0 B/);
  await expect(page.getByTestId('storage-meter')).toContainText(/Storage [\d.]+ [KMG]iB of/);
});

test('settings are checked where they are typed: Inspector max_length, Train fields, Playground top-k', async ({ page }) => {
  await page.goto('/#/features');
  await page.getByLabel('max_length').fill('100000');
  await page.getByRole('button', { name: 'Tokenize', exact: true }).click();
  await expect(page.getByTestId('features-error')).toContainText('max_length 100000 exceeds');
  await expect(page.getByTestId('features-error')).toContainText('use max_length <= 512');

  await nav(page, 'Train');
  const lr = page.getByLabel('Learning rate', { exact: true });
  await lr.fill('');
  await expect(page.getByText(/To start: .*Learning rate is empty: it must be a positive number/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Start training' })).toBeDisabled();
  await page.getByLabel('Grad accumulation', { exact: true }).fill('0');
  await expect(page.getByText(/Grad accumulation is 0: it must be a whole number, 1 or more/)).toBeVisible();
  await expect(page.getByText(/learningRate|gradAccumSteps/)).toHaveCount(0);

  await nav(page, 'QA Playground');
  await page.getByLabel('Top-k').fill('500');
  await expect(page.getByLabel('Top-k')).toHaveValue('20');
});

test('while an evaluation runs, a backend switch is refused and deleting its model waits for it', async ({ page }) => {
  await page.goto('/#/data');
  const asset = page.getByTestId('local-assets').locator('.asset', { hasText: 'squad/dev-v1.1.json' });
  await asset.getByRole('button', { name: 'Import' }).click();
  await expect(page.getByText(/Imported “dev-v1\.1”/)).toBeVisible({ timeout: 120_000 });

  await nav(page, 'Model');
  await expect(page.getByTestId('current-backend')).toBeVisible();
  await page.getByRole('group', { name: 'Backend' }).getByRole('button', { name: 'wasm' }).click();
  await expect(page.getByTestId('current-backend')).toContainText('wasm');
  await page.getByLabel('Config preset').selectOption('tiny');
  await page.getByLabel('Vocabulary for the new model').selectOption({ label: 'bert-base-uncased-vocab.txt · local asset' });
  await page.getByRole('button', { name: 'Initialise' }).click();
  await expect(page.getByTestId('model-notice')).toContainText('Added “tiny (random, seed 42)”');

  await nav(page, 'Evaluate');
  await page.getByLabel('Dataset to evaluate on').selectOption({ label: 'dev-v1.1 (10,570 questions)' });
  await page.getByRole('region', { name: 'Evaluate' }).getByRole('button', { name: 'Evaluate', exact: true }).click();
  const caption = page.getByTestId('eval-job-caption');
  await expect(caption).toContainText('windows', { timeout: 60_000 });
  // Progress carries its rate and the time left.
  await expect(caption).toContainText(/windows\/s · .+ left/);

  await nav(page, 'Model');
  await page.getByRole('group', { name: 'Backend' }).getByRole('button', { name: 'cpu' }).click();
  await expect(page.getByText('Cannot switch the backend while an evaluation is running: wait for it to finish or cancel it.')).toBeVisible();
  await expect(page.getByTestId('current-backend')).toContainText('wasm');
  page.once('dialog', (d) => void d.accept());
  await page.getByTestId('model-row').filter({ hasText: 'tiny (random, seed 42)' }).getByRole('button', { name: 'Delete' }).click();
  await page.waitForTimeout(500);
  await expect(page.getByTestId('model-row').filter({ hasText: 'tiny (random, seed 42)' })).toHaveCount(1);

  // The evaluation kept going with its tensors; cancelling it lets the queued delete through.
  await nav(page, 'Evaluate');
  const before = await caption.textContent();
  await expect.poll(() => caption.textContent()).not.toBe(before);
  await page.getByTestId('eval-job').getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('eval-error')).toContainText('cancelled');
  await nav(page, 'Model');
  await expect(page.getByTestId('model-row').filter({ hasText: 'tiny (random, seed 42)' })).toHaveCount(0, { timeout: 30_000 });
});

test('a run stopped and its tab closed a few seconds later keeps its logged steps', async ({ page, context }) => {
  await page.goto('/#/data');
  const asset = page.getByTestId('local-assets').locator('.asset', { hasText: 'squad/dev-v1.1.json' });
  await asset.getByRole('button', { name: 'Import' }).click();
  await expect(page.getByText(/Imported “dev-v1\.1”/)).toBeVisible({ timeout: 120_000 });
  await nav(page, 'Model');
  await expect(page.getByTestId('current-backend')).toBeVisible();
  await page.getByLabel('Config preset').selectOption('tiny');
  await page.getByLabel('Vocabulary for the new model').selectOption({ label: 'bert-base-uncased-vocab.txt · local asset' });
  await page.getByRole('button', { name: 'Initialise' }).click();
  await expect(page.getByTestId('model-notice')).toContainText('Added “tiny (random, seed 42)”');

  await nav(page, 'Train');
  await page.getByLabel('Train dataset').selectOption({ label: 'BERT Studio demo (42 q)' });
  // Stopping evaluates on dev (10,570 questions) before saving the model: the tab closes during that.
  await page.getByLabel('Eval dataset').selectOption({ label: 'dev-v1.1 (10,570 q)' });
  for (const [label, value] of [['Max length', '64'], ['Stride', '16'], ['Batch size', '2'], ['Max steps', '400'], ['Eval every', '1000'], ['Checkpoint every', '0']])
    await page.getByLabel(label, { exact: true }).fill(value);
  await page.getByRole('group', { name: 'Training backend' }).getByRole('button', { name: 'wasm' }).click();
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect.poll(async () => Number(((await page.getByTestId('run-step').textContent()) ?? '0').split('/')[0].replace(/[^\d]/g, '')), { timeout: 180_000 }).toBeGreaterThanOrEqual(4);
  await page.getByTestId('run-card').getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByTestId('run-reason')).toContainText(/Stopping at step \d+: a last evaluation, then saving the model/);
  const stoppedAt = Number((await page.getByTestId('run-reason').textContent())!.match(/step (\d+)/)![1]);
  await page.waitForTimeout(2000);
  await page.close();

  const again = await context.newPage();
  await again.goto('/#/train');
  const row = again.getByTestId('run-row').first();
  await expect(row).toContainText(`${stoppedAt} / 400`);
  await row.click();
  await expect(again.getByTestId('run-reason')).toContainText(`The page closed at step ${stoppedAt}, before the first checkpoint: its logged steps are kept`);
  const download = again.waitForEvent('download');
  await again.getByRole('button', { name: 'Export CSV' }).click();
  const csv = fs.readFileSync(await (await download).path(), 'utf8').trim().split('\n');
  // A header and one row per logged step.
  expect(csv.length - 1).toBe(stoppedAt);
});

test('the reference model comes only from pinned transformers.js files whose hashes match, never from a moving CDN tag', async ({ page }) => {
  const requested: string[] = [];
  // A CDN that serves something else than the pinned release (a compromised or changed file).
  await page.route('https://cdn.jsdelivr.net/**', (route) => {
    requested.push(route.request().url());
    return route.fulfill({ status: 200, contentType: 'text/javascript', headers: { 'access-control-allow-origin': '*' }, body: 'globalThis.__tampered = true; export const env = {}; export async function pipeline() {}' });
  });
  await page.goto('/#/playground');
  await page.getByLabel('Question').fill('Who kept the lamp?');
  await page.getByRole('button', { name: 'Add reference model' }).click();
  const status = page.getByTestId('reference-status');
  await expect(status).toContainText('does not match the pinned transformers.js 3.8.1 (integrity check), so it was not run');
  expect(await page.evaluate(() => (globalThis as { __tampered?: boolean }).__tampered)).toBeUndefined();
  expect(requested.length).toBeGreaterThan(0);
  for (const url of requested) expect(url).toMatch(/^https:\/\/cdn\.jsdelivr\.net\/npm\/@huggingface\/transformers@3\.8\.1\/dist\//);
});
