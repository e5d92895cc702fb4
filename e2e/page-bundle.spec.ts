import { expect, test } from '@playwright/test';

// The page itself renders and asks workers; tfjs (and its WebGL backend) belongs in the model worker.
// 1.39 MB with tfjs inside, about 0.5 MB without it.
const PAGE_SCRIPT_BUDGET = 700_000;

test('the page loads no tfjs: its own scripts stay under the budget and never name TensorFlow.js', async ({ page, request }) => {
  await page.goto('/');
  await page.getByRole('navigation').getByRole('button', { name: 'Model' }).click();
  await page.waitForLoadState('networkidle');
  const urls = await page.evaluate(() => {
    const entries = performance.getEntriesByType('resource').map((e) => e.name);
    const own = [...document.querySelectorAll('script[src]')].map((s) => (s as HTMLScriptElement).src);
    return [...new Set([...own, ...entries])].filter((u) => /\.m?js(\?|$)/.test(u) && !/\.worker-/.test(u));
  });
  expect(urls.length).toBeGreaterThan(0);
  let total = 0;
  for (const url of urls) {
    const body = await (await request.get(url)).text();
    total += Buffer.byteLength(body);
    expect(body, url).not.toMatch(/@tensorflow|tfjs-core|registerKernel/);
  }
  console.log(`page scripts: ${urls.length}, ${total} bytes`);
  expect(total).toBeLessThan(PAGE_SCRIPT_BUDGET);
});
