import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { DEMO_DATASET } from '../src/core/squad/demo.js';
import { screenshot, tempFile } from './helpers.js';

const DEMO_IDS = DEMO_DATASET.data.flatMap((a) => a.paragraphs.flatMap((p) => p.qas.map((q) => q.id)));

/** A tiny random model with the local uncased vocabulary, on wasm (SwiftShader WebGPU is far slower). */
async function tinyModelOnWasm(page: Page) {
  await page.goto('/#/model');
  await expect(page.getByTestId('current-backend')).toBeVisible();
  await page.getByRole('group', { name: 'Backend' }).getByRole('button', { name: 'wasm' }).click();
  await expect(page.getByTestId('current-backend')).toContainText('wasm');
  await page.getByLabel('Config preset').selectOption('tiny');
  await page.getByLabel('Vocabulary for the new model').selectOption({ label: 'bert-base-uncased-vocab.txt · local asset' });
  await page.getByRole('button', { name: 'Initialise' }).click();
  await expect(page.getByTestId('model-notice')).toContainText('Added “tiny (random, seed 42)”');
}

test('evaluates a model on the demo set, filters, inspects logits, exports predictions the CLI scores the same; playground answers and shares', async ({ page, context }, testInfo) => {
  await tinyModelOnWasm(page);

  await page.getByRole('navigation').getByRole('button', { name: 'Evaluate' }).click();
  await expect(page.getByLabel('Dataset to evaluate on')).toContainText('42 questions');
  await expect(page.getByLabel('Model to evaluate')).toContainText('tiny (random, seed 42)');
  // Short windows: the demo's paragraphs then span two or more windows, as long SQuAD contexts do at 384.
  await page.getByLabel('max_length').fill('64');
  await page.getByLabel('stride').fill('16');
  await page.getByRole('region', { name: 'Evaluate' }).getByRole('button', { name: 'Evaluate' }).click();
  await expect(page.getByTestId('eval-metrics')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('eval-total')).toHaveText('42');
  const em = (await page.getByTestId('eval-em').textContent())!;
  const f1 = (await page.getByTestId('eval-f1').textContent())!;
  expect(Number(f1)).toBeGreaterThanOrEqual(Number(em));
  await expect(page.getByTestId('eval-runs').getByTestId('eval-run-row')).toHaveCount(1);
  await expect(page.getByTestId('eval-types')).toContainText('how many');
  await expect(page.getByTestId('eval-row').first()).toBeVisible();

  // Wrong answers only: every row shown has EM 0, and the count says how many of 42.
  await page.getByRole('button', { name: 'wrong (EM 0)' }).click();
  const wrong = 42 - Number((await page.getByTestId('eval-metrics').locator('.count', { hasText: 'exactly right' }).locator('b').textContent())!);
  await expect(page.getByTestId('eval-shown')).toHaveText(`${wrong} of 42 shown`);
  for (const row of await page.getByTestId('eval-row').all()) await expect(row).not.toHaveClass(/\bright\b/);
  await page.getByLabel('Question type').selectOption('who');
  const whoRows = await page.getByTestId('eval-row').allTextContents();
  expect(whoRows.length).toBeGreaterThan(0);
  for (const text of whoRows) expect(text.toLowerCase()).toMatch(/^who/);
  await page.getByLabel('Question type').selectOption('');
  await screenshot(page, 'evaluate-panel');

  // The official predictions file, scored by the CLI, gives the numbers the panel shows.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Predictions JSON' }).click();
  const predictionsPath = await (await download).path();
  const predictions = JSON.parse(fs.readFileSync(predictionsPath, 'utf8')) as Record<string, unknown>;
  expect(Object.keys(predictions).sort()).toEqual([...DEMO_IDS].sort());
  for (const v of Object.values(predictions)) expect(typeof v).toBe('string');
  const dataPath = tempFile(testInfo.outputPath('cli'), 'demo.json', JSON.stringify(DEMO_DATASET));
  const out = execFileSync('npx', ['tsx', 'cli/index.ts', 'evaluate', '--data', dataPath, '--predictions', predictionsPath], { encoding: 'utf8' });
  const cli = JSON.parse(out.trim().split('\n').pop()!) as { exact_match: number; f1: number; total: number };
  expect(cli.total).toBe(42);
  expect(cli.exact_match.toFixed(2)).toBe(em);
  expect(cli.f1.toFixed(2)).toBe(f1);

  const metricsDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Metrics JSON' }).click();
  const metrics = JSON.parse(fs.readFileSync(await (await metricsDownload).path(), 'utf8')) as { exact_match: number; f1: number; settings: { max_length: number } };
  expect(metrics.f1).toBeCloseTo(cli.f1, 9);
  expect(metrics.settings.max_length).toBe(64);

  // A wrong answer, opened in the inspector with the model's tokenizer, window settings and logits.
  const first = page.getByTestId('eval-row').first();
  const id = (await first.getAttribute('data-id'))!;
  await first.click();
  await expect(page.getByTestId('example-id')).toHaveText(id, { timeout: 30_000 });
  const windows = page.getByTestId('window');
  const count = await windows.count();
  expect(count).toBeGreaterThan(0);
  await expect(page.getByTestId('window-logits')).toHaveCount(count);
  await expect(page.getByTestId('window-logits').first().locator('.logit-bars').first()).toBeVisible();
  await expect(page.getByTestId('logits-legend')).toContainText('tiny (random, seed 42)');
  await expect(page.locator('.tok.pred').first()).toBeVisible();
  await expect(page.locator('.tok.gold').first()).toBeVisible();
  await expect(page.getByTestId('inspector-context').locator('mark.predicted')).not.toHaveCount(0);
  await expect(page.getByLabel('max_length')).toHaveValue('64');
  await expect(page.getByLabel('Vocabulary')).toContainText('tiny (random, seed 42) · model');
  await screenshot(page, 'evaluate-inspector');

  // Playground: an example from the demo set, answered with a probability, top-k and a heatmap.
  await page.getByRole('navigation').getByRole('button', { name: 'QA Playground' }).click();
  await page.getByLabel('Find an example').fill('first keeper');
  await page.getByTestId('example-picker-matches').getByText('demo-0005').click();
  await expect(page.getByLabel('Question')).toHaveValue('Who was the first keeper?');
  await expect(page.getByLabel('Context')).toHaveValue(/Agnes Tolley/);
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  await expect(page.getByTestId('pg-answer-text')).not.toBeEmpty({ timeout: 30_000 });
  await expect(page.getByTestId('pg-probability')).toHaveText(/^p = \d+(\.\d+)?%$/);
  await expect(page.getByTestId('pg-candidate')).toHaveCount(5);
  await expect(page.getByTestId('pg-heatmap').locator('.ht.ans').first()).toBeVisible();
  const answer = (await page.getByTestId('pg-answer-text').textContent())!;
  await expect(page.getByTestId('pg-heatmap')).toContainText('Agnes Tolley');

  // The reference model, offline: the CDN cannot be reached and the column says so.
  await page.route('https://cdn.jsdelivr.net/**', (route) => route.abort('internetdisconnected'));
  await page.getByRole('button', { name: 'Add reference model' }).click();
  await expect(page.getByTestId('reference-status')).toContainText('The reference model is unavailable');
  await expect(page.getByTestId('reference-status')).toContainText('cdn.jsdelivr.net');
  await screenshot(page, 'playground-answer');

  // Compare: two columns answer the same question.
  await page.getByLabel('Compare with a second model').check();
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  await expect(page.getByTestId('pg-column')).toHaveCount(2);
  await expect(page.getByTestId('pg-answer-text')).toHaveText([answer, answer]);

  // The link carries the question, context and models: a new tab answers the same.
  const link = page.url();
  expect(link).toContain('#/playground?');
  const other = await context.newPage();
  await other.goto(link);
  await expect(other.getByLabel('Question')).toHaveValue('Who was the first keeper?');
  await expect(other.getByLabel('Context')).toHaveValue(/Agnes Tolley/);
  await expect(other.getByTestId('pg-answer-text').first()).toHaveText(answer, { timeout: 30_000 });
  await other.close();
});

test('a long context travels in the link deflated and comes back intact', async ({ page }) => {
  await tinyModelOnWasm(page);
  const long = DEMO_DATASET.data.flatMap((a) => a.paragraphs.map((p) => p.context)).join('\n\n');
  await page.getByRole('navigation').getByRole('button', { name: 'QA Playground' }).click();
  await page.getByLabel('Context').fill(long);
  await page.getByLabel('Question').fill('Who was the first keeper?');
  await page.getByLabel('Playground max_length').fill('128');
  await page.getByLabel('Playground stride').fill('32');
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  await expect(page.getByTestId('pg-answer-text')).not.toBeEmpty({ timeout: 60_000 });
  await expect(page.getByTestId('pg-column')).toContainText(/\d+ windows/);
  const link = page.url();
  expect(link).toContain('z=');
  expect(link.length).toBeLessThan(encodeURIComponent(long).length);
  await page.goto('about:blank');
  await page.goto(link);
  await expect(page.getByLabel('Context')).toHaveValue(long);
  await expect(page.getByLabel('Playground max_length')).toHaveValue('128');
  await expect(page.getByTestId('pg-answer-text')).not.toBeEmpty({ timeout: 60_000 });
  await screenshot(page, 'playground-long-context');
});
