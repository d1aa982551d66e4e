// The panels in a real VS Code (code-server + Chromium, see harness.ts): tokenization preview (with
// forged webview messages) and the hyperparameter form bound to a YAML file. Training/monitor and
// restricted mode are in panels-train.e2e.ts and panels-restricted.e2e.ts (one launch is ~30 s, and
// each file has its own time limit). Screenshots in light and dark go to test-results/panels-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withVSCode } from './harness';
import { command, assertNoCspViolations, cellText, editorText, forge, open, sleep, until } from './panels-util';

const vsix = process.env.BERTNB_VSIX;

test('tokenization preview: selection, typing, chips, hover, forged messages ignored', async () => {
  await withVSCode(
    { label: 'panels-preview', vsix, files: { 'notes.txt': 'Unaffable tokenization of ☃ snowmen' } },
    async (vs) => {
      await open(vs, 'notes.txt');
      await vs.page.locator('.editor-instance .view-lines .view-line').first().click();
      await vs.page.keyboard.press('Home');
      await vs.page.keyboard.press('Shift+End');
      // The palette would press Escape first (dropping the selection): use the keybinding, as a person would.
      await vs.page.keyboard.press('Control+Alt+T');
      const f = await vs.frameWith('[data-testid="chips"] .chip', 60_000);
      // The selection is what is previewed: ☃ is not in the vocabulary.
      const tokens = await until('chips of the selection', async () => {
        const t = await f.locator('[data-testid="chips"] .chip .tok').allTextContents();
        return t.includes('##ffa') && t;
      });
      assert.equal(tokens[0], '[CLS]');
      assert.ok(tokens.includes('[UNK]'), tokens.join(' '));
      assert.equal(await f.locator('[data-testid="chips"] .chip.unk').count(), 1);
      assert.match((await f.locator('[data-testid="summary"]').textContent()) ?? '', /tokens · \d+ words · 1 \[UNK\]/);
      await vs.screenshot('panels-preview-light');

      // Typing re-tokenizes (debounced, in the extension host).
      const box = f.locator('[data-testid="text"] textarea');
      await box.fill('hello world');
      await until(
        'chips of the typed text',
        async () =>
          (await f.locator('[data-testid="chips"] .chip .tok').allTextContents()).join(' ') ===
          '[CLS] hello world [SEP]',
      );
      // A short max_length strikes the tail through.
      await f.locator('[data-testid="max-length"] input').fill('3');
      await until('a truncated chip', async () => (await f.locator('[data-testid="chips"] .chip.cut').count()) === 1);
      assert.match((await f.locator('[data-testid="summary"]').textContent()) ?? '', /1 cut by max_length 3/);
      // Hovering a chip lights up its characters in the source line.
      await f.locator('[data-testid="chips"] .chip[data-token="1"]').hover();
      await until('source highlight', async () => (await f.locator('.src.hover').textContent()) === 'hello');

      // Forged messages: unknown type and wrong shape are dropped and logged, never acted on.
      await forge(f, { type: 'runShell', cmd: 'touch /tmp/pwned' });
      await forge(f, { type: 'encode', seq: 1, text: 42 });
      await vs.waitForOutput(/ignored a message from the preview webview: unknown type "runShell"/);
      await vs.waitForOutput(
        /ignored a message from the preview webview: encode: missing field|encode\.text must be a string/,
      );

      await f.locator('[data-testid="max-length"] input').fill('8');
      await box.fill('Unaffable tokenization of ☃ snowmen');
      await until('chips again', async () => (await f.locator('[data-testid="chips"] .chip.cut').count()) > 0);
      await vs.setTheme('dark');
      await sleep(500);
      await vs.screenshot('panels-preview-dark');
      assert.deepEqual(await vs.errorNotifications(), []);
      assertNoCspViolations(vs.consoleErrors);
    },
  );
});

const RUN_YAML = `# Demo run: comments and layout must survive form edits.
task: sequence-classification   # classify
model: bert-tiny
data: { train: data/train.csv, max_length: 32 }
training:
  learning_rate: 5e-5   # peak
  num_train_epochs: 2
`;

const TINY_NOTEBOOK = JSON.stringify(
  {
    bertnb: 1,
    metadata: {},
    cells: [
      { kind: 'code', source: ['%train', 'learning_rate: 5e-5', 'num_train_epochs: 2'], metadata: {}, outputs: [] },
    ],
  },
  null,
  2,
);

test('hyperparameter form: a form edit is one undoable edit of the YAML, a text edit updates the form', async () => {
  await withVSCode(
    {
      label: 'panels-form',
      vsix,
      files: {
        'run.yaml': RUN_YAML,
        'tiny.bertnb': TINY_NOTEBOOK,
        'data/train.csv': 'text,label\n' + Array.from({ length: 64 }, (_, i) => `row ${i},${i % 2}`).join('\n') + '\n',
      },
    },
    async (vs) => {
      await open(vs, 'run.yaml');
      await command(vs, 'BERT: Edit Hyperparameters');
      const f = await vs.frameWith('[data-path="training.learning_rate"]', 60_000);
      const lr = f.locator('vscode-text-field[data-path="training.learning_rate"] input');
      await until('values from the text', async () => (await lr.inputValue()) === '5e-5');
      // The schedule preview counted the 64 training rows (minus the default 10% hold-out).
      await until('schedule note', async () =>
        /16 steps for 58 training rows/.test((await f.locator('[data-testid="schedule-note"]').textContent()) ?? ''),
      );
      await vs.screenshot('panels-form-light');

      // Form → text: exactly the value changes, the comment stays.
      await lr.fill('3e-5');
      await lr.press('Enter');
      await until('the YAML to say 3e-5', async () => (await editorText(vs)).includes('learning_rate: 3e-5   # peak'));
      const warm = f.locator('vscode-text-field[data-path="training.warmup_steps"] input');
      await warm.fill('4');
      await warm.press('Enter');
      await until('a new key in the training block', async () =>
        /num_train_epochs: 2\n\s*warmup_steps: 4/.test(await editorText(vs)),
      );
      await until('warmup in the schedule', async () =>
        /4 warmup steps/.test((await f.locator('[data-testid="schedule-note"]').textContent()) ?? ''),
      );
      // Inline validation: a bad value is refused in the form and never reaches the text.
      await lr.fill('-1');
      await lr.press('Enter');
      await until('inline error', async () =>
        /must be > 0/.test((await f.locator('[data-field="training.learning_rate"] .field-error').textContent()) ?? ''),
      );
      assert.ok((await editorText(vs)).includes('learning_rate: 3e-5'));

      // Text → form: type in the editor, the form follows.
      await vs.page.locator('.editor-instance .view-lines .view-line').first().click();
      await vs.page.keyboard.press('Control+End');
      const beforeTyping = await editorText(vs);
      await vs.page.keyboard.type('  weight_decay: 0.01');
      const wd = f.locator('vscode-text-field[data-path="training.weight_decay"] input');
      await until('weight_decay in the form', async () => (await wd.inputValue()) === '0.01');
      // Undo in the editor: Monaco may split the typing into a few undo stops; undo until it is gone…
      for (let i = 0; i < 6 && (await editorText(vs)) !== beforeTyping; i++) {
        await vs.page.keyboard.press('Control+Z');
        await sleep(200);
      }
      assert.equal(await editorText(vs), beforeTyping);
      await until('typing undone in the form', async () => (await wd.inputValue()) === '');
      // …then ONE more undo takes back the whole warmup_steps form edit.
      await vs.page.keyboard.press('Control+Z');
      await until(
        'warmup edit undone in one step',
        async () =>
          (await f.locator('vscode-text-field[data-path="training.warmup_steps"] input').inputValue()) === '' &&
          (await editorText(vs)).includes('learning_rate: 3e-5'),
      );
      await vs.setTheme('dark');
      await sleep(500);
      await vs.screenshot('panels-form-dark');

      // The same form bound to a %train cell of a notebook: the cell keeps its header line.
      await open(vs, 'tiny.bertnb');
      await until('the notebook cell', async () => (await cellText(vs)).includes('%train'), 30_000);
      await command(vs, 'BERT: Edit Hyperparameters');
      await until('the form to follow the cell', async () =>
        /tiny\.bertnb · cell 1 \(%train\)/.test((await f.locator('[data-testid="target"]').textContent()) ?? ''),
      );
      const epochs = f.locator('vscode-text-field[data-path="training.num_train_epochs"] input');
      await until('cell values', async () => (await epochs.inputValue()) === '2');
      assert.equal(await f.locator('[data-path="data.train"]').count(), 0, 'a %train cell shows training fields only');
      // A form refresh that lands between fill's clear and its insert leaves "24": fill again until the field reads 4.
      await until('the field to read 4', async () => {
        if ((await epochs.inputValue()) !== '4') await epochs.fill('4');
        return (await epochs.inputValue()) === '4';
      });
      await epochs.press('Enter');
      await until(
        'the cell to say 4 epochs',
        async () => (await cellText(vs)) === '%train\nlearning_rate: 5e-5\nnum_train_epochs: 4',
      );
      await sleep(500);
      assert.equal(
        (await f.locator('[data-field="training.num_train_epochs"] .field-error').textContent())?.trim(),
        '',
        'one change, one edit, no error',
      );
      await vs.screenshot('panels-form-cell-dark');
      assert.deepEqual(await vs.errorNotifications(), []);
      assertNoCspViolations(vs.consoleErrors);
    },
  );
});
