// A WebAssembly out-of-memory failure that still happens mid-training is reported as memory, with
// what to change, not as `memory access out of bounds` / `Aborted()`. Its own file: after the
// failure this process's WASM backend is unusable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createModel } from '../../../src/engine/model';
import { train, type TrainableModel } from '../../../src/engine/train/trainer';
import { explainMemoryFailure } from '../../../src/engine/train/memoryErrors';
import { useWasm, tinyConfig, sentimentExamples, loopArgs, PAD } from './helpers';

test('a WASM allocation failure inside the training loop comes out as "out of memory" and what to change', async () => {
  await useWasm();
  const model = createModel('sequence-classification', tinyConfig(), { seed: 1 }) as unknown as TrainableModel;
  const out = mkdtempSync(join(tmpdir(), 'bertnb-abort-'));
  let raw = '';
  await assert.rejects(
    train({
      kind: 'classification',
      model,
      train: sentimentExamples(32, 1),
      padId: PAD,
      problemType: 'single_label_classification',
      numLabels: 2,
      args: loopArgs({ output_dir: out, max_steps: 3, per_device_train_batch_size: 8 }),
      saveModel: async () => {},
      loadModel: async () => model,
      hooks: {
        // A real WASM failure, as a too-big step causes: a 4.4 GB tensor in the 4 GiB heap.
        onEvent: (e) => {
          if (e.kind !== 'progress') return;
          try {
            tf.tile(tf.ones([10000]), [110000]);
          } catch (e) {
            raw = String(e);
            throw e;
          }
        },
      },
    }),
    (e: Error) => {
      assert.match(
        raw,
        /memory access out of bounds|Aborted|allocation failed/,
        'the failure really came from WebAssembly',
      );
      assert.match(e.message, /^out of memory: /);
      assert.match(e.message, /4 GiB/);
      assert.match(e.message, /per_device_train_batch_size/);
      assert.match(e.message, /gradient_accumulation_steps/);
      assert.match(e.message, /gradient_checkpointing: true/);
      return true;
    },
  );
});

test('other errors pass through unchanged; an explained one is not explained twice', () => {
  const plain = new Error('no training examples');
  assert.equal(explainMemoryFailure(plain), plain);
  const once = explainMemoryFailure(new Error('Aborted(). Build with -sASSERTIONS for more info.')) as Error;
  assert.match(once.message, /^out of memory: .*\(Error: Aborted\(\)\. Build with -sASSERTIONS for more info\.\)$/);
  assert.equal(explainMemoryFailure(once), once);
  assert.match(
    (explainMemoryFailure(new RangeError('Array buffer allocation failed')) as Error).message,
    /^out of memory: /,
  );
});
