// Warnings in words: each fires on a run crafted to show its problem, and none fires on a healthy run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runWarnings, type HistoryEntry } from '../../../src/engine/train/warnings';
import { classificationReport } from '../../../src/engine/train/report';

/** Train points every 10 steps: warmup to lr 5e-4 over 10 steps, then linear decay; loss from `loss(step)`. */
function trainLog(steps: number, loss: (step: number) => number): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  for (let s = 10; s <= steps; s += 10)
    out.push({ step: s, epoch: s / 50, loss: loss(s), learning_rate: s <= 10 ? 5e-4 : 5e-4 * (1 - (s - 10) / steps) });
  return out;
}

const evalAt = (step: number, eval_loss: number): HistoryEntry => ({ step, eval_loss, eval_accuracy: 0.9 });

/** Shaped like the demo run: loss 0.69 → 0.15 over 100 steps, two evaluations, a good diagonal confusion. */
const HEALTHY = {
  history: [
    ...trainLog(100, (s) => 0.69 * Math.exp(-s / 65) + 0.05 * Math.sin(s)),
    evalAt(50, 0.161),
    evalAt(100, 0.17),
  ],
  report: classificationReport(
    [
      [96, 4],
      [4, 96],
    ],
    ['neg', 'pos'],
  ),
  labelCounts: { train: { neg: 800, pos: 800 }, validation: { neg: 100, pos: 100 } },
};

test('a healthy run gets no warning', () => {
  assert.deepEqual(runWarnings(HEALTHY), []);
});

test('one class predicted for everything: named, with the accuracy it scores', () => {
  const w = runWarnings({
    ...HEALTHY,
    report: classificationReport(
      [
        [0, 101],
        [0, 99],
      ],
      ['neg', 'pos'],
    ),
  });
  assert.deepEqual(
    w.map((x) => x.code),
    ['one-class'],
  );
  assert.match(w[0].message, /predicts 'pos' for every one of the 200 examples: its accuracy 0\.495/);
});

test('one class predicted is not a warning when the truth has one class too', () => {
  assert.deepEqual(
    runWarnings({
      report: classificationReport(
        [
          [0, 0],
          [0, 50],
        ],
        ['neg', 'pos'],
      ),
    }),
    [],
  );
});

test('validation loss rising while training loss falls: the steps and the best checkpoint are named', () => {
  const history = [
    ...trainLog(200, (s) => 0.7 * Math.exp(-s / 40)),
    evalAt(50, 0.3),
    evalAt(100, 0.25),
    evalAt(150, 0.31),
    evalAt(200, 0.42),
  ];
  const w = runWarnings({ history });
  assert.deepEqual(
    w.map((x) => x.code),
    ['overfitting'],
  );
  assert.match(w[0].message, /Validation loss rose from 0\.250 to 0\.420 \(steps 100–200\)/);
  assert.match(w[0].message, /best validation loss was 0\.250 at step 100/);
});

test('validation loss rising together with training loss is not called overfitting', () => {
  const history = [
    ...trainLog(200, (s) => 0.3 + s / 1000),
    evalAt(50, 0.3),
    evalAt(100, 0.25),
    evalAt(150, 0.31),
    evalAt(200, 0.42),
  ];
  assert.ok(!runWarnings({ history }).some((w) => w.code === 'overfitting'));
});

test('loss not falling after warmup fires, with the warmup step found from the learning rate', () => {
  const history = trainLog(100, (s) => 0.693 + 0.004 * Math.cos(s));
  const w = runWarnings({ history });
  assert.deepEqual(
    w.map((x) => x.code),
    ['loss-flat'],
  );
  assert.match(w[0].message, /after warmup \(step 10\)/);
  // The same curve with warmup declared to last 90 steps has too few points after it to judge.
  assert.deepEqual(runWarnings({ history, warmupSteps: 90 }), []);
});

test('a label only in validation is named with its count', () => {
  const w = runWarnings({
    labelCounts: { train: { neg: 10, pos: 12, maybe: 0 }, validation: { neg: 3, pos: 2, maybe: 4 } },
  });
  assert.deepEqual(
    w.map((x) => x.code),
    ['label-only-in-validation'],
  );
  assert.match(w[0].message, /'maybe' \(4 examples\)/);
});
