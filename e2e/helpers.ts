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
