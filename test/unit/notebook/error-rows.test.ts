// The error table's data side: a confusion-matrix cell selects exactly its true/predicted rows, the
// CSV export reads back in Python's csv module, and the renderer's save request survives parsing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { errorsCsv, filterErrors, tokenKind } from '../../../webview/renderer/errorRows';
import { parseRendererToHostMessage } from '../../../src/protocol/notebook-outputs';
import type { EvalErrorRow } from '../../../src/protocol/evaluation';

const row = (truth: string, predicted: string, text: string, probs: number[]): EvalErrorRow => ({
  index: 0,
  source: 'v.csv:2',
  text,
  truth,
  predicted,
  confidence: Math.max(...probs),
  probs,
  tokens: ['[CLS]', 'a', '##b', '[UNK]', '[SEP]'],
  truncated: 0,
});
const ROWS = [
  row('pos', 'neg', 'plain', [0.9, 0.1, 0]),
  row('neg', 'pos', 'with, comma and "quote"', [0.2, 0.7, 0.1]),
  row('pos', 'mid', 'line\nbreak', [0.1, 0.3, 0.6]),
];

test('a cell filter keeps exactly the rows with that true and predicted label', () => {
  assert.deepEqual(
    filterErrors(ROWS, { truth: 'pos', predicted: 'neg' }).map((r) => r.text),
    ['plain'],
  );
  assert.deepEqual(filterErrors(ROWS, { truth: 'pos', predicted: 'pos' }), []);
  assert.equal(filterErrors(ROWS, undefined).length, 3);
});

test('the CSV export reads back in Python with every field intact', () => {
  const csv = errorsCsv(ROWS, ['neg', 'pos', 'mid']);
  const py = 'import csv,io,json,sys; print(json.dumps(list(csv.reader(io.StringIO(sys.stdin.read(), newline="")))))';
  const rows = JSON.parse(execFileSync('python3', ['-c', py], { input: csv, encoding: 'utf8' })) as string[][];
  assert.deepEqual(rows[0], [
    'source',
    'text',
    'true_label',
    'predicted_label',
    'confidence',
    'p_neg',
    'p_pos',
    'p_mid',
    'tokens',
    'truncated_tokens',
  ]);
  assert.deepEqual(
    rows.slice(1).map((r) => r[1]),
    ['plain', 'with, comma and "quote"', 'line\nbreak'],
  );
  assert.deepEqual(rows[2].slice(2, 8), ['neg', 'pos', '0.7', '0.2', '0.7', '0.1']);
  assert.equal(rows[1][8], '[CLS] a ##b [UNK] [SEP]');
});

test('token kinds: special, unknown, word piece, word', () => {
  assert.deepEqual(['[CLS]', '[UNK]', '##ing', 'run'].map(tokenKind), ['special', 'unk', 'piece', 'word']);
});

test('the save request from the renderer parses; a malformed one does not', () => {
  assert.deepEqual(parseRendererToHostMessage({ type: 'saveCsv', suggestedName: 'e.csv', csv: 'a\r\n' }), {
    type: 'saveCsv',
    suggestedName: 'e.csv',
    csv: 'a\r\n',
  });
  assert.equal(parseRendererToHostMessage({ type: 'saveCsv', suggestedName: 'e.csv' }), undefined);
});
