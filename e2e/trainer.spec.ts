import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { unzipSync } from 'fflate';
import { hfFolderFiles, initBertParams, parseBertConfig, readSafetensors } from '../src/core/model/index.js';
import { screenshot } from './helpers.js';

test.setTimeout(180_000);

const FIXTURES = path.resolve(process.cwd(), 'src', 'core', 'export', 'fixtures');

async function tinyModel(page: import('@playwright/test').Page) {
  await page.goto('/#/model');
  await page.getByLabel('Config preset').selectOption('tiny');
  await page.getByLabel('Vocabulary for the new model').selectOption({ label: 'bert-base-uncased-vocab.txt · local asset' });
  await page.getByRole('button', { name: 'Initialise' }).click();
  await expect(page.getByTestId('model-notice')).toContainText('Added “tiny (random, seed 42)”');
}

async function setNumber(page: import('@playwright/test').Page, label: string, value: number) {
  const input = page.getByLabel(label, { exact: true });
  await input.fill(String(value));
  await expect(input).toHaveValue(String(value));
}

test('exports the run setup as a Trainer project zip with the data the studio tokenized', async ({ page }, testInfo) => {
  await tinyModel(page);
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByLabel('Train dataset')).toContainText('BERT Studio demo');
  await page.getByLabel('Eval dataset').selectOption({ label: (await page.getByLabel('Train dataset').locator('option').first().textContent())! });
  await setNumber(page, 'Max length', 64);
  await setNumber(page, 'Stride', 16);
  await setNumber(page, 'Batch size', 2);
  await setNumber(page, 'Grad accumulation', 3);
  await setNumber(page, 'Max steps', 7);
  await setNumber(page, 'Seed', 9);

  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export for Trainer (zip)' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^tiny_random_seed_42_-trainer\.zip$/);
  const zipPath = testInfo.outputPath('export.zip');
  await download.saveAs(zipPath);
  await expect(page.getByTestId('trainer-export-result')).toContainText('training windows');
  await screenshot(page, 'trainer-export');

  const entries = unzipSync(new Uint8Array(fs.readFileSync(zipPath)));
  const root = 'tiny_random_seed_42_-trainer/';
  expect(Object.keys(entries).map((k) => k.slice(root.length)).sort()).toEqual([
    'README.md', 'data/eval.safetensors', 'data/eval_examples.json', 'data/train.safetensors', 'launch.sh',
    'model/config.json', 'model/model.safetensors', 'model/special_tokens_map.json', 'model/tokenizer_config.json', 'model/vocab.txt',
    'requirements.txt', 'run_config.json', 'task.py', 'train.py',
  ]);
  const text = (name: string) => new TextDecoder().decode(entries[root + name]);
  const cfg = JSON.parse(text('run_config.json'));
  expect(cfg.hyperparameters).toMatchObject({ learning_rate: 0.0003, per_device_train_batch_size: 2, gradient_accumulation_steps: 3, max_steps: 7, seed: 9, dropout: true, shuffle: true, eval_strategy: 'epoch' });
  expect(cfg.data.tokenization).toMatchObject({ max_length: 64, stride: 16 });
  expect(cfg.data.train.source).toContain('BERT Studio demo');
  const train = readSafetensors(entries[`${root}data/train.safetensors`]);
  const ids = train.tensors.get('input_ids')!;
  expect(ids.shape).toEqual([cfg.data.train.rows, 64]);
  expect(ids.toFloat32()[0]).toBe(101);
  expect(train.tensors.get('start_positions')!.shape).toEqual([cfg.data.train.rows]);
  expect(text('train.py')).toContain('logging_steps=1');
  expect(text('README.md')).toContain('torchrun --nproc_per_node');
  const examples = JSON.parse(text('data/eval_examples.json')) as { id: string; answers: string[] }[];
  expect(examples.length).toBe(cfg.data.eval.examples);
});

test('imports a Trainer output folder: the model joins the models and its curves the runs', async ({ page }, testInfo) => {
  // A Trainer output folder: the model files as transformers writes them, and a real trainer_state.json.
  const dir = testInfo.outputPath('trainer-out');
  fs.mkdirSync(dir, { recursive: true });
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the', 'river', 'north'];
  const config = parseBertConfig({ vocab_size: vocab.length, hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 32, max_position_embeddings: 128 });
  for (const [name, bytes] of hfFolderFiles(config, initBertParams(config, 4), { vocab: vocab.join('\n'), doLowerCase: true })) fs.writeFileSync(path.join(dir, name), bytes);
  fs.copyFileSync(path.join(FIXTURES, 'trainer_state.json'), path.join(dir, 'trainer_state.json'));
  fs.copyFileSync(path.join(FIXTURES, 'run_config.json'), path.join(dir, 'run_config.json'));

  await page.goto('/#/model');
  await page.getByTestId('trainer-import-input').setInputFiles(dir);
  await expect(page.getByTestId('model-notice')).toContainText('Added “trainer-out (Trainer, step 8)”');
  await expect(page.getByTestId('model-row').filter({ hasText: 'trainer-out (Trainer, step 8)' })).toHaveCount(1);

  await page.getByRole('button', { name: 'Train', exact: true }).click();
  const row = page.getByTestId('run-row').filter({ hasText: 'trainer-out' });
  await expect(row.getByTestId('run-row-status')).toContainText('completed');
  await row.click();
  await expect(page.getByTestId('run-card')).toContainText('Hugging Face Trainer');
  await expect(page.getByTestId('run-step')).toHaveText('8 / 8');
  await expect(page.getByTestId('run-card')).toContainText('0 / 4.89');
  const loss = page.getByTestId('chart-loss');
  await expect(loss.locator('canvas')).toHaveCount(1);
  await expect(loss.locator('.u-legend .u-series').nth(1).locator('.u-value')).toHaveText(/^4\.7/);
  await expect(page.getByTestId('chart-eval').locator('canvas')).toHaveCount(1);
  await screenshot(page, 'trainer-import');
});
