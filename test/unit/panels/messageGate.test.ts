import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gate } from '../../../src/extension/panels/messageGate';

test('the gate hands valid messages to the panel and drops + logs everything else', async () => {
  const logged: string[] = [];
  const handled: unknown[] = [];
  const receive = gate('monitor', { warn: (m) => logged.push(m) }, (m) => {
    handled.push(m);
  });
  receive({ type: 'stop' });
  receive({ type: 'stop', now: true });
  receive({ type: 'eval', code: 'process.exit()' });
  receive('stop');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(handled, [{ type: 'stop' }]);
  assert.equal(logged.length, 3);
  assert.match(logged[0], /ignored a message from the monitor webview: stop: unexpected field "now"/);
  assert.match(logged[1], /unknown type "eval"/);
  assert.match(logged[2], /not an object/);
});

test('a handler that throws is logged, not propagated into the webview channel', async () => {
  const logged: string[] = [];
  const receive = gate('preview', { warn: (m) => logged.push(m) }, async () => {
    throw new Error('tokenizer exploded');
  });
  receive({ type: 'ready' });
  await new Promise((r) => setImmediate(r));
  assert.match(logged[0], /handling "ready" failed: tokenizer exploded/);
});
