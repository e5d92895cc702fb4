import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { chooseFiles, DEV_FILE, screenshot, tempFile } from './helpers.js';

test.describe.configure({ mode: 'serial' });

test('the demo set loads on first open, with no local assets', async ({ page }) => {
  await page.route('**/assets/**', (route) => route.fulfill({ status: 404, body: '' }));
  await page.goto('/');
  const row = page.getByTestId('dataset-row').filter({ hasText: 'BERT Studio demo' });
  await expect(row).toBeVisible();
  await expect(row.getByText('DEMO', { exact: true })).toBeVisible();
  await expect(page.getByTestId('local-assets')).toContainText('None');
  await page.getByTestId('question-list').locator('.vrow').first().click();
  await expect(page.getByTestId('context').locator('mark.answer.strong').first()).toBeVisible();
  await screenshot(page, 'data-demo');
});

test('imports SQuAD dev through the file chooser, keeps it across reloads, and rejects bad files', async ({ page }, testInfo) => {
  await page.goto('/');
  await expect(page.getByTestId('dataset-row').first()).toBeVisible();
  await expect(page.getByTestId('local-assets')).toContainText('squad/dev-v1.1.json');

  await chooseFiles(page, DEV_FILE);
  await expect(page.getByTestId('import-done')).toBeVisible({ timeout: 120_000 });
  const dev = page.getByTestId('dataset-row').filter({ hasText: 'dev-v1.1' });
  await expect(dev.getByTestId('col-articles')).toHaveText('48');
  await expect(dev.getByTestId('col-paragraphs')).toHaveText('2,067');
  await expect(dev.getByTestId('col-questions')).toHaveText('10,570');
  await screenshot(page, 'data-imported');

  await page.reload();
  await expect(dev.getByTestId('col-questions')).toHaveText('10,570');

  // A truncated copy: a clear error naming the position, and nothing stored.
  const text = fs.readFileSync(DEV_FILE, 'utf8');
  const truncated = tempFile(testInfo.outputPath(), 'truncated-dev.json', text.slice(0, 1_000_000));
  const chooser2 = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Choose file…' }).click();
  await (await chooser2).setFiles(truncated);
  const error = page.getByTestId('import-error');
  await expect(error).toBeVisible();
  await expect(error).toContainText(/line \d+/i);
  await screenshot(page, 'data-truncated-error');
  await expect(page.getByTestId('dataset-row')).toHaveCount(2);

  // A wrong answer offset: the review names the question and lets the user abort.
  const data = JSON.parse(text);
  data.data[0].paragraphs[0].qas[0].answers[0].answer_start += 3;
  const wrong = tempFile(testInfo.outputPath(), 'wrong-offset.json', JSON.stringify(data));
  const chooser3 = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Choose file…' }).click();
  await (await chooser3).setFiles(wrong);
  const review = page.getByTestId('import-review');
  await expect(review).toBeVisible({ timeout: 120_000 });
  await expect(review).toContainText('answer mismatch');
  await expect(page.getByTestId('issue-list')).toContainText('data[0].paragraphs[0].qas[0].answers[0]');
  await screenshot(page, 'data-review-mismatch');
  await page.getByRole('button', { name: 'Abort import' }).click();
  await expect(review).toBeHidden();
  await expect(page.getByTestId('dataset-row')).toHaveCount(2);
  await expect(dev.getByTestId('col-questions')).toHaveText('10,570');

  // Browse to a question by id and see its answer highlighted in the context.
  await dev.click();
  await page.getByLabel('Search questions').fill('56be4db0acb8001400a502ec');
  await expect(page.getByTestId('question-count')).toHaveText('1');
  await page.locator('[data-qid="56be4db0acb8001400a502ec"]').click();
  await expect(page.getByTestId('question-detail')).toContainText('Which NFL team represented the AFC at Super Bowl 50?');
  await expect(page.getByTestId('context').locator('mark.answer.strong').first()).toHaveText('Denver Broncos');
  await page.getByLabel('Search questions').fill('');
  await expect(page.getByTestId('question-count')).toHaveText('10,570');
  await page.getByTestId('question-list').evaluate((el) => (el.scrollTop = 200_000));
  await expect(page.getByTestId('question-list').locator('.vrow').first()).toBeVisible();
  await screenshot(page, 'data-browser');
});
