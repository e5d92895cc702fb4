import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { chooseFiles, fitsBothSizes, screenshot, SHARED_DATA } from './helpers.js';

// A real output folder of the exported MRPC project's train.py (transformers Trainer on CPU).
const FOLDER = path.resolve(process.cwd(), 'src', 'core', 'export', 'fixtures', 'trainer-output-mrpc');
const MRPC_DEV = path.join(SHARED_DATA, 'mrpc', 'dev.tsv');

test('imports an MRPC Trainer output folder: a pair run with its curve, scored on dev.tsv as the Python run scored it', async ({ page }) => {
  const state = JSON.parse(fs.readFileSync(path.join(FOLDER, 'trainer_state.json'), 'utf8')) as { global_step: number; log_history: Record<string, number>[] };
  const finalEval = state.log_history.filter((e) => 'eval_accuracy' in e).pop()!;
  const losses = state.log_history.filter((e) => 'loss' in e).length;

  await page.goto('/#/data');
  await chooseFiles(page, MRPC_DEV);
  await expect(page.locator('[data-testid="import-done"][data-task="mrpc"]')).toContainText('408 pairs');

  await page.getByRole('button', { name: 'Model', exact: true }).click();
  await page.getByTestId('trainer-import-input').setInputFiles(FOLDER);
  const label = `trainer-output-mrpc (Trainer, step ${state.global_step})`;
  await expect(page.getByTestId('model-notice')).toContainText(`Added the sentence-pair run “${label}”`);
  await expect(page.getByTestId('model-notice')).toContainText(`accuracy ${(finalEval.eval_accuracy * 100).toFixed(1)}%`);

  // The run list of the pair Train panel: the Trainer's loss curve and its last evaluation.
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByLabel('Pair run', { exact: true })).toContainText(label);
  await expect(page.getByTestId('pair-run-status')).toContainText(`completed · step ${state.global_step} of ${state.global_step} on Hugging Face Trainer`);
  // Its curves are a run's: a row in the Runs table and the shared charts, every logged step drawn.
  const row = page.getByTestId('run-row').filter({ hasText: label });
  await expect(row.getByTestId('run-row-task')).toHaveText('MRPC');
  await row.click();
  const loss = page.getByTestId('chart-loss');
  await expect(loss.locator('canvas')).toHaveCount(1);
  await expect(loss.locator('.u-legend .u-series').first().locator('.u-value')).toHaveText(String(state.global_step));
  await expect(page.getByTestId('chart-eval').locator('.u-legend')).toContainText('accuracy');
  const run = page.getByTestId('pair-run');
  await expect(run).toContainText(finalEval.eval_accuracy.toFixed(3));
  await expect(run).toContainText(finalEval.eval_f1.toFixed(3));
  await expect(page.getByTestId('pair-padding')).toContainText('max length 64');
  await run.scrollIntoViewIfNeeded();
  await fitsBothSizes(page, 'mrpc-import-run');
  expect(losses).toBe(state.global_step);

  // Evaluate on dev.tsv in the browser: the confusion matrix gives exactly the accuracy and F1 Python logged.
  await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
  await expect(page.getByLabel('Pair run to score', { exact: true })).toContainText(label);
  await page.getByRole('button', { name: 'Score pairs' }).click();
  await expect(page.getByTestId('pair-eval-result')).toBeVisible({ timeout: 30_000 });
  const [tn, fp, fn, tp] = (await page.getByTestId('pair-confusion').locator('td').allTextContents()).map(Number);
  expect(tn + fp + fn + tp).toBe(408);
  expect((tn + tp) / 408).toBeCloseTo(finalEval.eval_accuracy, 12);
  expect((2 * tp) / (2 * tp + fp + fn)).toBeCloseTo(finalEval.eval_f1, 12);
  await expect(page.getByTestId('pair-accuracy')).toContainText(finalEval.eval_accuracy.toFixed(4));
  await expect(page.getByTestId('pair-f1')).toContainText(finalEval.eval_f1.toFixed(4));
  await screenshot(page, 'mrpc-import-evaluate');

  // The Playground classifies with the imported classifier.
  await page.getByRole('button', { name: 'QA Playground' }).click();
  await page.getByLabel('Sentence 1').fill('The company said profits rose sharply in the third quarter.');
  await page.getByLabel('Sentence 2').fill('Profits rose sharply in the third quarter, the company said.');
  await page.getByRole('button', { name: 'Classify pair' }).click();
  const answer = page.getByTestId('pair-answer');
  await expect(answer).toBeVisible({ timeout: 30_000 });
  const probs = await answer.locator('.pair-prob > span:last-child').allTextContents();
  expect(probs.map(Number).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
});

test('an MRPC output folder without vocab.txt or with three labels is refused with the reason, and no pair run is stored', async ({ page }, testInfo) => {
  const copy = (name: string, edit: (files: Map<string, Buffer>) => void) => {
    const dir = testInfo.outputPath(name);
    fs.mkdirSync(dir, { recursive: true });
    const files = new Map(fs.readdirSync(FOLDER).map((f) => [f, fs.readFileSync(path.join(FOLDER, f))]));
    edit(files);
    for (const [f, bytes] of files) fs.writeFileSync(path.join(dir, f), bytes);
    return dir;
  };
  const noVocab = copy('no-vocab', (files) => files.delete('vocab.txt'));
  const threeLabels = copy('three-labels', (files) => {
    const config = JSON.parse(files.get('config.json')!.toString('utf8'));
    config.id2label = { 0: 'a', 1: 'b', 2: 'c' };
    files.set('config.json', Buffer.from(JSON.stringify(config)));
  });

  await page.goto('/#/model');
  await page.getByTestId('trainer-import-input').setInputFiles(noVocab);
  await expect(page.getByTestId('model-error')).toContainText('The folder has no vocab.txt');
  await page.getByTestId('trainer-import-input').setInputFiles(threeLabels);
  await expect(page.getByTestId('model-error')).toContainText('config.json has 3 labels');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByLabel('Pair run', { exact: true })).toHaveCount(0);
  await expect(page.getByTestId('run-row')).toHaveCount(0);
});
