import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  PROTOCOL_VERSION,
  parseHostToWorker,
  parseWorkerToHost,
  toHost,
  toWorker,
  parseWebviewToHost,
  parseRendererToHost,
  WORKER_TO_HOST_TYPES,
  HOST_TO_WORKER_TYPES,
  type RunEvent,
  type RunProgressEvent,
} from '../../../src/protocol';
import { validateRunConfig } from '../../../src/schema';

const config = validateRunConfig({ data: { train: 'a.csv' } }).config!;

const reasonOf = (r: { ok: boolean; reason?: string }) => (r.ok ? 'ok' : r.reason);

const PROGRESS: RunProgressEvent = {
  kind: 'progress',
  step: 10,
  max_steps: 100,
  epoch: 0.3,
  loss: 0.69,
  learning_rate: 5e-5,
  grad_norm: 1.2,
  samples_per_second: 31.5,
  steps_per_second: 1,
  eta_seconds: 12,
  elapsed_seconds: 9.5,
};
const RUN_EVENTS: RunEvent[] = [
  {
    kind: 'start',
    output_dir: '/out',
    max_steps: 100,
    num_train_epochs: 3,
    resumed_from_step: 5,
    schedule: {
      lr_scheduler_type: 'linear',
      learning_rate: 5e-5,
      warmup_steps: 10,
      max_steps: 100,
      points: [
        [0, 0],
        [10, 5e-5],
        [100, 0],
      ],
    },
    history: [
      { ...PROGRESS, step: 5 },
      { kind: 'eval', step: 5, epoch: 0.15, metrics: { eval_loss: 0.6 } },
    ],
  },
  PROGRESS,
  { kind: 'eval', step: 10, epoch: 1, metrics: { eval_loss: 0.5, eval_accuracy: 0.8 } },
  { kind: 'checkpoint', step: 10, path: '/out/checkpoint-10' },
  { kind: 'log', level: 'warn', message: 'x' },
  {
    kind: 'end',
    reason: 'stopped',
    step: 10,
    epoch: 0.3,
    output_dir: '/out',
    metrics: { train_loss: 0.4 },
    best_model_checkpoint: null,
    last_checkpoint: '/out/checkpoint-10',
  },
  {
    kind: 'end',
    reason: 'failed',
    step: 0,
    epoch: 0,
    output_dir: '/out',
    metrics: {},
    best_model_checkpoint: null,
    last_checkpoint: null,
    error: 'disk full',
  },
];

test('every message built by toWorker/toHost parses back unchanged, through JSON', () => {
  const fromHost = [
    toWorker('start', { config, resumeFromCheckpoint: true }),
    toWorker('stop'),
    toWorker('pause'),
    toWorker('resume'),
    toWorker('request', { id: 7, op: 'tokenize', args: { texts: [['hi', null]] } }),
    toWorker('cancel', { id: 7 }),
  ];
  const fromWorker = [
    toHost('ready', { backend: { name: 'wasm', reason: 'tfjs-node not installed' }, pid: 123 }),
    toHost('state', { state: 'paused' }),
    ...RUN_EVENTS.map((event) => toHost('run', { event })),
    toHost('log', { level: 'warn', message: 'x' }),
    toHost('dataProgress', { role: 'data.train', bytes: 1 << 20, totalBytes: 200e6, rows: 7000, etaSeconds: null }),
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
  const m = JSON.parse(JSON.stringify(toHost('run', { event: { ...PROGRESS, loss: NaN, eta_seconds: Infinity } })));
  assert.equal(m.event.loss, null);
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
    [
      { v: 1, type: 'request', id: 1, op: 'rm', args: {} },
      /op must be one of model, tokenize, data, train, evaluate, predict, predictFile, export/,
    ],
  ];
  for (const [raw, reason] of cases) {
    const r = parseHostToWorker(raw);
    assert.equal(r.ok, false, JSON.stringify(raw));
    assert.match(reasonOf(r)!, reason);
  }
  const fromWorker: [unknown, RegExp][] = [
    [{ v: 1, type: 'run', event: { ...PROGRESS, loss: '0.5' } }, /event \(progress\) loss must be a finite number/],
    [{ v: 1, type: 'run', event: { ...PROGRESS, learningRate: 1 } }, /unexpected field "learningRate"/],
    [{ v: 1, type: 'run', event: { kind: 'done' } }, /kind must be one of/],
    [
      { v: 1, type: 'run', event: { ...RUN_EVENTS[0], history: [{ kind: 'eval', step: 1 }] } },
      /history \[0\] \(eval\) missing field "epoch"/,
    ],
    [{ v: 1, type: 'progress', step: 1 }, /unknown type "progress"/],
    [{ v: 1, type: 'log', level: 'loud', message: 'x' }, /level must be one of debug, info, warn, error/],
    [
      { v: 1, type: 'run', event: { kind: 'eval', step: 1, epoch: 1, metrics: { acc: 'high' } } },
      /metrics \.acc must be a number/,
    ],
    [{ v: 1, type: 'response', id: 1, ok: false }, /failed response needs an error message/],
    [{ v: 1, type: 'ready', backend: { name: 'cpu' }, pid: 1 }, /backend missing field "reason"/],
    [
      { v: 1, type: 'run', event: { ...RUN_EVENTS[5], best_model_checkpoint: 3 } },
      /best_model_checkpoint must be a string/,
    ],
    [
      { v: 1, type: 'run', event: { ...RUN_EVENTS[5], reason: 'finished' } },
      /reason must be one of completed, early_stopped, stopped, failed/,
    ],
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
  assert.deepEqual(parseRendererToHost({ type: 'stopTraining' }), {
    ok: true,
    message: { type: 'stopTraining', notebookUri: undefined },
  });
  assert.equal(parseRendererToHost({ type: 'x' }).ok, false);
});

test('protocol sources import no Node modules (webviews bundle them)', () => {
  const dir = join(__dirname, '../../../src/protocol');
  for (const f of readdirSync(dir)) {
    const text = readFileSync(join(dir, f), 'utf8');
    assert.doesNotMatch(text, /from ['"]node:|require\(/, f);
    for (const m of text.matchAll(/from '(\.\.\/[^']+)'/g))
      assert.match(m[0], /^from '\.\.\/schema\/types'$/, `${f}: ${m[1]}`);
  }
});
