import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePanelMessage } from '../../../src/protocol/panels';

test('well-formed messages of each panel pass unchanged', () => {
  const enc = { type: 'encode', seq: 3, text: 'hello', pair: '', vocab: 'bundled', maxLength: 128 };
  assert.deepEqual(parsePanelMessage('preview', enc), { ok: true, message: enc });
  assert.equal(parsePanelMessage('hyperparams', { type: 'set', path: 'training.learning_rate', value: 3e-5 }).ok, true);
  assert.equal(parsePanelMessage('hyperparams', { type: 'set', path: 'training.report_to', value: ['none'] }).ok, true);
  assert.equal(parsePanelMessage('monitor', { type: 'compare', runs: ['a', 'b'] }).ok, true);
  assert.equal(parsePanelMessage('monitor', { type: 'stop' }).ok, true);
  assert.equal(parsePanelMessage('monitor', { type: 'runAction', run: 'r1', action: 'try' }).ok, true);
  assert.equal(parsePanelMessage('monitor', { type: 'editRun', run: '/w/results/lr-0.005' }).ok, true);
});

test('unknown types, wrong panels, wrong shapes and extra fields are refused with a reason', () => {
  const cases: [Parameters<typeof parsePanelMessage>[0], unknown, RegExp][] = [
    ['preview', null, /not an object/],
    ['preview', [1], /not an object/],
    ['preview', { kind: 'encode' }, /no string "type"/],
    ['preview', { type: 'runShell', cmd: 'rm -rf /' }, /unknown type "runShell"/],
    ['preview', { type: 'stop' }, /unknown type "stop" for the preview panel/],
    ['preview', { type: 'encode', seq: 1, text: 'x', pair: '', vocab: 'b' }, /missing field "maxLength"/],
    [
      'preview',
      { type: 'encode', seq: 1, text: 5, pair: '', vocab: 'b', maxLength: 8 },
      /encode.text must be a string/,
    ],
    [
      'preview',
      { type: 'encode', seq: 1, text: 'x', pair: '', vocab: 'b', maxLength: 1.5 },
      /maxLength must be an integer/,
    ],
    ['preview', { type: 'ready', extra: 1 }, /unexpected field "extra"/],
    ['hyperparams', { type: 'set', path: '__proto__.polluted', value: 1 }, /path must be a dotted key path/],
    ['hyperparams', { type: 'set', path: 'training.x', value: { nested: true } }, /value must be/],
    ['hyperparams', { type: 'set', path: 'training.x', value: Number.NaN }, /finite/],
    ['monitor', { type: 'compare', runs: ['only-one'] }, /two run ids/],
    ['monitor', { type: 'openLogs', run: 42 }, /must be a string/],
    [
      'monitor',
      { type: 'runAction', run: 'r1', action: 'delete' },
      /must be one of evaluate, try, predict, export, notebook/,
    ],
    ['monitor', { type: 'editRun', run: 'r1', name: 'x' }, /unexpected field "name"/],
  ];
  for (const [panel, raw, reason] of cases) {
    const r = parsePanelMessage(panel, raw);
    assert.equal(r.ok, false, JSON.stringify(raw));
    if (!r.ok) assert.match(r.reason, reason);
  }
});

test('a "type" inherited from Object.prototype is not a known message', () => {
  assert.equal(parsePanelMessage('monitor', { type: 'toString' }).ok, false);
  assert.equal(parsePanelMessage('monitor', { type: 'constructor' }).ok, false);
});
