// Words and fixes in a real VS Code: a did-you-mean quick fix and a missing-column fix applied in
// notebook cells, a missing data file underlined before running, `%data` + Enter starting a new line,
// the hyperparameter form showing the schema's message while typing (and "Not applied" on Enter), and
// the tokenization preview refusing max_length 0 and 99999. Screenshots: test-results/quickfix-*.png,
// (quickfix-columns: the menu offering the file's free columns), form-error-typing.png, preview-max-length.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withVSCode, type VSCode } from './harness';
import { command, assertNoCspViolations, sleep, until } from './panels-util';

const vsix = process.env.BERTNB_VSIX;

const NOTEBOOK = JSON.stringify(
  {
    bertnb: 1,
    metadata: {},
    cells: [
      { kind: 'code', source: ['%train', 'lerning_rate: 3e-5', 'num_train_epochs: 2'], metadata: {}, outputs: [] },
      {
        kind: 'code',
        source: [
          '%data',
          'train: data/train.csv',
          'validation: data/missing.csv',
          'text_column: reviw',
          'label_column: label',
        ],
        metadata: {},
        outputs: [],
      },
      { kind: 'code', source: [], metadata: {}, outputs: [] },
    ],
  },
  null,
  2,
);
const TRAIN_CSV = 'review,label\n' + Array.from({ length: 8 }, (_, i) => `row ${i},${i % 2}`).join('\n') + '\n';

const row = (i: number) => `.notebook-editor .monaco-list-row[data-index="${i}"]`;

async function cellTextAt(vs: VSCode, i: number): Promise<string> {
  return vs.page.evaluate<string>(`(() => {
    const cell = document.querySelector('${row(i)} .cell-editor-container .view-lines');
    if (!cell) return '';
    return Array.from(cell.querySelectorAll('.view-line'))
      .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
      .map((l) => (l.textContent || '').replace(/\\u00a0/g, ' '))
      .join('\\n');
  })()`);
}

/** Puts the cursor at the start of `line` (0-based) of cell `i`. */
async function cursorAt(vs: VSCode, i: number, line: number): Promise<void> {
  await vs.page
    .locator(`${row(i)} .monaco-editor .view-lines`)
    .first()
    .click();
  await vs.page.keyboard.press('Control+Home');
  for (let k = 0; k < line; k++) await vs.page.keyboard.press('ArrowDown');
  await vs.page.keyboard.press('Home');
}

/** Ctrl+. on the cursor, then the quick fix with this title. */
async function quickFix(vs: VSCode, title: string, screenshot?: string): Promise<void> {
  await vs.page.keyboard.press('Control+.');
  await vs.page.locator('.action-widget .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 15_000 });
  if (screenshot) await vs.screenshot(screenshot);
  // The widget puts a pointer block over the page: choose with the keyboard, as a person would.
  for (let i = 0; i < 20; i++) {
    const focused =
      (await vs.page
        .locator('.action-widget .monaco-list-row.focused')
        .first()
        .textContent()
        .catch(() => '')) ?? '';
    if (focused.includes(title)) return vs.page.keyboard.press('Enter');
    await vs.page.keyboard.press('ArrowDown');
    await sleep(100);
  }
  throw new Error(`no quick fix '${title}' could be focused`);
}

test('quick fixes, missing files, %data + Enter, form errors while typing, preview max_length', async () => {
  await withVSCode(
    { label: 'words', vsix, files: { 'words.bertnb': NOTEBOOK, 'data/train.csv': TRAIN_CSV } },
    async (vs) => {
      await vs.openFile('words.bertnb');
      await vs.page.locator('.notebook-editor .monaco-list-row.code-cell-row').first().waitFor({ timeout: 60_000 });

      // A did-you-mean on a key: underlined, and Ctrl+. offers the fix.
      await vs.page
        .locator(`${row(0)} .squiggly-error`)
        .first()
        .waitFor({ timeout: 30_000 });
      await cursorAt(vs, 0, 1);
      await quickFix(vs, "Change 'lerning_rate' to 'learning_rate'");
      await until(
        'the key fixed',
        async () => (await cellTextAt(vs, 0)) === '%train\nlearning_rate: 3e-5\nnum_train_epochs: 2',
      );

      // The %data cell: the missing validation file and the misspelt column are underlined before running.
      await until(
        'two problems in the %data cell',
        async () => (await vs.page.locator(`${row(1)} .squiggly-error`).count()) >= 2,
        30_000,
      );
      await cursorAt(vs, 1, 3);
      await vs.page.keyboard.press('End');
      await quickFix(vs, "Use column 'review'", 'quickfix-columns');
      await until('the column fixed', async () => (await cellTextAt(vs, 1)).includes('text_column: review'));
      await until(
        'only the missing file left',
        async () => (await vs.page.locator(`${row(1)} .squiggly-error`).count()) === 1,
        30_000,
      );
      await sleep(500);
      await vs.screenshot('quickfix-applied');

      // `%data` then Enter: a new line, not an accepted completion.
      await vs.page
        .locator(`${row(2)} .monaco-editor .view-lines`)
        .first()
        .click();
      await vs.page.keyboard.type('%data', { delay: 80 });
      await sleep(800); // time for a suggest widget to (wrongly) appear
      await vs.page.keyboard.press('Enter');
      await vs.page.keyboard.type('train: data/train.csv');
      await until('the new line', async () => (await cellTextAt(vs, 2)) === '%data\ntrain: data/train.csv');

      // The form on the %train cell: the schema's message while typing, "Not applied" on Enter.
      await cursorAt(vs, 0, 1);
      await command(vs, 'BERT: Edit Hyperparameters');
      const f = await vs.frameWith('[data-path="training.learning_rate"]', 60_000);
      const lr = f.locator('vscode-text-field[data-path="training.learning_rate"] input');
      await until('values from the cell', async () => (await lr.inputValue()) === '3e-5');
      const lrError = f.locator('[data-field="training.learning_rate"] .field-error');
      await lr.fill('');
      await lr.pressSequentially('-1', { delay: 60 });
      await until(
        'an error while typing',
        async () => (await lrError.textContent()) === 'learning_rate: -1 must be > 0',
      );
      const header = (await f.locator('[data-testid="issues"]').textContent()) ?? '';
      assert.match(header, /^1 problem/);
      await vs.screenshot('form-error-typing');
      // The first fields are the ones people set most.
      const order = await f
        .locator('.field[data-field]')
        .evaluateAll((els) => els.slice(0, 3).map((e) => e.getAttribute('data-field')));
      assert.deepEqual(order, [
        'training.learning_rate',
        'training.num_train_epochs',
        'training.per_device_train_batch_size',
      ]);
      await lr.press('Enter');
      await until('"Not applied"', async () =>
        /Not applied: the cell keeps 3e-5/.test((await lrError.textContent()) ?? ''),
      );
      assert.equal(await cellTextAt(vs, 0), '%train\nlearning_rate: 3e-5\nnum_train_epochs: 2');
      await lr.fill('abc');
      await until(
        'a type error while typing',
        async () => (await lrError.textContent()) === "learning_rate: 'abc' must be a number",
      );

      // The preview: max_length is checked against the model (bert-base-uncased: 512 positions).
      await command(vs, 'BERT: Preview Tokenization');
      const p = await vs.frameWith('[data-testid="max-length"]', 60_000);
      const max = p.locator('[data-testid="max-length"] input');
      const summary = p.locator('[data-testid="summary"]');
      await until('chips', async () => (await p.locator('[data-testid="chips"] .chip').count()) > 0);
      await max.fill('0');
      await until('0 refused', async () =>
        /max_length: 0 must be at least 1/.test((await summary.textContent()) ?? ''),
      );
      await max.fill('99999');
      await until('99999 refused', async () =>
        /max_length: 99999 must be <= 512/.test((await summary.textContent()) ?? ''),
      );
      assert.doesNotMatch((await summary.textContent()) ?? '', /fits/);
      await vs.screenshot('preview-max-length');
      await max.fill('512');
      await until('512 fits', async () => /fits max_length 512/.test((await summary.textContent()) ?? ''));

      assert.deepEqual(await vs.errorNotifications(), []);
      assertNoCspViolations(vs.consoleErrors);
    },
  );
});
