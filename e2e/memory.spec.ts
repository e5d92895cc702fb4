import { expect, test } from '@playwright/test';
import { screenshot } from './helpers.js';

const bytes = (text: string): number => {
  const m = /([\d.]+)\s*(B|KB|MB|GB|KiB|MiB|GiB)/.exec(text);
  if (!m) throw new Error(`no byte figure in "${text}"`);
  const scale: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };
  return Number(m[1]) * scale[m[2]];
};

test('gradient checkpointing: the Model panel estimate shows its effect and the Train panel sets it', async ({ page }) => {
  await page.goto('/#/model');
  await page.getByLabel('Config preset').selectOption('tiny');
  await page.getByLabel('Vocabulary for the new model').selectOption({ label: 'bert-base-uncased-vocab.txt · local asset' });
  await page.getByRole('button', { name: 'Initialise' }).click();
  await expect(page.getByTestId('model-notice')).toContainText('Added “tiny (random, seed 42)”');
  const estimate = page.getByTestId('model-estimate');
  await expect(estimate).toContainText('training total');
  const total = async () => bytes((await estimate.locator('.count', { hasText: 'training total' }).innerText()).split('\n')[0]);
  const plain = await total();
  await page.getByLabel('Estimate with gradient checkpointing').check();
  await expect.poll(total).toBeLessThan(plain * 0.8);
  for (const [width, height] of [[1280, 800], [1440, 900]]) {
    await page.setViewportSize({ width, height });
    await screenshot(page, `model-estimate-checkpointing-${width}`);
  }

  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByLabel('Model to train')).toContainText('tiny (random, seed 42)');
  const foot = page.locator('.train-setup-foot');
  await expect(foot).toContainText('training memory');
  const memory = async () => bytes((await foot.innerText()).split('training memory ≈')[1]);
  const before = await memory();
  await page.getByLabel('Gradient checkpointing', { exact: true }).check();
  await expect.poll(memory).toBeLessThan(before);
  await expect(page).toHaveURL(/ckpt=1/);
  await screenshot(page, 'train-gradient-checkpointing');
});
