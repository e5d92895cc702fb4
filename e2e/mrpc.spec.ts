import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { chooseFiles, fitsBothSizes, pairsAndTinyModel, SHARED_DATA, tempFile } from './helpers.js';

const MRPC_DEV = path.join(SHARED_DATA, 'mrpc', 'dev.tsv');


test('MRPC: import dev.tsv, browse pairs, reject a bad file with its line', async ({ page }, testInfo) => {
  await page.goto('/#/data');
  await chooseFiles(page, MRPC_DEV);
  await expect(page.locator('[data-testid="import-done"][data-task="mrpc"]')).toContainText('408 pairs (279 equivalent, 129 not)');
  const row = page.locator('[data-testid="dataset-row"][data-task="mrpc"]').filter({ hasText: 'dev' });
  await expect(row.getByTestId('col-pairs')).toHaveText('408');
  await row.click();
  await expect(page.getByTestId('pair-count')).toHaveText('408');
  await page.getByLabel('Label filter').selectOption('0');
  await expect(page.getByTestId('pair-count')).toHaveText('129');
  await page.getByTestId('pair-list').locator('.vrow').first().click();
  await expect(page.getByTestId('pair-detail')).toContainText('not equivalent');
  await fitsBothSizes(page, 'mrpc-data');

  // A label that is not 0/1: the review names the line and column; importing the rest keeps 1 pair.
  const bad = tempFile(testInfo.outputPath(), 'bad.csv', 'sentence1,sentence2,label\nA cat sat.,A cat was sitting.,1\nOne.,Two.,7\n');
  const chooser2 = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Choose file…' }).click();
  await (await chooser2).setFiles(bad);
  await expect(page.getByTestId('issue-list')).toContainText('line 3 (row 1), column "label"');
  await page.getByRole('button', { name: 'Import 1 valid pair only' }).click();
  await expect(page.locator('[data-testid="import-done"][data-task="mrpc"]')).toContainText('1 invalid row skipped');

  // Latin-1 bytes are not UTF-8: the error names the byte, and one click reads them as Windows-1252.
  const latin1 = testInfo.outputPath('latin1.csv');
  fs.writeFileSync(latin1, Buffer.concat([Buffer.from('sentence1,sentence2,label\nCaf'), Buffer.from([0xe9]), Buffer.from(' opened.,A caf'), Buffer.from([0xe9]), Buffer.from(' opened.,1\n')]));
  const chooser3 = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Choose file…' }).click();
  await (await chooser3).setFiles(latin1);
  await expect(page.locator('[data-testid="import-error"][data-task="mrpc"]')).toContainText('latin1.csv');
  await page.getByRole('button', { name: 'Decode as Windows-1252' }).click();
  await expect(page.locator('[data-testid="import-done"][data-task="mrpc"]')).toContainText('Imported “latin1”: 1 pair');
  await page.locator('[data-testid="dataset-row"][data-task="mrpc"]').filter({ hasText: 'latin1' }).click();
  await page.getByTestId('pair-list').locator('.vrow').first().click();
  await expect(page.getByTestId('pair-detail')).toContainText('Café opened.');
});

test('MRPC: train a tiny classifier on wasm, evaluate it, and classify a pair in the Playground', async ({ page }) => {
  await pairsAndTinyModel(page, MRPC_DEV);

  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.getByLabel('MRPC pairs to fit').selectOption({ label: 'dev (408 pairs)' });
  await page.getByLabel('MRPC pairs to check during the run').selectOption({ label: 'dev (408 pairs)' });
  await page.getByLabel('MRPC runs on').selectOption('wasm');
  await page.getByLabel('Pair max length').fill('64');
  await page.getByLabel('Pair learning rate').fill('0.001');
  await page.getByLabel('Pair batch size').fill('16');
  await page.getByLabel('Pair max steps').fill('6');
  await page.getByRole('button', { name: 'Start pair run' }).click();
  await expect(page.getByTestId('pair-run-status')).toContainText('completed · step 6 of 6 on wasm', { timeout: 60_000 });
  await expect(page.getByTestId('pair-padding')).toContainText('padding tokens saved');
  // The pair run is a run like a QA one: a row in the Runs table, its curves in the shared charts.
  const row = page.getByTestId('run-row').filter({ has: page.getByTestId('run-row-task') });
  await expect(row.getByTestId('run-row-task')).toHaveText('MRPC');
  await expect(row.getByTestId('run-row-status')).toContainText('completed');
  await expect(row).toContainText('6 / 6');
  const loss = page.getByTestId('chart-loss');
  await expect(loss.locator('canvas')).toHaveCount(1);
  await expect(loss.locator('.u-legend .u-series').nth(1).locator('.u-value')).toHaveText(/^\d/);
  await expect(page.getByTestId('chart-eval')).toContainText('accuracy / F1');
  await expect(page.getByTestId('chart-eval').locator('.u-legend')).toContainText('accuracy');
  await expect(page.getByTestId('run-card')).toContainText('accuracy / F1');
  await page.getByTestId('pair-run').scrollIntoViewIfNeeded();
  await fitsBothSizes(page, 'mrpc-train');

  await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
  await page.getByRole('button', { name: 'Score pairs' }).click();
  const result = page.getByTestId('pair-eval-result');
  await expect(result).toBeVisible({ timeout: 60_000 });
  const confusion = (await page.getByTestId('pair-confusion').locator('td').allTextContents()).map(Number);
  expect(confusion.reduce((a, b) => a + b, 0)).toBe(408);
  const [tn, fp, fn, tp] = confusion;
  await expect(page.getByTestId('pair-accuracy')).toContainText(((tn + tp) / 408).toFixed(4));
  await page.getByRole('group', { name: 'Pair filter' }).getByRole('button', { name: 'wrong', exact: true }).click();
  await expect(page.getByTestId('pair-eval-count')).toHaveText(`${fp + fn} pairs`);
  // A click shows the pair's tokens, and what truncation kept of each sentence.
  await page.getByTestId('pair-eval-rows').locator('.vrow').first().click();
  await expect(page.getByTestId('pair-inspect').getByTestId('pair-saliency').locator('.tok').first()).toHaveText('[CLS]');
  await expect(page.getByTestId('pair-inspect')).toContainText('tokens kept');
  await page.getByTestId('pair-inspect').scrollIntoViewIfNeeded();
  await fitsBothSizes(page, 'mrpc-evaluate');

  // The run's parameters are stored: after a reload the Playground loads them from IndexedDB.
  await page.reload();
  await page.getByRole('button', { name: 'QA Playground' }).click();
  await page.getByLabel('Sentence 1').fill('The company said profits rose sharply in the third quarter.');
  await page.getByLabel('Sentence 2').fill('Profits rose sharply in the third quarter, the company said.');
  await page.getByRole('button', { name: 'Classify pair' }).click();
  const answer = page.getByTestId('pair-answer');
  await expect(answer).toBeVisible({ timeout: 30_000 });
  const probs = await answer.locator('.pair-prob > span:last-child').allTextContents();
  expect(probs.map(Number).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
  await expect(page.getByTestId('pair-saliency').locator('.tok').first()).toHaveText('[CLS]');
  await answer.scrollIntoViewIfNeeded();
  await fitsBothSizes(page, 'mrpc-playground');
});

test('MRPC: a pair run pauses, survives a reload, resumes from its checkpoint and stops with its classifier kept', async ({ page }) => {
  const stepOf = async () => Number(((await page.getByTestId('run-step').textContent()) ?? '').split('/')[0].replace(/[^\d]/g, ''));
  await pairsAndTinyModel(page, MRPC_DEV);

  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.getByLabel('MRPC pairs to fit').selectOption({ label: 'dev (408 pairs)' });
  await page.getByLabel('MRPC runs on').selectOption('wasm');
  await page.getByLabel('Pair max length').fill('64');
  await page.getByLabel('Pair batch size').fill('16');
  await page.getByLabel('Pair max steps').fill('400');
  await page.getByLabel('Pair checkpoint every').fill('2');
  await page.getByRole('button', { name: 'Start pair run' }).click();
  await expect(page.getByTestId('pair-run-status')).toContainText('running', { timeout: 60_000 });
  await expect.poll(stepOf, { timeout: 60_000 }).toBeGreaterThanOrEqual(3);

  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('run-status')).toContainText('paused · resumable from step', { timeout: 60_000 });
  const paused = await stepOf();
  await expect(page.getByTestId('run-status')).toHaveText(`paused · resumable from step ${paused}`);
  await expect(page.getByTestId('pair-run-status')).toContainText(`paused · step ${paused} of 400`);

  await page.reload();
  const row = page.getByTestId('run-row').filter({ has: page.getByTestId('run-row-task') });
  await expect(row.getByTestId('run-row-status')).toHaveText(`paused · resumable @${paused}`);
  await expect(page.getByTestId('run-step')).toContainText(`${paused} / 400`);
  await row.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByTestId('run-status')).toContainText('running', { timeout: 60_000 });
  const seen: number[] = [];
  await expect
    .poll(async () => {
      const s = await stepOf();
      seen.push(s);
      return s;
    }, { timeout: 60_000 })
    .toBeGreaterThanOrEqual(paused + 2);
  // From the checkpoint on: the counter never drops below the paused step.
  expect(Math.min(...seen)).toBeGreaterThanOrEqual(paused);
  await expect(page.getByTestId('train-notice').filter({ hasText: `from the checkpoint of step ${paused}` })).toBeVisible();

  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByTestId('run-status')).toHaveText('stopped', { timeout: 60_000 });
  await expect(page.getByTestId('run-reason')).toContainText('the model so far is saved as');
  await expect(page.getByTestId('pair-run-status')).toContainText('stopped');
  await expect(page.getByLabel('Pair run', { exact: true })).toContainText('stopped');
  await page.getByTestId('pair-run').scrollIntoViewIfNeeded();
  await fitsBothSizes(page, 'mrpc-train-resumed');
});
