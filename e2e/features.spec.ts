import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { chooseFiles, DEV_FILE, screenshot, SHARED_DATA, tempFile } from './helpers.js';

const VOCAB = path.join(SHARED_DATA, 'vocab', 'bert-base-uncased-vocab.txt');

async function importDevFromAssets(page: Page) {
  await page.goto('/');
  await page.getByTestId('local-assets').locator('.asset', { hasText: 'squad/dev-v1.1.json' }).getByRole('button', { name: 'Import' }).click();
  await expect(page.getByTestId('import-done')).toBeVisible({ timeout: 120_000 });
}

test('featurizes SQuAD dev in the browser, inspects a three-window example and audits the dataset', async ({ page }, testInfo) => {
  // The CLI's count for the same data and settings, computed by the same core in Node.
  const out = testInfo.outputPath('features.jsonl');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const stdout = execFileSync('npx', ['tsx', 'cli/index.ts', 'features', '--data', DEV_FILE, '--vocab', VOCAB, '--lowercase', '--max-length', '384', '--stride', '128', '--mode', 'train', '--out', out], { encoding: 'utf8' });
  const cli = JSON.parse(stdout.trim().split('\n').pop()!) as { examples: number; features: number };
  expect(cli.examples).toBe(10570);

  await importDevFromAssets(page);
  await page.getByRole('button', { name: 'Feature Inspector' }).click();
  await page.getByLabel('Dataset').selectOption({ label: 'dev-v1.1 (10,570 questions)' });
  await page.getByLabel('Vocabulary').selectOption({ label: 'bert-base-uncased-vocab.txt · local asset' });
  await expect(page.getByLabel('lowercase')).toBeChecked();
  await page.getByRole('button', { name: 'Tokenize' }).click();
  await expect(page.getByTestId('featurize-result')).toBeVisible({ timeout: 180_000 });
  await expect(page.getByTestId('example-count').locator('b')).toHaveText('10,570');
  await expect(page.getByTestId('feature-count').locator('b')).toHaveText(cli.features.toLocaleString('en-US'));

  await page.getByLabel('Example id').fill('572651f9f1498d1400e8dbee');
  await page.getByRole('button', { name: 'Open' }).click();
  await expect(page.getByTestId('example-id')).toHaveText('572651f9f1498d1400e8dbee');
  const windows = page.getByTestId('window');
  await expect(windows).toHaveCount(3);

  // The CLI's labels for this example's windows are what the inspector shows.
  const lines = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { example_id: string; start_position: number; end_position: number; input_ids: number[] });
  const mine = lines.filter((l) => l.example_id === '572651f9f1498d1400e8dbee');
  expect(mine.length).toBe(3);
  for (let i = 0; i < 3; i++) await expect(windows.nth(i).getByTestId('window-label')).toContainText(`${mine[i].start_position}, ${mine[i].end_position}`);

  // Hovering a context token lights up exactly its characters in the context.
  const chip = windows.nth(0).locator('.tok.context').nth(5);
  const token = (await chip.textContent())!.replace(/^##/, '');
  await chip.hover();
  const lit = page.getByTestId('inspector-context').locator('mark.hover');
  await expect(lit).toHaveCount(1);
  expect((await lit.textContent())!.toLowerCase()).toBe(token);
  await screenshot(page, 'features-inspector');

  await page.getByRole('button', { name: 'partial-overlap' }).click();
  await screenshot(page, 'features-partial-rule');
  await page.getByRole('button', { name: 'side by side' }).click();
  await screenshot(page, 'features-side-by-side');

  await page.getByRole('button', { name: 'Run audit' }).click();
  await expect(page.getByTestId('audit-totals')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('audit-examples')).toContainText('10,570');
  const count = async (id: string) => Number((await page.getByTestId(`audit-${id}`).locator('b').textContent())!.replace(/,/g, ''));
  expect((await count('inside')) + (await count('partial')) + (await count('absent'))).toBe(cli.features);
  // An example whose answer is in no window is labelled (0, 0) in all its windows by the CLI.
  const labelled = new Set(lines.filter((l) => l.start_position !== 0 || l.end_position !== 0).map((l) => l.example_id));
  expect(await count('no-window')).toBe(10570 - labelled.size);
  await screenshot(page, 'features-audit');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const csv = fs.readFileSync(await (await download).path(), 'utf8').trim().split('\n');
  expect(csv[0]).toContain('exampleId');
  expect(csv.length - 1).toBe(cli.features);

  // Search by words of a question, then open the match.
  await page.getByLabel('Example id').fill('veto');
  await page.getByRole('button', { name: 'Open' }).click();
  await page.getByTestId('example-matches').getByText('572651f9f1498d1400e8dbee').click();
  await expect(page.getByTestId('example-id')).toHaveText('572651f9f1498d1400e8dbee');

  // Settings that cannot work are refused with the reason and what would work; nothing is stored.
  await page.getByLabel('max_length').fill('64');
  await page.getByLabel('stride').fill('60');
  await page.getByRole('button', { name: 'Tokenize' }).click();
  await expect(page.getByTestId('features-error')).toContainText(/stride 60 must be smaller than the context budget .*use stride <= \d+/);
  await screenshot(page, 'features-bad-settings');
});

test('the same file imported twice under two names shares one stored feature set', async ({ page }, testInfo) => {
  const dev = JSON.parse(fs.readFileSync(DEV_FILE, 'utf8')) as { version: string; data: { paragraphs: { qas: unknown[] }[] }[] };
  const small = { version: dev.version, data: dev.data.slice(0, 2) };
  const questions = small.data.flatMap((a) => a.paragraphs).reduce((n, p) => n + p.qas.length, 0);
  const text = JSON.stringify(small);
  await page.goto('/');
  await expect(page.getByTestId('dataset-row').first()).toBeVisible();
  for (const name of ['two-articles', 'two-articles-copy']) {
    await chooseFiles(page, tempFile(testInfo.outputPath(), `${name}.json`, text));
    await expect(page.getByTestId('dataset-row').filter({ hasText: name })).toBeVisible({ timeout: 60_000 });
  }

  await page.getByRole('button', { name: 'Feature Inspector' }).click();
  const tokenize = async (name: string) => {
    await page.getByLabel('Dataset').selectOption({ label: `${name} (${questions.toLocaleString('en-US')} questions)` });
    await page.getByLabel('Vocabulary').selectOption({ label: 'bert-base-uncased-vocab.txt · local asset' });
    await page.getByRole('button', { name: 'Tokenize' }).click();
    await expect(page.getByTestId('featurize-result')).toBeVisible({ timeout: 60_000 });
  };
  await tokenize('two-articles');
  await expect(page.getByTestId('featurize-result')).toContainText('in a worker');
  await tokenize('two-articles-copy');
  await expect(page.getByTestId('featurize-result')).toContainText('reused');
  await expect(page.getByTestId('stored-feature-sets')).toContainText('384/128');
});
