import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { unzipSync } from 'fflate';
import { readSafetensors } from '../src/core/model/index.js';
import { pairsAndTinyModel, screenshot, SHARED_DATA } from './helpers.js';

test('MRPC: Export for Trainer (zip) holds the pairs, the run settings and the starting classifier', async ({ page }) => {
  await pairsAndTinyModel(page, path.join(SHARED_DATA, 'mrpc', 'dev.tsv'));

  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.getByLabel('MRPC pairs to fit').selectOption({ label: 'dev (408 pairs)' });
  await page.getByLabel('MRPC pairs to check during the run').selectOption({ label: 'dev (408 pairs)' });
  await page.getByLabel('Pair max length').fill('64');
  await page.getByLabel('Pair batch size').fill('16');
  await page.getByLabel('Pair max steps').fill('6');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export pair run for Trainer (zip)' }).click();
  const file = await (await download).path();
  await expect(page.getByTestId('pair-export-result')).toContainText('408 training pairs, 408 evaluation pairs');
  await page.getByTestId('pair-export-result').scrollIntoViewIfNeeded();
  for (const size of [{ width: 1280, height: 800 }, { width: 1440, height: 900 }]) {
    await page.setViewportSize(size);
    await screenshot(page, `mrpc-export-${size.width}`);
  }

  const entries = unzipSync(new Uint8Array(fs.readFileSync(file!)));
  const names = Object.keys(entries);
  const root = names[0].split('/')[0];
  for (const f of ['train.py', 'task.py', 'run_config.json', 'data/train.safetensors', 'data/eval.safetensors', 'data/eval_ids.json', 'data/train_order.safetensors', 'model/config.json', 'model/model.safetensors', 'model/vocab.txt']) {
    expect(names).toContain(`${root}/${f}`);
  }
  const cfg = JSON.parse(new TextDecoder().decode(entries[`${root}/run_config.json`]));
  expect(cfg.task).toBe('mrpc');
  expect(cfg.hyperparameters).toMatchObject({ max_steps: 6, per_device_train_batch_size: 16, group_by_length: true, shuffle: true, dropout: true });
  expect(cfg.data.tokenization).toMatchObject({ max_length: 64, pad_token_id: 0 });
  const data = readSafetensors(entries[`${root}/data/train.safetensors`]).tensors;
  expect(data.get('labels')!.shape).toEqual([408]);
  expect(data.get('row_start')!.shape).toEqual([409]);
  expect(new TextDecoder().decode(entries[`${root}/task.py`])).toContain('AutoModelForSequenceClassification');
  const weights = readSafetensors(entries[`${root}/model/model.safetensors`]).tensors;
  expect(weights.get('classifier.weight')!.shape[0]).toBe(2);
});
