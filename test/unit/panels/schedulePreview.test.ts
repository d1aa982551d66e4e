import { test } from 'node:test';
import assert from 'node:assert/strict';
import { schedulePoints, totalSteps } from '../../../src/extension/panels/schedulePreview';

test('total steps follow HF: ceil(rows / (batch × accumulation)) × epochs, or max_steps', () => {
  assert.equal(totalSteps({ per_device_train_batch_size: 16, num_train_epochs: 3 }, 1000), 3 * 63);
  assert.equal(
    totalSteps({ per_device_train_batch_size: 16, gradient_accumulation_steps: 2, num_train_epochs: 1 }, 1000),
    32,
  );
  assert.equal(totalSteps({ max_steps: 50, num_train_epochs: 3 }, 1000), 50);
  assert.equal(totalSteps({}, 80), 30); // HF defaults: batch 8, 3 epochs
});

test('linear with warmup rises to the peak at the warmup step and decays to zero at the end', () => {
  const r = schedulePoints({ learning_rate: 1e-3, warmup_ratio: 0.1, max_steps: 100 }, 0, false);
  assert.equal(r.total, 100);
  assert.equal(r.warmup, 10);
  const at = (s: number) => r.points.find(([x]) => x === s)?.[1];
  assert.equal(at(0), 0);
  assert.ok(Math.abs(at(10)! - 1e-3) < 1e-12);
  assert.equal(at(100), 0);
  assert.match(r.note!, /max_steps/);
});

test('unknown scheduler names fall back to linear; cosine is cosine', () => {
  assert.equal(schedulePoints({ lr_scheduler_type: 'bogus', max_steps: 10 }, 0, false).scheduler, 'linear');
  const c = schedulePoints({ lr_scheduler_type: 'cosine', learning_rate: 1, max_steps: 100 }, 0, false);
  const mid = c.points.find(([x]) => x === 50)![1];
  assert.ok(Math.abs(mid - 0.5) < 1e-9);
  assert.match(schedulePoints({}, 1000, false).note!, /assuming 1000 training rows/);
});
