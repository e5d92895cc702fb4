import fs from 'node:fs';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';

export const SHARED_DATA = path.resolve(process.cwd(), '..', 'shared', 'data');
export const DEV_FILE = path.join(SHARED_DATA, 'squad', 'dev-v1.1.json');
export const SCREENSHOTS = path.resolve(process.cwd(), 'e2e', 'screenshots');

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Writes a file for one test into Playwright's output folder and returns its path. */
export function tempFile(dir: string, name: string, content: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}

/** What sticks out sideways: the page's own scroll, and any button or field cut by its container. */
export async function overflow(page: Page) {
  return page.evaluate(() => {
    const cut: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('main button, main select, main input, nav button')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || el.closest('[hidden]')) continue;
      const label = `${el.tagName.toLowerCase()} “${(el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 30)}”`;
      if (r.right > innerWidth + 0.5 || r.left < -0.5) cut.push(`${label} at x ${Math.round(r.left)}..${Math.round(r.right)}`);
      else if (el.tagName === 'BUTTON' && el.scrollWidth > el.clientWidth + 1) cut.push(`${label} text clipped`);
      else {
        // Clipped by an ancestor that hides overflow (a button cut to "Toke").
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
          const s = getComputedStyle(a);
          if (s.overflowX === 'visible') continue;
          const ar = a.getBoundingClientRect();
          if (s.overflowX === 'hidden' && (r.right > ar.right + 1 || r.left < ar.left - 1)) cut.push(`${label} clipped by its container`);
          break;
        }
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth, cut };
  });
}

/**
 * Checks a view at both laptop sizes: no sideways page scroll, no button or field cut off, and a
 * screenshot of each. Charts take a new width on their next resize callback, hence the wait.
 */
export async function fitsBothSizes(page: Page, shot: string): Promise<void> {
  for (const size of [
    { width: 1280, height: 800 },
    { width: 1440, height: 900 },
  ]) {
    await page.setViewportSize(size);
    await expect.poll(async () => (await overflow(page)).scrollWidth, { timeout: 5000 }).toBeLessThanOrEqual(size.width);
    const o = await overflow(page);
    expect(o.scrollWidth, `${shot} at ${size.width}: page wider than the window`).toBeLessThanOrEqual(o.innerWidth);
    expect(o.cut, `${shot} at ${size.width}`).toEqual([]);
    await screenshot(page, `${shot}-${size.width}`);
  }
}

/** Gives files to the Data panel's one dropzone through its file chooser. */
export async function chooseFiles(page: Page, files: string | string[]): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Choose file…' }).click();
  await (await chooser).setFiles(files);
}

/** Imports a sentence-pair file and makes a tiny model on the bert-base-uncased vocabulary (a local asset). */
export async function pairsAndTinyModel(page: Page, file: string): Promise<void> {
  await page.goto('/#/data');
  await chooseFiles(page, file);
  await expect(page.locator('[data-testid="import-done"][data-task="mrpc"]')).toBeVisible();
  await page.getByRole('button', { name: 'Model', exact: true }).click();
  await page.getByLabel('Config preset').selectOption('tiny');
  await page.getByLabel('Vocabulary for the new model').selectOption({ label: 'bert-base-uncased-vocab.txt · local asset' });
  await page.getByRole('button', { name: 'Initialise' }).click();
  await expect(page.getByTestId('model-notice')).toContainText('Added');
}
