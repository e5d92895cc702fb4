import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { unzipSync } from 'fflate';
import { readSafetensors } from '../src/core/model/index.js';
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
    'README.md', 'data/eval.safetensors', 'data/eval_examples.json', 'data/train.safetensors', 'data/train_order.safetensors', 'launch.sh',
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

// A real output folder of the exported project's train.py (transformers Trainer): model files, trainer_state.json, run_config.json.
const TRAINER_OUTPUT = path.join(FIXTURES, 'trainer-output');

test('imports a Trainer output folder: the model joins the models and its curves the runs, overlaid on a browser run', async ({ page }) => {
  // A short browser run first (wasm), to overlay the Trainer run on.
  await tinyModel(page);
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await setNumber(page, 'Max length', 64);
  await setNumber(page, 'Stride', 16);
  await setNumber(page, 'Batch size', 2);
  await setNumber(page, 'Max steps', 3);
  await page.getByRole('group', { name: 'Training backend' }).getByRole('button', { name: 'wasm' }).click();
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 90_000 });

  await page.getByRole('button', { name: 'Model', exact: true }).click();
  await page.getByTestId('trainer-import-input').setInputFiles(TRAINER_OUTPUT);
  await expect(page.getByTestId('model-notice')).toContainText('Added “trainer-output (Trainer, step 8)”');
  await expect(page.getByTestId('model-row').filter({ hasText: 'trainer-output (Trainer, step 8)' })).toHaveCount(1);
  await expect(page.getByTestId('load-report')).toContainText('23 tensors loaded');

  await page.getByRole('button', { name: 'Train', exact: true }).click();
  const row = page.getByTestId('run-row').filter({ hasText: 'trainer-output' });
  await expect(row.getByTestId('run-row-status')).toContainText('completed');
  await row.click();
  await expect(page.getByTestId('run-card')).toContainText('Hugging Face Trainer');
  await expect(page.getByTestId('run-step')).toHaveText('8 / 8');
  await expect(page.getByTestId('run-card')).toContainText('60.00% / 60.00%');
  const loss = page.getByTestId('chart-loss');
  await expect(loss.locator('canvas')).toHaveCount(1);
  await expect(loss.locator('.u-legend .u-series').nth(1).locator('.u-value')).toHaveText(/^2\.49/);
  await expect(page.getByTestId('chart-eval').locator('canvas')).toHaveCount(1);
  // Overlaid on the browser run: both runs' curves in the same charts.
  await page.getByLabel('Overlay Run 1').check();
  await expect(page.getByTestId('chart-lr').locator('.u-legend')).toContainText('Run 1');
  await expect(page.getByTestId('chart-lr').locator('.u-legend')).toContainText('trainer-output');
  await screenshot(page, 'trainer-import');

  // The imported model answers in the Playground as the project's Python post-processing did (predictions.json).
  await page.getByRole('button', { name: 'QA Playground', exact: true }).click();
  await page.getByLabel('Model', { exact: true }).selectOption({ label: 'trainer-output (Trainer, step 8)' });
  await page.getByLabel('Playground max_length').fill('24');
  await page.getByLabel('Playground stride').fill('4');
  await page.getByLabel('Question').fill('Who built the mill?');
  await page.getByLabel('Context').fill('The river flows north past the old mill. The mill was built in 1820 by a miller named Ada.');
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  const python = JSON.parse(fs.readFileSync(path.join(TRAINER_OUTPUT, 'predictions.json'), 'utf8')) as Record<string, string>;
  await expect(page.getByTestId('pg-answer-text')).toHaveText(python.q3);
});

test('pushes a model to the Hub with its card and curve, with progress, cancel and errors that say what to do', async ({ page }) => {
  await page.goto('/#/model');
  await page.getByTestId('trainer-import-input').setInputFiles(TRAINER_OUTPUT);
  await expect(page.getByTestId('model-notice')).toContainText('Added “trainer-output (Trainer, step 8)”');
  const card = page.getByRole('region', { name: 'Push to the Hub' });
  await expect(card).toBeVisible();
  await card.getByLabel('Hub repository').fill('e2e-user/bert-tiny-trainer');
  await card.getByLabel('Hub access token').fill('hf_wrong');

  // A bad token: the Hub answers 401 to the first call.
  await page.route('https://huggingface.co/**', (route) => route.fulfill({ status: 401, contentType: 'application/json', body: JSON.stringify({ error: 'Invalid credentials in Authorization header' }) }));
  await card.getByRole('button', { name: 'Push to the Hub' }).click();
  await expect(card.getByTestId('hub-result')).toContainText('refused the token (401)');
  await page.unroute('https://huggingface.co/**');

  // No write access: the repo exists (409) and the preupload is forbidden.
  await page.route('https://huggingface.co/**', (route) => {
    const url = route.request().url();
    if (url.endsWith('/api/repos/create')) return route.fulfill({ status: 409, contentType: 'application/json', body: '{"error":"You already created this model repo"}' });
    return route.fulfill({ status: 403, contentType: 'application/json', body: '{"error":"You don\'t have the rights to create a commit"}' });
  });
  await card.getByRole('button', { name: 'Push to the Hub' }).click();
  await expect(card.getByTestId('hub-result')).toContainText('No write access to e2e-user/bert-tiny-trainer (403)');
  await page.unroute('https://huggingface.co/**');

  // A working Hub: the repo is created, model.safetensors goes through LFS, the rest inline in the commit.
  await card.getByLabel('Hub access token').fill('hf_test');
  const seen: { method: string; url: string; auth: string | null; body: string | null }[] = [];
  let lfsBody: Buffer | null = null;
  let commit: { key: string; value: Record<string, any> }[] = [];
  let releaseUpload: () => void = () => {};
  let holdUpload = true;
  await page.route('https://huggingface.co/**', async (route) => {
    const req = route.request();
    const url = req.url();
    seen.push({ method: req.method(), url, auth: req.headers()['authorization'] ?? null, body: req.method() === 'PUT' ? null : req.postData() });
    if (url.endsWith('/api/repos/create')) return route.fulfill({ status: 200, contentType: 'application/json', body: '{"url":"https://huggingface.co/e2e-user/bert-tiny-trainer"}' });
    if (url.endsWith('/api/models/e2e-user/bert-tiny-trainer/preupload/main')) {
      const files = (JSON.parse(req.postData()!) as { files: { path: string }[] }).files;
      return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ files: files.map((f) => ({ path: f.path, uploadMode: f.path.endsWith('.safetensors') ? 'lfs' : 'regular' })) }) });
    }
    if (url.endsWith('/e2e-user/bert-tiny-trainer.git/info/lfs/objects/batch')) {
      const objects = (JSON.parse(req.postData()!) as { objects: { oid: string; size: number }[] }).objects;
      return route.fulfill({ status: 200, contentType: 'application/vnd.git-lfs+json', body: JSON.stringify({ transfer: 'basic', objects: objects.map((o) => ({ ...o, actions: { upload: { href: `https://huggingface.co/e2e-lfs/${o.oid}` } } })) }) });
    }
    if (url.includes('/e2e-lfs/')) {
      if (holdUpload) await new Promise<void>((resolve) => (releaseUpload = resolve));
      lfsBody = req.postDataBuffer();
      return route.fulfill({ status: 200, body: '' }).catch(() => undefined);
    }
    if (url.endsWith('/api/models/e2e-user/bert-tiny-trainer/commit/main')) {
      commit = req.postData()!.split('\n').map((l) => JSON.parse(l));
      return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ commitOid: 'abc123', commitUrl: 'https://huggingface.co/e2e-user/bert-tiny-trainer/commit/abc123' }) });
    }
    return route.fulfill({ status: 404, body: 'unexpected request' });
  });

  // The upload of the weights hangs: Cancel stops the push before any commit.
  await card.getByRole('button', { name: 'Push to the Hub' }).click();
  await expect(card.getByTestId('hub-progress')).toBeVisible();
  await expect.poll(() => seen.some((r) => r.url.includes('/e2e-lfs/'))).toBe(true);
  const aborted = page.waitForEvent('requestfailed', (r) => r.url().includes('/e2e-lfs/'));
  await card.getByRole('button', { name: 'Cancel' }).click();
  await expect(card.getByTestId('hub-result')).toContainText('cancelled');
  // Cancel stops the upload itself, not only the steps after it.
  expect((await aborted).failure()?.errorText).toContain('ABORTED');
  releaseUpload();
  expect(seen.some((r) => r.url.endsWith('/commit/main'))).toBe(false);

  holdUpload = false;
  seen.length = 0;
  await card.getByRole('button', { name: 'Push to the Hub' }).click();
  await expect(card.getByTestId('hub-result')).toContainText('Pushed 7 files to e2e-user/bert-tiny-trainer');
  await expect(card.getByRole('link')).toHaveAttribute('href', 'https://huggingface.co/e2e-user/bert-tiny-trainer/commit/abc123');
  await screenshot(page, 'hub-push');

  // The token goes to the Hub's API, never to the storage URL the weights are uploaded to.
  expect(seen.filter((r) => !r.url.includes('/e2e-lfs/')).every((r) => r.auth === 'Bearer hf_test')).toBe(true);
  expect(seen.filter((r) => r.url.includes('/e2e-lfs/')).map((r) => r.auth)).toEqual([null]);
  const create = JSON.parse(seen.find((r) => r.url.endsWith('/api/repos/create'))!.body!);
  expect(create).toMatchObject({ name: 'bert-tiny-trainer', organization: 'e2e-user', type: 'model', visibility: 'public' });
  expect(commit[0]).toEqual({ key: 'header', value: { summary: 'Upload trainer-output (Trainer, step 8) from BERT Studio' } });
  const inline = Object.fromEntries(commit.filter((c) => c.key === 'file').map((c) => [c.value.path, Buffer.from(c.value.content, 'base64')]));
  expect(Object.keys(inline).sort()).toEqual(['README.md', 'config.json', 'special_tokens_map.json', 'tokenizer_config.json', 'training_curve.png', 'vocab.txt']);
  const lfs = commit.filter((c) => c.key === 'lfsFile');
  expect(lfs.map((c) => c.value.path)).toEqual(['model.safetensors']);
  const weights = lfsBody as Buffer | null;
  expect(weights).not.toBeNull();
  expect(lfs[0].value.oid).toBe(createHash('sha256').update(weights!).digest('hex'));
  expect(lfs[0].value.size).toBe(weights!.length);
  // The weights pushed are the imported model's.
  const local = readSafetensors(new Uint8Array(fs.readFileSync(path.join(TRAINER_OUTPUT, 'model.safetensors'))));
  const pushed = readSafetensors(new Uint8Array(weights!));
  expect([...pushed.tensors.keys()].sort()).toEqual([...local.tensors.keys()].sort());
  expect(Array.from(pushed.tensors.get('qa_outputs.weight')!.toFloat32())).toEqual(Array.from(local.tensors.get('qa_outputs.weight')!.toFloat32()));
  expect(inline['training_curve.png'].subarray(1, 4).toString()).toBe('PNG');

  const readme = inline['README.md'].toString('utf8');
  expect(readme).toMatch(/^---\nlibrary_name: transformers\npipeline_tag: question-answering/);
  for (const needle of ['- type: exact_match', '- type: f1\n      value: 60', 'Hugging Face Trainer (PyTorch)', '8 optimizer steps', '| learning_rate | 0.01 |', '| gradient_accumulation_steps | 2 |',
    'Training data: train.json (8 windows)', '![Training loss per optimizer step](training_curve.png)', '| F1 | 60.00 |', 'pipeline("question-answering", model="e2e-user/bert-tiny-trainer")']) {
    expect(readme).toContain(needle);
  }
});
