import { expect, test, type Page } from '@playwright/test';
import { screenshot } from './helpers.js';

// A newcomer without internet and without local assets: everything but the studio's own server is
// unreachable, and /assets/ (STUDIO_ASSETS_DIR) answers nothing.
test.setTimeout(300_000);

async function offline(page: Page): Promise<string[]> {
  const problems: string[] = [];
  await page.context().route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname !== '127.0.0.1' || url.pathname.startsWith('/assets/')) return route.abort('internetdisconnected');
    return route.continue();
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (m) => {
    // The blocked requests themselves are logged by Chromium; anything else is a problem.
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  return problems;
}

async function setNumber(page: Page, label: string, value: number) {
  const input = page.getByLabel(label, { exact: true });
  await input.fill(String(value));
  await expect(input).toHaveValue(String(value));
}

test('offline with no assets: demo -> tokenize -> new model -> train on wasm -> evaluate -> playground, with no error', async ({ page }) => {
  const problems = await offline(page);
  await page.goto('/');
  await expect(page.getByTestId('dataset-row').filter({ hasText: 'BERT Studio demo' })).toBeVisible({ timeout: 60_000 });

  // Downloads fail, and each message says what works offline instead.
  await page.getByRole('button', { name: 'Download' }).nth(1).click();
  const importError = page.getByTestId('import-error');
  await expect(importError).toContainText('cannot be reached');
  await expect(importError).toContainText('offline, the built-in demo dataset and local files work');
  await importError.getByRole('button', { name: 'Dismiss' }).click();

  // The shipped vocabulary is the default: nothing to download.
  await page.getByRole('navigation').getByRole('button', { name: 'Feature Inspector' }).click();
  const vocab = page.getByLabel('Vocabulary', { exact: true });
  await expect(vocab.locator('option:checked')).toHaveText(/BERT Studio demo \(\d+ tokens\) · built in/);
  await page.getByRole('button', { name: 'Tokenize', exact: true }).click();
  await expect(page.getByTestId('featurize-result')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('window').first()).toBeVisible();
  await screenshot(page, 'offline-tokenized');

  // A Hub vocabulary fails, and the message says what works offline instead.
  await vocab.selectOption({ label: 'bert-base-uncased · Hugging Face Hub' });
  await page.getByRole('button', { name: 'Tokenize', exact: true }).click();
  await expect(page.getByText(/Could not download the vocabulary bert-base-uncased/)).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText(/Offline, use the “BERT Studio demo” vocabulary that ships with the studio/)).toBeVisible();
  await vocab.selectOption({ label: (await vocab.locator('option', { hasText: 'built in' }).textContent())! });

  await page.getByRole('navigation').getByRole('button', { name: 'Model' }).click();
  await page.getByRole('group', { name: 'Backend' }).getByRole('button', { name: 'wasm' }).click();
  await expect(page.getByTestId('current-backend')).toContainText('wasm');
  await page.getByLabel('Hub model id').fill('google/bert_uncased_L-2_H-128_A-2');
  await page.getByRole('button', { name: 'Download' }).click();
  await expect(page.getByTestId('model-error')).toContainText('cannot be reached');
  await expect(page.getByTestId('model-error')).toContainText('a random initialisation with the shipped demo vocabulary');
  await page.getByLabel('Config preset').selectOption('tiny');
  await expect(page.getByLabel('Vocabulary for the new model').locator('option:checked')).toHaveText(/BERT Studio demo/);
  await page.getByRole('button', { name: 'Initialise' }).click();
  await expect(page.getByTestId('model-notice')).toContainText('Added “tiny (random, seed 42)”');

  await page.getByRole('navigation').getByRole('button', { name: 'Train' }).click();
  await expect(page.getByLabel('Train dataset')).toContainText('BERT Studio demo');
  await setNumber(page, 'Max length', 64);
  await setNumber(page, 'Stride', 16);
  await setNumber(page, 'Batch size', 2);
  await setNumber(page, 'Max steps', 3);
  await page.getByRole('group', { name: 'Training backend' }).getByRole('button', { name: 'wasm' }).click();
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('run-reason')).toContainText('Saved as the model', { timeout: 120_000 });
  await screenshot(page, 'offline-trained');

  await page.getByRole('navigation').getByRole('button', { name: 'Evaluate' }).click();
  await page.getByLabel('max_length').fill('64');
  await page.getByLabel('stride').fill('16');
  await page.getByRole('region', { name: 'Evaluate' }).getByRole('button', { name: 'Evaluate' }).click();
  await expect(page.getByTestId('eval-metrics')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('eval-total')).toHaveText('42');

  await page.getByRole('navigation').getByRole('button', { name: 'QA Playground' }).click();
  await page.getByLabel('Find an example').fill('first keeper');
  await page.getByTestId('example-picker-matches').getByText('demo-0005').click();
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  await expect(page.getByTestId('pg-answer-text')).not.toBeEmpty({ timeout: 30_000 });
  await expect(page.getByTestId('pg-probability')).toHaveText(/^p = /);
  await screenshot(page, 'offline-playground');

  await expect(page.locator('[role=alert]')).toHaveCount(0);
  expect(problems).toEqual([]);
});
