import { expect, test, type Page } from '@playwright/test';

const nav = (page: Page, name: string) => page.getByRole('navigation').getByRole('button', { name, exact: true }).click();
const activePanel = (page: Page) => page.getByRole('navigation').locator('button.active');

test('each panel change is a history entry: Back/Forward and a typed hash switch panels and restore their state', async ({ page }) => {
  await page.goto('/#/data');
  await expect(activePanel(page)).toHaveText(/Data/);

  await nav(page, 'Train');
  await page.getByLabel('Batch size', { exact: true }).fill('3');
  await expect.poll(() => page.evaluate(() => location.hash)).toContain('batch=3');
  await nav(page, 'QA Playground');
  await page.getByLabel('Question').fill('Who kept the lamp burning?');
  await nav(page, 'Model');
  await expect(page.getByRole('region', { name: 'Add a model' })).toBeVisible();

  await page.goBack();
  await expect(activePanel(page)).toHaveText(/QA Playground/);
  await expect(page.getByLabel('Question')).toHaveValue('Who kept the lamp burning?');
  await page.goBack();
  await expect(activePanel(page)).toHaveText(/Train/);
  await expect(page.getByLabel('Batch size', { exact: true })).toHaveValue('3');
  expect(await page.evaluate(() => location.hash)).toContain('batch=3');
  await page.goBack();
  await expect(activePanel(page)).toHaveText(/Data/);
  await expect(page.getByRole('region', { name: 'Import' })).toBeVisible();
  await page.goForward();
  await expect(activePanel(page)).toHaveText(/Train/);
  await expect(page.getByLabel('Batch size', { exact: true })).toHaveValue('3');

  // Going to a panel again through the sidebar brings back its own address, setup included.
  await nav(page, 'Evaluate');
  await nav(page, 'Train');
  expect(await page.evaluate(() => location.hash)).toContain('batch=3');

  // An address typed while the studio is open.
  await page.evaluate(() => (location.hash = '#/playground'));
  await expect(activePanel(page)).toHaveText(/QA Playground/);
  await expect(page.getByLabel('Question')).toHaveValue('Who kept the lamp burning?');
  await page.evaluate(() => (location.hash = '#/train?batch=5&len=128'));
  await expect(activePanel(page)).toHaveText(/Train/);
  await expect(page.getByLabel('Batch size', { exact: true })).toHaveValue('5');
  await expect(page.getByLabel('Max length', { exact: true })).toHaveValue('128');
  await page.goBack();
  await expect(activePanel(page)).toHaveText(/QA Playground/);
});

test('a worker that fails to load rejects its calls, and the studio restarts it', async ({ page }) => {
  let broken = true;
  await page.route('**/static/model.worker-*.js', (route) => (broken ? route.fulfill({ status: 500, body: 'server error' }) : route.continue()));
  await page.goto('/#/model');
  const failure = page.getByTestId('worker-failure');
  await expect(failure).toContainText('The model worker stopped');
  await expect(failure).toContainText('Restart it to continue');
  broken = false;
  await failure.getByRole('button', { name: 'Restart the model worker' }).click();
  await expect(failure).toHaveCount(0);
  await expect(page.getByTestId('current-backend')).toContainText('using', { timeout: 60_000 });
});

test('a worker that crashes during a call rejects it with a clear error instead of waiting forever', async ({ page }) => {
  // Fault injection: the served worker throws, uncaught, when asked for the evaluation runs.
  await page.route('**/static/model.worker-*.js', async (route) => {
    const res = await route.fetch();
    const crash = `self.addEventListener('message', (e) => { if (e.data && e.data.kind === 'eval-runs') { e.stopImmediatePropagation(); setTimeout(() => { throw new Error('simulated crash'); }, 50); } });\n`;
    await route.fulfill({ response: res, body: crash + (await res.text()) });
  });
  await page.goto('/#/evaluate');
  await expect(page.getByTestId('eval-error')).toContainText('The model worker stopped', { timeout: 60_000 });
  await expect(page.getByTestId('eval-error')).toContainText('simulated crash');
  await page.unrouteAll();
  await page.getByTestId('worker-failure').getByRole('button', { name: 'Restart the model worker' }).click();
  await expect(page.getByTestId('worker-failure')).toHaveCount(0);
});
