import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { DEMO_DATASET } from '../src/core/squad/demo.js';
import { SHARED_DATA, overflow, screenshot } from './helpers.js';

test.setTimeout(300_000);

// Names without spaces are the worst case: nothing lets the browser wrap them.
const DATASET_FILE = 'squad-style-demo-questions-exported-from-the-annotation-tool-2026-11-30-final-v2.json';
const VOCAB_FILE = 'bert-base-uncased-vocabulary-extended-with-domain-terms-for-the-layout-check.txt';
const MODEL_FOLDER = 'bert-tiny-uncased-finetuned-squad-v1.1-seed-42-lr-3e-4-batch-32-max-length-384-stride-128';
const PANELS = ['Data', 'Feature Inspector', 'Model', 'Train', 'Evaluate', 'QA Playground'];
const SIZES = [
  { width: 1280, height: 800 },
  { width: 1440, height: 900 },
];

function makeModelFolder(dir: string): string {
  const folder = path.join(dir, MODEL_FOLDER);
  execFileSync('npx', ['tsx', 'cli/index.ts', 'init', '--config', 'tiny', '--seed', '42', '--out', folder], { stdio: 'pipe' });
  fs.copyFileSync(path.join(SHARED_DATA, 'vocab', 'bert-base-uncased-vocab.txt'), path.join(folder, 'vocab.txt'));
  fs.writeFileSync(path.join(folder, 'tokenizer_config.json'), JSON.stringify({ do_lower_case: true }));
  return folder;
}

test('every panel fits 1280x800 and 1440x900 with long model, dataset and vocabulary names', async ({ page }, testInfo) => {
  const folder = makeModelFolder(testInfo.outputPath('models'));
  const dataPath = testInfo.outputPath(DATASET_FILE);
  fs.writeFileSync(dataPath, JSON.stringify(DEMO_DATASET));
  const vocabPath = testInfo.outputPath(VOCAB_FILE);
  fs.copyFileSync(path.join(SHARED_DATA, 'vocab', 'bert-base-uncased-vocab.txt'), vocabPath);

  await page.goto('/#/data');
  await page.getByRole('region', { name: 'Import' }).locator('input[type=file]').setInputFiles(dataPath);
  await expect(page.getByText(DATASET_FILE.replace(/\.json$/, '')).first()).toBeVisible({ timeout: 60_000 });

  await page.getByRole('navigation').getByRole('button', { name: 'Model' }).click();
  await page.getByRole('group', { name: 'Backend' }).getByRole('button', { name: 'wasm' }).click();
  await expect(page.getByTestId('current-backend')).toContainText('wasm');
  await page.getByTestId('model-folder-input').setInputFiles(folder);
  await expect(page.getByTestId('model-table')).toContainText(MODEL_FOLDER, { timeout: 60_000 });

  await page.getByRole('navigation').getByRole('button', { name: 'Feature Inspector' }).click();
  await page.getByRole('region', { name: 'Tokenize' }).locator('input[type=file]').setInputFiles(vocabPath);
  await expect(page.getByLabel('Vocabulary', { exact: true })).toContainText(VOCAB_FILE);
  await page.getByLabel('Dataset', { exact: true }).selectOption({ label: `${DATASET_FILE.replace(/\.json$/, '')} (42 questions)` });
  await page.getByLabel('max_length').fill('64');
  await page.getByLabel('stride').fill('16');
  await page.getByRole('button', { name: 'Tokenize', exact: true }).click();
  await expect(page.getByTestId('featurize-result')).toBeVisible({ timeout: 60_000 });

  await page.getByRole('navigation').getByRole('button', { name: 'Train' }).click();
  await expect(page.getByLabel('Model to train')).toContainText(MODEL_FOLDER);
  await page.getByLabel('Train dataset').selectOption({ label: `${DATASET_FILE.replace(/\.json$/, '')} (42 q)` });
  await page.getByLabel('Max length', { exact: true }).fill('64');
  await page.getByLabel('Stride', { exact: true }).fill('16');
  await page.getByLabel('Batch size', { exact: true }).fill('2');
  await page.getByLabel('Max steps', { exact: true }).fill('2');
  await page.getByRole('group', { name: 'Training backend' }).getByRole('button', { name: 'wasm' }).click();
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('run-status')).toContainText('completed', { timeout: 120_000 });

  await page.getByRole('navigation').getByRole('button', { name: 'Evaluate' }).click();
  await expect(page.getByLabel('Model to evaluate')).toContainText(MODEL_FOLDER);
  await page.getByLabel('Dataset to evaluate on').selectOption({ label: `${DATASET_FILE.replace(/\.json$/, '')} (42 questions)` });
  // The run's model is evaluated with the windows it was trained on, not 384/128.
  const runModel = (await page.getByLabel('Model to evaluate').locator('option', { hasText: 'Run 1' }).getAttribute('value'))!;
  await page.getByLabel('Model to evaluate').selectOption(runModel);
  await expect(page.getByLabel('max_length')).toHaveValue('64');
  await expect(page.getByLabel('stride')).toHaveValue('16');
  await page.getByRole('region', { name: 'Evaluate' }).getByRole('button', { name: 'Evaluate' }).click();
  await expect(page.getByTestId('eval-metrics')).toBeVisible({ timeout: 60_000 });

  await page.getByRole('navigation').getByRole('button', { name: 'QA Playground' }).click();
  await page.getByLabel('Question').fill('Where is the model trained?');
  await page.getByLabel('Context').fill('The model is trained in the browser, on the GPU of the person who opens the page.');
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  await expect(page.getByTestId('pg-answer').first()).toBeVisible({ timeout: 60_000 });
  // An untrained model may find no span; the context is not empty, and the note does not say it is.
  await expect(page.getByTestId('pg-answer').first()).not.toContainText('empty context');

  // Training reused the windows tokenized above with the same vocabulary (feature sets are keyed by
  // content), and the one stored set names its tokenizer in words, not by an internal key.
  await page.getByRole('navigation').getByRole('button', { name: 'Feature Inspector' }).click();
  const stored = page.getByTestId('stored-feature-sets');
  await expect(stored).toContainText(/^Stored for this dataset: bert-base-uncased-vocabulary-extended[^:]*\(uncased\) 64\/16: \d+ windows$/);
  await expect(stored).not.toContainText(/vocab:\d+:|data:/);

  const problems: string[] = [];
  for (const size of SIZES) {
    await page.setViewportSize(size);
    for (const name of PANELS) {
      await page.getByRole('navigation').getByRole('button', { name }).click();
      await page.waitForTimeout(400);
      const o = await overflow(page);
      if (o.scrollWidth > o.innerWidth) problems.push(`${name} at ${size.width}: page ${o.scrollWidth} px wide`);
      for (const c of o.cut) problems.push(`${name} at ${size.width}: ${c}`);
      await screenshot(page, `layout-${size.width}-${name.toLowerCase().replace(/\W+/g, '-')}`);
    }
  }
  expect(problems).toEqual([]);
});
