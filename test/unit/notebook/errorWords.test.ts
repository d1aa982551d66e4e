// A failing cell's error, as the editor and `bertnb run` show it: plain words, never an internal class
// name such as "KernelOpError:". Driven through the real kernel with the worker's ops in-process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotebookKernel } from '../../../src/engine/notebook/execute';
import { InProcessKernelBackend } from '../../../src/cli/inProcessKernel';
import { cellErrorWords, withoutClassName } from '../../../src/engine/notebook/errorWords';
import { parseNotebook, serializeNotebook } from '../../../src/engine/notebook/format';
import { run } from '../../../src/cli/verbs/run';

const CLASS_NAME = /\b[A-Z][A-Za-z]*Error\b/;
const dir = mkdtempSync(join(tmpdir(), 'bertnb-words-'));

test('a failing op (%data naming a file that is not there) reads as plain words in the editor', async () => {
  const k = new NotebookKernel(new InProcessKernelBackend(), { cwd: dir });
  const err = await k.run('%data\ntrain: nowhere.csv').then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err, 'the cell should have failed');
  const words = cellErrorWords(err);
  const shown = `${words.heading}: ${words.message}`;
  assert.doesNotMatch(shown, CLASS_NAME, shown);
  assert.match(shown, /^Cell failed: .*nowhere\.csv/);
});

test('`bertnb run` writes the same plain-word error into the notebook', async () => {
  const file = join(dir, 'fails.bertnb');
  writeFileSync(
    file,
    serializeNotebook({
      version: 1,
      metadata: {},
      cells: [{ kind: 'code', source: '%data\ntrain: missing.csv', metadata: {}, outputs: [] }],
    }),
  );
  const code = await run([file, '--in-process']);
  assert.equal(code, 1);
  const out = parseNotebook(readFileSync(file, 'utf8')).cells[0].outputs[0].items[0];
  const shown = JSON.parse(String(out.data)) as { name: string; message: string };
  assert.doesNotMatch(`${shown.name}: ${shown.message}`, CLASS_NAME, JSON.stringify(shown));
  assert.match(shown.message, /missing\.csv/);
});

test('a class name carried inside a message from the worker is cut off', () => {
  assert.equal(withoutClassName('KernelOpError: Error: no such file'), 'no such file');
  assert.equal(withoutClassName('Errors: 3 rows'), 'Errors: 3 rows');
});

test('the CLI prints an expected failure in one line of plain words; a bug keeps its stack', async () => {
  const { failureText, CliError } = await import('../../../src/cli/errors');
  const { DataError } = await import('../../../src/engine/data/dataError');
  assert.equal(
    failureText(new DataError('train: file not found: a.csv'), false),
    'bertnb: train: file not found: a.csv',
  );
  assert.equal(
    failureText(new Error("model '/x' is neither a folder nor a Hugging Face hub id"), false),
    "bertnb: model '/x' is neither a folder nor a Hugging Face hub id",
  );
  assert.equal(failureText(new CliError('bad flag'), false), 'bertnb: bad flag');
  assert.doesNotMatch(failureText(new DataError('x'), false), CLASS_NAME);
  assert.match(failureText(new TypeError('x is undefined'), false), /^TypeError: x is undefined\n\s+at /);
});
