import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { epochOrder, rowPlacement } from '../src/core/features/batcher.js';
import { SeededRng } from '../src/core/train/rng.js';
import { chooseFiles, fitsBothSizes, SHARED_DATA } from './helpers.js';

const MRPC_DEV = path.join(SHARED_DATA, 'mrpc', 'dev.tsv');
const VOCAB = path.join(SHARED_DATA, 'vocab', 'bert-base-uncased-vocab.txt');
const SMALL = 24;

interface FeatureRow {
  id: string;
  input_ids: number[];
  token_type_ids: number[];
}

/** The CLI's `features --task mrpc` rows for dev.tsv at one max_length: the reference the page must agree with. */
function cliFeatures(dir: string, maxLength: number): FeatureRow[] {
  const out = path.join(dir, `features-${maxLength}.jsonl`);
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('npx', ['tsx', 'cli/index.ts', 'features', '--task', 'mrpc', '--data', MRPC_DEV, '--vocab', VOCAB, '--max-length', String(maxLength), '--out', out], { stdio: 'pipe' });
  return fs
    .readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as FeatureRow);
}

/** Each sentence's ids in a row: [CLS] s1 [SEP] s2 [SEP], split by token type. */
function sentenceIds(r: FeatureRow): [number[], number[]] {
  const firstB = r.token_type_ids.indexOf(1);
  return [r.input_ids.slice(1, firstB - 1), r.input_ids.slice(firstB, -1)];
}


const ids = async (page: Page, selector: string) => (await page.locator(selector).evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-id')))));

async function trainRun(page: Page, lr: string, seed: string) {
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.getByLabel('MRPC pairs to fit').selectOption({ label: 'dev (408 pairs)' });
  await page.getByLabel('MRPC runs on').selectOption('wasm');
  await page.getByLabel('Pair max length').fill('64');
  await page.getByLabel('Pair learning rate').fill(lr);
  await page.getByLabel('Pair batch size').fill('16');
  await page.getByLabel('Pair max steps').fill('3');
  await page.getByLabel('Pair seed').fill(seed);
  await page.getByRole('button', { name: 'Start pair run' }).click();
  await expect(page.getByTestId('pair-run-status')).toContainText('completed · step 3 of 3', { timeout: 60_000 });
}

test('MRPC pair inspector: truncation and batch padding as the CLI and Trainer compute them; two runs side by side in the Playground', async ({ page, context }, testInfo) => {
  // The reference: the CLI's features at a small max_length (what is kept) and untruncated (everything).
  const cut = cliFeatures(testInfo.outputPath(), SMALL);
  const full = cliFeatures(testInfo.outputPath(), 512);
  // A row truncation cuts from both sentences.
  const row = cut.findIndex((r, i) => {
    const [a, b] = sentenceIds(r);
    const [fa, fb] = sentenceIds(full[i]);
    return a.length < fa.length && b.length < fb.length;
  });
  expect(row).toBeGreaterThanOrEqual(0);
  const rowId = cut[row].id;

  await page.goto('/#/data');
  await chooseFiles(page, MRPC_DEV);
  await expect(page.locator('[data-testid="import-done"][data-task="mrpc"]')).toContainText('408 pairs');

  await page.getByRole('button', { name: 'Feature Inspector' }).click();
  await page.getByRole('button', { name: 'Sentence pairs (MRPC)' }).click();
  await page.getByLabel('Vocabulary', { exact: true }).selectOption({ label: 'bert-base-uncased-vocab.txt · local asset' });
  await page.getByLabel('Pair max_length').fill(String(SMALL));
  await page.getByLabel('Inspector batch size').fill('8');
  await page.getByLabel('Inspector seed').fill('42');
  await page.getByLabel('group_by_length').check();
  await page.getByLabel('Row id').fill(rowId);
  await page.getByRole('button', { name: 'Open row' }).click();
  const inspector = page.getByTestId('pair-inspector');
  await expect(inspector.getByTestId('pair-row-id')).toHaveText(`Row ${rowId}`);
  await expect(inspector.getByTestId('row-length')).toContainText(String(cut[row].input_ids.length));

  // What the model reads is the CLI's row, token for token, with its token types.
  expect(await ids(page, '[data-testid="pair-input"] [data-testid="pair-token"]')).toEqual(cut[row].input_ids);
  const types = await page.locator('[data-testid="pair-input"] [data-testid="pair-token"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-type'))));
  expect(types).toEqual(cut[row].token_type_ids);
  await expect(page.getByTestId('pair-input').locator('.tok').first()).toHaveText('[CLS]0');

  // Dropped tokens: what the untruncated row has beyond what the truncated one kept, per sentence.
  const kept = sentenceIds(cut[row]);
  const all = sentenceIds(full[row]);
  for (const s of [0, 1] as const) {
    const dropped = all[s].slice(kept[s].length);
    expect(dropped.length).toBeGreaterThan(0);
    expect(all[s].slice(0, kept[s].length)).toEqual(kept[s]);
    expect(await ids(page, `[data-testid="sentence-${s + 1}-tokens"] [data-testid="dropped-token"]`)).toEqual(dropped);
    expect(await ids(page, `[data-testid="sentence-${s + 1}-tokens"] [data-testid="kept-token"]`)).toEqual(kept[s]);
    await expect(page.getByTestId(`dropped-count-${s + 1}`)).toHaveText(`${dropped.length} dropped by truncation`);
  }
  const truncatedRows = cut.filter((r, i) => r.input_ids.length < full[i].input_ids.length).length;
  await expect(inspector.getByTestId('rows-cut')).toContainText(`${truncatedRows} / 408`);

  // The batch: the Trainer's epoch order (seed 42, grouped by length) over the CLI's row lengths.
  const lengths = cut.map((r) => r.input_ids.length);
  const placement = rowPlacement(epochOrder(new SeededRng(42), 408, { batchSize: 8, shuffle: true, groupByLength: true }, lengths), lengths, 8, row);
  await expect(inspector.getByTestId('pair-batch-title')).toHaveText(`Epoch 1, batch ${placement.batch + 1} of 51`);
  expect(await inspector.getByTestId('batch-row').locator('button').allTextContents()).toEqual(placement.rows.map((r) => cut[r].id));
  await expect(inspector.getByTestId('pair-padding-summary')).toContainText(`this pair: ${lengths[row]} tokens + ${placement.padding} [PAD]`);
  if (placement.padding > 0) await expect(inspector.getByTestId('pair-pad')).toHaveText(`[PAD] × ${placement.padding}`);

  // Stepping and search.
  await page.getByRole('button', { name: 'Next pair' }).click();
  await expect(inspector.getByTestId('pair-position')).toHaveText(`${row + 2} / 408`);
  await page.getByLabel('Search pairs').fill('foodservice pie');
  await page.getByTestId('pair-matches').locator('.vrow').first().click();
  await expect(inspector.getByTestId('pair-row-id')).toHaveText('Row 0');
  await page.getByLabel('Row id').fill(rowId);
  await page.getByRole('button', { name: 'Open row' }).click();
  await expect(inspector.getByTestId('pair-row-id')).toHaveText(`Row ${rowId}`);
  // Shown where truncation cuts less and batches are shuffled, not grouped: padding to see.
  await page.getByLabel('group_by_length').uncheck();
  await page.getByLabel('Pair max_length').fill('40');
  await expect(inspector.getByTestId('row-length')).toContainText('40');
  await expect(inspector.getByTestId('pair-batch-title')).toContainText('Epoch 1');
  await fitsBothSizes(page, 'mrpc-inspector');

  // Two runs of a tiny model, then Evaluate's pair links to its tokenization here, under the run's settings.
  await page.getByRole('button', { name: 'Model', exact: true }).click();
  await page.getByLabel('Config preset').selectOption('tiny');
  await page.getByLabel('Vocabulary for the new model').selectOption({ label: 'bert-base-uncased-vocab.txt · local asset' });
  await page.getByRole('button', { name: 'Initialise' }).click();
  await expect(page.getByTestId('model-notice')).toContainText('Added');
  await trainRun(page, '0.001', '42');
  await trainRun(page, '0.003', '7');

  await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
  await page.getByLabel('Pair run to score').selectOption({ index: 0 });
  await page.getByRole('button', { name: 'Score pairs' }).click();
  await expect(page.getByTestId('pair-eval-result')).toBeVisible({ timeout: 60_000 });
  const evalRow = page.getByTestId('pair-eval-rows').locator('.vrow').nth(2);
  const evalId = await evalRow.getAttribute('data-pair-id');
  await evalRow.click();
  await page.getByRole('button', { name: 'Tokenization in the Feature Inspector →' }).click();
  await expect(page.getByTestId('pair-from-run')).toBeVisible();
  await expect(inspector.getByTestId('pair-row-id')).toHaveText(`Row ${evalId}`);
  await expect(page.getByLabel('Pair max_length')).toHaveValue('64');
  await expect(page.getByLabel('Inspector batch size')).toHaveValue('16');
  await expect(page.getByTestId('pair-input').locator('.tok').first()).toHaveText('[CLS]0');

  // The Playground: a stored pair, two runs side by side, each with probabilities and saliency.
  await page.getByRole('button', { name: 'QA Playground' }).click();
  await page.getByLabel('Playground row id').fill(rowId);
  await page.getByRole('button', { name: 'Take pair' }).click();
  await expect(page.getByTestId('pair-source')).toContainText(`Row ${rowId} of dev`);
  await expect(page.getByLabel('Sentence 1')).not.toHaveValue('');
  await page.getByLabel('Compare with a second pair run').check();
  await page.getByLabel('Playground pair run', { exact: true }).selectOption({ index: 0 });
  await page.getByLabel('Second pair run', { exact: true }).selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Classify pair' }).click();
  const columns = page.getByTestId('pair-column');
  await expect(columns).toHaveCount(2);
  for (let i = 0; i < 2; i++) {
    const answer = columns.nth(i).getByTestId('pair-answer');
    await expect(answer).toBeVisible({ timeout: 30_000 });
    const probs = (await answer.locator('.pair-prob > span:last-child').allTextContents()).map(Number);
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
    await expect(answer.getByTestId('pair-saliency').locator('.tok').first()).toHaveText('[CLS]');
  }
  // The two runs differ (learning rate, seed), so their answers do.
  const p0 = await columns.nth(0).locator('.pair-prob > span:last-child').allTextContents();
  const p1 = await columns.nth(1).locator('.pair-prob > span:last-child').allTextContents();
  expect(p0).not.toEqual(p1);
  await columns.first().scrollIntoViewIfNeeded();
  await fitsBothSizes(page, 'mrpc-playground-compare');

  // The link restores the pair, the sentences and both runs in a new tab, and answers again.
  const link = await page.evaluate(() => location.href);
  expect(link).toContain('t=mrpc');
  const s1 = await page.getByLabel('Sentence 1').inputValue();
  const other = await context.newPage();
  await other.goto(link);
  await expect(other.getByLabel('Sentence 1')).toHaveValue(s1);
  await expect(other.getByTestId('pair-source')).toContainText(`Row ${rowId} of dev`);
  await expect(other.getByLabel('Compare with a second pair run')).toBeChecked();
  const restored = other.getByTestId('pair-column');
  await expect(restored).toHaveCount(2);
  await expect(restored.nth(1).getByTestId('pair-answer')).toBeVisible({ timeout: 30_000 });
  expect(await restored.nth(0).locator('.pair-prob > span:last-child').allTextContents()).toEqual(p0);
  expect(await restored.nth(1).locator('.pair-prob > span:last-child').allTextContents()).toEqual(p1);
});
