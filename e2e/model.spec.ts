import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { expect, test, type Page } from '@playwright/test';
import { SHARED_DATA, screenshot } from './helpers.js';

const REPO = 'google/bert_uncased_L-2_H-128_A-2';
const VOCAB = path.join(SHARED_DATA, 'vocab', 'bert-base-uncased-vocab.txt');

/** A model the project initialises and saves itself, in Hugging Face layout, as the Hub would serve it. */
function makeHubFolder(dir: string): Map<string, Buffer> {
  fs.mkdirSync(dir, { recursive: true });
  const config = { vocab_size: 30522, hidden_size: 128, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 512, max_position_embeddings: 512 };
  fs.writeFileSync(path.join(dir, 'config.in.json'), JSON.stringify(config));
  execFileSync('npx', ['tsx', 'cli/index.ts', 'init', '--config', path.join(dir, 'config.in.json'), '--seed', '7', '--out', path.join(dir, 'model')], { stdio: 'pipe' });
  return new Map([
    ['config.json', fs.readFileSync(path.join(dir, 'model', 'config.json'))],
    ['model.safetensors', fs.readFileSync(path.join(dir, 'model', 'model.safetensors'))],
    ['vocab.txt', fs.readFileSync(VOCAB)],
    ['tokenizer_config.json', Buffer.from(JSON.stringify({ do_lower_case: true }))],
  ]);
}

function parameterCount(safetensors: Buffer): number {
  const n = Number(safetensors.readBigUInt64LE(0));
  const header = JSON.parse(safetensors.subarray(8, 8 + n).toString('utf8')) as Record<string, { shape: number[] }>;
  return Object.entries(header)
    .filter(([k]) => k !== '__metadata__')
    .reduce((sum, [, t]) => sum + t.shape.reduce((a, b) => a * b, 1), 0);
}

async function serveHub(page: Page, files: Map<string, Buffer>, hits: string[]) {
  await page.route('https://huggingface.co/**', async (route) => {
    const url = new URL(route.request().url());
    hits.push(url.pathname);
    const prefix = `/${REPO}/resolve/main/`;
    const body = url.pathname.startsWith(prefix) ? files.get(url.pathname.slice(prefix.length)) : undefined;
    if (body) await route.fulfill({ status: 200, body, headers: { 'content-length': String(body.length), 'content-type': 'application/octet-stream' } });
    else await route.fulfill({ status: 404, body: 'Entry not found' });
  });
}

test('downloads a Hub model through the real download path, caches it for offline use, and exports a Hugging Face folder', async ({ page }, testInfo) => {
  const files = makeHubFolder(testInfo.outputPath('hub'));
  const hits: string[] = [];
  await serveHub(page, files, hits);
  await page.goto('/#/model');
  // The only WebGPU adapter here is SwiftShader: never the default.
  await expect(page.getByTestId('current-backend')).toContainText('using wasm');
  await expect(page.getByTestId('adapter-info')).toContainText('maxStorageBufferBindingSize');

  await page.getByLabel('Hub model', { exact: true }).selectOption(REPO);
  await page.getByRole('button', { name: 'Download' }).click();
  await expect(page.getByTestId('model-notice')).toContainText('Added', { timeout: 120_000 });
  expect(hits).toContain(`/${REPO}/resolve/main/model.safetensors`);
  const row = page.getByTestId('model-row').filter({ hasText: REPO });
  await expect(row.getByTestId('model-params')).toHaveText(parameterCount(files.get('model.safetensors')!).toLocaleString('en-US'));
  await expect(page.getByTestId('model-estimate')).toContainText('parameters');
  await expect(page.getByTestId('load-report')).toContainText('tensors loaded');
  await screenshot(page, 'model-panel');

  // Offline: the Hub is unreachable, the cached files still load.
  await page.unroute('https://huggingface.co/**');
  const offlineHits: string[] = [];
  await page.route('https://huggingface.co/**', (route) => {
    offlineHits.push(route.request().url());
    return route.abort('internetdisconnected');
  });
  await page.reload();
  page.once('dialog', (d) => void d.accept());
  await row.getByRole('button', { name: 'Delete' }).click();
  await expect(row).toHaveCount(0);
  await page.getByLabel('Hub model', { exact: true }).selectOption(REPO);
  await page.getByRole('button', { name: 'Download' }).click();
  await expect(page.getByTestId('model-notice')).toContainText('Added', { timeout: 120_000 });
  expect(offlineHits.filter((u) => /config\.json|model\.safetensors|vocab\.txt/.test(u))).toEqual([]);

  // An unknown model, offline: a clear message.
  await page.getByLabel('Hub model id').fill('someone/not-cached');
  await page.getByRole('button', { name: 'Download' }).click();
  await expect(page.getByTestId('model-error')).toContainText('cannot be reached');

  const download = page.waitForEvent('download');
  await page.getByTestId('model-row').filter({ hasText: REPO }).getByRole('button', { name: 'Export zip' }).click();
  const zip = unzipSync(new Uint8Array(fs.readFileSync(await (await download).path())));
  const names = Object.keys(zip).map((n) => n.split('/').pop());
  expect(names.sort()).toEqual(['config.json', 'model.safetensors', 'special_tokens_map.json', 'tokenizer_config.json', 'vocab.txt']);
  const entry = (name: string) => zip[Object.keys(zip).find((n) => n.endsWith(`/${name}`))!];
  const config = JSON.parse(new TextDecoder().decode(entry('config.json')));
  expect(config.architectures).toEqual(['BertForQuestionAnswering']);
  expect(config.model_type).toBe('bert');
  // The exported weights are the downloaded ones, byte for byte in their values.
  expect(parameterCount(Buffer.from(entry('model.safetensors')))).toBe(parameterCount(files.get('model.safetensors')!));
});

test('initialises a random model from a preset and a local vocabulary, and loads a model from local files', async ({ page }, testInfo) => {
  await page.goto('/#/model');
  await page.getByLabel('Config preset').selectOption('tiny');
  await page.getByLabel('Vocabulary for the new model').selectOption({ label: 'bert-base-uncased-vocab.txt · local asset' });
  await page.getByRole('button', { name: 'Initialise' }).click();
  await expect(page.getByTestId('model-notice')).toContainText('Added “tiny (random, seed 42)”');
  // Embeddings (30522 + 512 + 2) x 128 + LayerNorm, 2 layers of 198,272, and the QA head (128 x 2 + 2).
  const expected = (30522 + 512 + 2) * 128 + 256 + 2 * 198_272 + 258;
  await expect(page.getByTestId('model-row').filter({ hasText: 'tiny (random' }).getByTestId('model-params')).toHaveText(expected.toLocaleString('en-US'));

  const dir = testInfo.outputPath('hub');
  makeHubFolder(dir);
  await page.getByTestId('model-files-input').setInputFiles([path.join(dir, 'model', 'config.json'), path.join(dir, 'model', 'model.safetensors'), VOCAB]);
  await expect(page.getByTestId('model-notice')).toContainText('Added');
  const local = page.getByTestId('model-row').filter({ hasText: 'files · config.json' });
  await expect(local.getByTestId('model-params')).toHaveText(expected.toLocaleString('en-US'));
  await expect(page.getByTestId('load-report')).toContainText('39 tensors loaded');
});
