import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';

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
