import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { SHARED_DATA, overflow, screenshot, tempFile } from './helpers.js';

const MRPC_DEV = path.join(SHARED_DATA, 'mrpc', 'dev.tsv');

async function fits(page: Page, name: string) {
  for (const size of [
    { width: 1280, height: 800 },
    { width: 1440, height: 900 },
  ]) {
    await page.setViewportSize(size);
    const o = await overflow(page);
    expect(o.scrollWidth, `${name} at ${size.width}: page wider than the window`).toBeLessThanOrEqual(o.innerWidth);
    expect(o.cut, `${name} at ${size.width}`).toEqual([]);
    await screenshot(page, `mrpc-${name}-${size.width}`);
  }
}

test('MRPC: import dev.tsv, browse pairs, reject a bad file with its line', async ({ page }, testInfo) => {
  await page.goto('/#/data');
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Choose pair file…' }).click();
  await (await chooser).setFiles(MRPC_DEV);
  await expect(page.getByTestId('pair-import-done')).toContainText('408 pairs (279 equivalent, 129 not)');
  const row = page.getByTestId('pair-dataset-row').filter({ hasText: 'dev' });
  await expect(row.getByTestId('col-pairs')).toHaveText('408');
  await row.click();
  await expect(page.getByTestId('pair-count')).toHaveText('408');
  await page.getByLabel('Label filter').selectOption('0');
  await expect(page.getByTestId('pair-count')).toHaveText('129');
  await page.getByTestId('pair-list').locator('.vrow').first().click();
  await expect(page.getByTestId('pair-detail')).toContainText('not equivalent');
  await fits(page, 'data');

  // A label that is not 0/1: the review names the line and column; importing the rest keeps 1 pair.
  const bad = tempFile(testInfo.outputPath(), 'bad.csv', 'sentence1,sentence2,label\nA cat sat.,A cat was sitting.,1\nOne.,Two.,7\n');
  const chooser2 = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Choose pair file…' }).click();
  await (await chooser2).setFiles(bad);
  await expect(page.getByTestId('pair-issue-list')).toContainText('line 3 (row 1), column "label"');
  await page.getByRole('button', { name: 'Import 1 valid pair only' }).click();
  await expect(page.getByTestId('pair-import-done')).toContainText('1 invalid rows skipped');
});
