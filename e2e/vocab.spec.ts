import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { DEMO_DATASET } from '../src/core/squad/demo.js';
import { squadTexts } from '../src/core/squad/texts.js';
import { trainWordPiece } from '../src/core/tokenizer/train.js';
import { chooseFiles, screenshot } from './helpers.js';

test('trains a vocabulary on the demo set in a worker, stores it, measures coverage and tokenizes with it', async ({ page }) => {
  await page.goto('/#/features');
  await expect(page.getByTestId('vocab-tool')).toBeVisible();
  const tool = page.getByTestId('vocab-tool');
  await expect(tool.getByLabel('Train on')).toContainText('BERT Studio demo');
  await tool.getByLabel('Size (tokens)').fill('300');
  await tool.getByLabel('Save as').fill('demo 300');
  await tool.getByRole('button', { name: 'Train vocabulary' }).click();
  const table = tool.getByRole('table', { name: 'Trained vocabularies' });
  await expect(table).toContainText('demo 300', { timeout: 60_000 });
  const expected = trainWordPiece(squadTexts(DEMO_DATASET.data), { vocabSize: 300 }).tokens;
  await expect(table.locator('tbody tr').first().locator('td').nth(1)).toHaveText(String(expected.length));

  // The file it offers is the core trainer's vocabulary, token for token.
  const download = page.waitForEvent('download');
  await table.getByRole('button', { name: 'vocab.txt' }).click();
  expect(fs.readFileSync(await (await download).path(), 'utf8')).toBe(expected.join('\n') + '\n');

  // It is now the inspector's vocabulary; tokenizing with it works.
  const vocab = page.getByLabel('Vocabulary', { exact: true });
  await expect(vocab.locator('option:checked')).toHaveText('demo 300 · trained');
  await page.getByRole('button', { name: 'Tokenize', exact: true }).click();
  await expect(page.getByTestId('featurize-result')).toBeVisible({ timeout: 60_000 });

  // Coverage of the demo by the new vocabulary and the shipped one: no unknown token, and the
  // smaller vocabulary needs more pieces per word.
  const group = tool.getByRole('group', { name: 'Vocabularies to measure' });
  await group.getByLabel('demo 300 · trained').check();
  await group.getByLabel(/BERT Studio demo \(\d+ tokens\) · built in/).check();
  await group.getByRole('button', { name: 'Measure coverage' }).click();
  const coverage = tool.getByRole('table', { name: 'Coverage' });
  await expect(coverage.locator('tbody tr')).toHaveCount(2, { timeout: 60_000 });
  const cells = (name: string | RegExp) => coverage.locator('tbody tr').filter({ hasText: name }).locator('td').allTextContents();
  const [mine, shipped] = [await cells('demo 300'), await cells(/BERT Studio demo/)];
  expect(mine[1]).toBe('0.00 % (0)');
  expect(shipped[1]).toBe('0.00 % (0)');
  expect(Number(mine[2])).toBeGreaterThan(Number(shipped[2]));
  await screenshot(page, 'vocab-tool');

  // Stored: after a reload it is still there and selectable.
  await page.reload();
  await expect(page.getByRole('table', { name: 'Trained vocabularies' })).toContainText('demo 300');
  await expect(page.getByLabel('Vocabulary', { exact: true }).locator('option', { hasText: 'demo 300 · trained' })).toHaveCount(1);
  await page.getByRole('table', { name: 'Trained vocabularies' }).getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('table', { name: 'Trained vocabularies' })).toHaveCount(0);
});

async function importFile(page: Page, file: string) {
  await chooseFiles(page, file);
}

test('imports UTF-16 files by their byte-order mark and offers Windows-1252 for a file that is not UTF-8', async ({ page }, testInfo) => {
  const context = 'The café in Zürich opened in 1905.';
  const squad = (id: string) =>
    JSON.stringify({ version: '1.1', data: [{ title: id, paragraphs: [{ context, qas: [{ id, question: 'Where is the café?', answers: [{ text: 'Zürich', answer_start: 12 }] }] }] }] });
  const dir = testInfo.outputPath();
  fs.mkdirSync(dir, { recursive: true });
  const write = (name: string, bytes: Buffer) => {
    const p = `${dir}/${name}`;
    fs.writeFileSync(p, bytes);
    return p;
  };
  const be = Buffer.from(squad('utf16be'), 'utf16le').swap16();
  const files = {
    le: write('utf16le.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(squad('utf16le'), 'utf16le')])),
    be: write('utf16be.json', Buffer.concat([Buffer.from([0xfe, 0xff]), be])),
    latin1: write('latin1.json', Buffer.from(squad('latin1'), 'latin1')),
  };

  await page.goto('/');
  await expect(page.getByTestId('dataset-row').first()).toBeVisible();
  for (const name of ['utf16le', 'utf16be'] as const) {
    await importFile(page, files[name === 'utf16le' ? 'le' : 'be']);
    await expect(page.getByTestId('import-done')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('dataset-row').filter({ hasText: name })).toBeVisible();
  }

  await importFile(page, files.latin1);
  const error = page.getByTestId('import-error');
  const at = Buffer.from(squad('latin1'), 'latin1').indexOf(0xe9);
  await expect(error).toContainText(`latin1.json is not valid UTF-8 at byte ${at} (E9 20)`);
  await screenshot(page, 'import-not-utf8');
  await error.getByRole('button', { name: 'Decode as Windows-1252' }).click();
  await expect(page.getByTestId('import-done')).toBeVisible({ timeout: 30_000 });
  const row = page.getByTestId('dataset-row').filter({ hasText: 'latin1' });
  await row.click();
  await page.locator('[data-qid="latin1"]').click();
  await expect(page.getByTestId('question-detail')).toContainText('Where is the café?');
  await expect(page.getByTestId('context')).toContainText('The café in Zürich opened in 1905.');
});

test('training a vocabulary on SQuAD dev shows its progress and cancels, storing nothing', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('local-assets').locator('.asset', { hasText: 'squad/dev-v1.1.json' }).getByRole('button', { name: 'Import' }).click();
  await expect(page.getByTestId('import-done')).toBeVisible({ timeout: 120_000 });
  await page.getByRole('navigation').getByRole('button', { name: 'Feature Inspector' }).click();
  const tool = page.getByTestId('vocab-tool');
  await tool.getByLabel('Train on').selectOption({ label: 'dev-v1.1' });
  await tool.getByLabel('Size (tokens)').fill('30000');
  await tool.getByRole('button', { name: 'Train vocabulary' }).click();
  const job = page.getByTestId('vocab-job');
  await expect(job).toContainText(/counting words: [\d,]+ of 12,637 texts|merging: [\d,]+ of at most 30,000 tokens/);
  await screenshot(page, 'vocab-training');
  await job.getByRole('button', { name: 'Cancel' }).click();
  await expect(tool.getByRole('alert')).toHaveText('Training cancelled; nothing was stored.');
  await expect(job).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('vocab-tool')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Trained vocabularies' })).toHaveCount(0);
});
