import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  PROTOCOL_VERSION, parseHostToWorker, parseWorkerToHost, toHost, toWorker, parseWebviewToHost, parseRendererToHost,
  WORKER_TO_HOST_TYPES, HOST_TO_WORKER_TYPES,
} from '../../../src/protocol';
import { validateRunConfig } from '../../../src/schema';

const config = validateRunConfig({ data: { train: 'a.csv' } }).config!;

const reasonOf = (r: { ok: boolean; reason?: string }) => (r.ok ? 'ok' : r.reason);

test('every message built by toWorker/toHost parses back unchanged, through JSON', () => {
  const fromHost = [
    toWorker('start', { config, resumeFromCheckpoint: true }),
    toWorker('stop'),
    toWorker('pause'),
    toWorker('resume'),
    toWorker('request', { id: 7, op: 'tokenize', args: { text: 'hi' } }),
    toWorker('cancel', { id: 7 }),
  ];
  const fromWorker = [
    toHost('ready', { backend: { name: 'wasm', reason: 'tfjs-node not installed' }, pid: 123 }),
    toHost('state', { state: 'paused' }),
    toHost('progress', { step: 10, maxSteps: 100, epoch: 0.3, loss: 0.69, learningRate: 5e-5, samplesPerSecond: 31.5, etaSeconds: 12, gradNorm: 1.2 }),
    toHost('log', { level: 'warn', message: 'x' }),
    toHost('dataProgress', { role: 'data.train', bytes: 1 << 20, totalBytes: 200e6, rows: 7000, etaSeconds: null }),
    toHost('eval', { step: 10, epoch: 1, metrics: { eval_loss: 0.5, eval_accuracy: 0.8 } }),
    toHost('checkpoint', { step: 10, path: '/out/checkpoint-10' }),
    toHost('done', { outputDir: '/out', metrics: { train_loss: 0.4 }, bestCheckpoint: null, stopped: false }),
    toHost('error', { message: 'disk full', lastCheckpoint: '/out/checkpoint-10' }),
    toHost('response', { id: 7, ok: true, result: [1, 2] }),
    toHost('response', { id: 8, ok: false, error: 'no model' }),
  ];
  assert.deepEqual(new Set(fromHost.map((m) => m.type)), new Set(HOST_TO_WORKER_TYPES));
  assert.deepEqual(new Set(fromWorker.map((m) => m.type)), new Set(WORKER_TO_HOST_TYPES));
  for (const m of fromHost) {
    assert.equal(m.v, PROTOCOL_VERSION);
    const r = parseHostToWorker(JSON.parse(JSON.stringify(m)));
    assert.ok(r.ok, reasonOf(r));
    assert.deepEqual(r.message, m);
  }
  for (const m of fromWorker) {
    const r = parseWorkerToHost(JSON.parse(JSON.stringify(m)));
    assert.ok(r.ok, reasonOf(r));
    assert.deepEqual(r.message, m);
  }
});

test('NaN and Infinity (null after JSON IPC) are accepted where a value can be non-finite', () => {
  const m = JSON.parse(JSON.stringify(toHost('progress', { step: 1, maxSteps: 2, epoch: 0, loss: NaN, learningRate: 0, samplesPerSecond: 1, etaSeconds: Infinity })));
  assert.equal(m.loss, null);
  assert.ok(parseWorkerToHost(m).ok);
});

test('bad shapes are refused with a reason naming the problem', () => {
  const cases: [unknown, RegExp][] = [
    [null, /not an object/],
    [[1], /not an object/],
    [{ type: 'stop' }, /protocol version undefined, expected 1/],
    [{ v: 2, type: 'stop' }, /protocol version 2/],
    [{ v: 1 }, /no string "type"/],
    [{ v: 1, type: 'explode' }, /unknown type "explode"/],
    [{ v: 1, type: '__proto__' }, /unknown type/],
    [{ v: 1, type: 'stop', extra: 1 }, /stop: unexpected field "extra"/],
    [{ v: 1, type: 'start' }, /start: missing field "config"/],
    [{ v: 1, type: 'start', config: 'x' }, /config must be an object/],
    [{ v: 1, type: 'start', config: {}, resumeFromCheckpoint: 3 }, /resumeFromCheckpoint must be a path or a boolean/],
    [{ v: 1, type: 'request', id: -1, op: 'x' }, /id must be >= 0/],
    [{ v: 1, type: 'request', id: 1.5, op: 'x' }, /id must be an integer/],
  ];
  for (const [raw, reason] of cases) {
    const r = parseHostToWorker(raw);
    assert.equal(r.ok, false, JSON.stringify(raw));
    assert.match(reasonOf(r)!, reason);
  }
  const fromWorker: [unknown, RegExp][] = [
    [{ v: 1, type: 'progress', step: 1, maxSteps: 2, epoch: 0, loss: '0.5', learningRate: 0, samplesPerSecond: 1, etaSeconds: 1 }, /loss must be a finite number/],
    [{ v: 1, type: 'log', level: 'loud', message: 'x' }, /level must be one of debug, info, warn, error/],
    [{ v: 1, type: 'eval', step: 1, epoch: 1, metrics: { acc: 'high' } }, /metrics \.acc must be a number/],
    [{ v: 1, type: 'response', id: 1, ok: false }, /failed response needs an error message/],
    [{ v: 1, type: 'ready', backend: { name: 'cpu' }, pid: 1 }, /backend missing field "reason"/],
    [{ v: 1, type: 'done', outputDir: 'o', metrics: {}, bestCheckpoint: 3, stopped: false }, /bestCheckpoint must be a string/],
  ];
  for (const [raw, reason] of fromWorker) {
    const r = parseWorkerToHost(raw);
    assert.equal(r.ok, false, JSON.stringify(raw));
    assert.match(reasonOf(r)!, reason);
  }
});

test('webview and renderer parsers share the result shape', () => {
  assert.deepEqual(parseWebviewToHost('monitor', { type: 'stop' }), { ok: true, message: { type: 'stop' } });
  assert.equal(parseWebviewToHost('monitor', { type: 'rm -rf' }).ok, false);
  assert.deepEqual(parseRendererToHost({ type: 'stopTraining' }), { ok: true, message: { type: 'stopTraining', notebookUri: undefined } });
  assert.equal(parseRendererToHost({ type: 'x' }).ok, false);
});

test('protocol sources import no Node modules (webviews bundle them)', () => {
  const dir = join(__dirname, '../../../src/protocol');
  for (const f of readdirSync(dir)) {
    const text = readFileSync(join(dir, f), 'utf8');
    assert.doesNotMatch(text, /from ['"]node:|require\(/, f);
    for (const m of text.matchAll(/from '(\.\.\/[^']+)'/g)) assert.match(m[0], /^from '\.\.\/schema\/types'$/, `${f}: ${m[1]}`);
  }
});
