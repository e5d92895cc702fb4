import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { chooseFiles, DEV_FILE, fitsBothSizes, screenshot, SHARED_DATA, tempFile } from './helpers.js';

// A name with no spaces is the worst case for the table's width.
const LONG = 'microsoft-research-paraphrase-corpus-dev-split-reviewed-by-the-annotation-team-2026-11-30-final';



test('one dropzone takes SQuAD and MRPC files by their content, and one table lists, renames, splits and browses both', async ({ page }, testInfo) => {
  await page.goto('/#/data');
  await expect(page.locator('[data-testid="dataset-row"][data-task="qa"]').filter({ hasText: 'BERT Studio demo' })).toBeVisible();

  await chooseFiles(page, DEV_FILE);
  await expect(page.getByTestId('import-done')).toContainText('10,570 questions', { timeout: 120_000 });
  await expect(page.getByTestId('import-done')).toContainText('Question answering (SQuAD)');
  // Three files chosen together are imported one after another; the last one's result is shown.
  await chooseFiles(page, ['dev.tsv', 'train.tsv', 'test.tsv'].map((f) => path.join(SHARED_DATA, 'mrpc', f)));
  await expect(page.getByTestId('import-done')).toContainText('Imported “test”');
  // One banner at a time: the SQuAD result stepped aside for the newer pair imports.
  await expect(page.getByTestId('import-done')).toHaveCount(1);
  await expect(page.getByTestId('import-queue')).toHaveCount(0);
  await expect(page.getByTestId('import-done')).toContainText('1,725 pairs (unlabelled)');
  const pairRow = (name: string | RegExp) => page.locator('[data-testid="dataset-row"][data-task="mrpc"]').filter({ has: page.locator('.dataset-name', { hasText: name }) });
  await expect(pairRow(/^train$/).getByTestId('col-pairs')).toHaveText('3,668');
  await expect(pairRow(/^test$/)).toContainText('no labels');
  await expect(page.getByTestId('dataset-row')).toHaveCount(5);
  await expect(page.locator('[data-task="mrpc"] .pill.task-mrpc')).toHaveText(Array(3).fill('Sentence pairs (MRPC)'));

  // A CSV of pairs dropped on the same dropzone goes to the pair parser, with its problems located.
  const csv = fs.readFileSync(tempFile(testInfo.outputPath(), 'mine.csv', 'sentence1,sentence2,label\nA cat sat.,A cat was sitting.,1\nOne.,,0\n'));
  const drop = async (files: { name: string; bytes: Buffer }[]) => {
    const dataTransfer = await page.evaluateHandle((list) => {
      const dt = new DataTransfer();
      for (const f of list) dt.items.add(new File([new Uint8Array(f.data)], f.name));
      return dt;
    }, files.map((f) => ({ name: f.name, data: [...f.bytes] })));
    await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer });
  };
  // Dropped together with a file that tells nothing: the second waits until the first's review is answered.
  await drop([
    { name: 'mine.csv', bytes: csv },
    { name: 'notes.txt', bytes: Buffer.from('Dear diary,\nno header here\n') },
  ]);
  await expect(page.getByTestId('issue-list')).toContainText('line 3 (row 1), column "sentence2": the sentence is empty');
  await expect(page.getByTestId('import-review')).toContainText('Sentence pairs (MRPC)');
  await expect(page.getByTestId('import-queue')).toHaveText('Waiting: notes.txt');
  await screenshot(page, 'data-kinds-review');
  await page.getByRole('button', { name: 'Abort import' }).click();

  // Neither the name nor the content tells: the user is asked, and the answer is honoured.
  const ask = page.getByTestId('import-ask');
  await expect(ask).toContainText('Which task is “notes.txt” for?');
  await screenshot(page, 'data-kinds-ask');
  await ask.getByRole('button', { name: 'Sentence pairs (MRPC)' }).click();
  await expect(page.getByTestId('import-error')).toContainText('the header has no sentence1 and sentence2 column');
  await expect(ask).toBeHidden();
  await page.getByTestId('import-error').getByRole('button', { name: 'Dismiss' }).click();

  // Skipping a file asked about imports nothing.
  await drop([{ name: 'notes.txt', bytes: Buffer.from('Dear diary,\n') }]);
  await ask.getByRole('button', { name: 'Skip this file' }).click();
  await expect(ask).toBeHidden();
  await expect(page.getByTestId('import-error')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Choose file…' })).toBeEnabled();

  // A pair file among the local assets imports as pairs, its source named as such.
  await page.getByTestId('local-assets').locator('.asset', { hasText: 'mrpc/msr_paraphrase_test.txt' }).getByRole('button', { name: 'Import' }).click();
  await expect(page.getByTestId('import-done')).toContainText('Imported “msr_paraphrase_test”: 1,725 pairs (1,147 equivalent, 578 not)');
  await expect(pairRow('msr_paraphrase_test')).toContainText('local asset');
  await page.getByTestId('import-done').getByRole('button', { name: 'Dismiss' }).click();

  // Rename the dev pairs to a long name, split them, browse: the table fits both window sizes.
  await pairRow(/^dev$/).getByRole('button', { name: 'Rename' }).click();
  await page.getByLabel('New name').fill(LONG);
  await page.getByLabel('New name').press('Enter');
  await pairRow(new RegExp(`^${LONG}$`)).click();
  await expect(page.getByRole('region', { name: 'Statistics' })).toContainText('408');
  await expect(page.getByTestId('split-preview')).toContainText('326 pairs for training, 82 pairs for evaluation');
  await page.getByRole('button', { name: 'Split' }).click();
  await expect(page.getByTestId('split-result')).toContainText('Created a train set of 326 pairs and an eval set of 82 pairs');
  await expect(page.getByTestId('dataset-row')).toHaveCount(8);
  await expect(pairRow(`${LONG} · eval (seed 42)`).getByTestId('col-pairs')).toHaveText('82');
  await pairRow(new RegExp(`^${LONG}$`)).click();
  await page.getByTestId('pair-list').locator('.vrow').nth(2).click();
  await expect(page.getByTestId('pair-detail')).toContainText('Sentence 2');
  await page.evaluate(() => window.scrollTo(0, 0));
  await fitsBothSizes(page, 'data-kinds-pairs');

  // Back to SQuAD: its statistics and question browser replace the pair views.
  await page.locator('[data-testid="dataset-row"][data-task="qa"]').filter({ hasText: 'dev-v1.1' }).click();
  await expect(page.getByTestId('context-histogram')).toBeVisible();
  await expect(page.getByTestId('pair-list')).toHaveCount(0);
  await fitsBothSizes(page, 'data-kinds-squad');

  // Survives a reload: both kinds are listed again, pairs renamed.
  await page.reload();
  await expect(pairRow(new RegExp(`^${LONG}$`))).toHaveCount(1);
  await expect(page.getByTestId('dataset-row')).toHaveCount(8);
  page.on('dialog', (d) => void d.accept());
  await pairRow(`${LONG} · eval (seed 42)`).getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByTestId('dataset-row')).toHaveCount(7);
});
