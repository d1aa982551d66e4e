// Issue 7's round trip: a checkpoint folder laid out exactly as Hugging Face Trainer writes it, made
// from our own model, loads as a model, gives what a resume needs, and is a run with its curve.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import {
  builtinConfig,
  createModel,
  initBackend,
  loadPretrained,
  savePretrained,
  withLabels,
} from '../../../src/engine/model';
import { BertTokenizer, bundledVocabPath } from '../../../src/engine/tokenizer';
import { hfResumeState, isHfTrainerCheckpoint, listRuns } from '../../../src/engine/runs';

const fixture = join(__dirname, '../../fixtures/export/hf-checkpoint-40-trainer_state.json');

test('an HF Trainer checkpoint of our model loads, resumes from its state, and lists as a run', async () => {
  await initBackend('cpu');
  const out = join(mkdtempSync(join(tmpdir(), 'bertnb-hfck-')), 'results');
  const ck = join(out, 'checkpoint-40');
  mkdirSync(ck, { recursive: true });
  const config = withLabels(
    builtinConfig('bert-tiny', { vocab_size: 30522, problem_type: 'single_label_classification' }),
    2,
    { '0': 'neg', '1': 'pos' },
  );
  const model = createModel('sequence-classification', config, { seed: 1 });
  await savePretrained(model, await BertTokenizer.load(bundledVocabPath()), ck);
  copyFileSync(fixture, join(ck, 'trainer_state.json'));
  // The PyTorch-only files Trainer writes next to them (contents irrelevant to bertnb).
  for (const f of ['optimizer.pt', 'scheduler.pt', 'rng_state.pth', 'training_args.bin'])
    writeFileSync(join(ck, f), 'pickle');

  const loaded = await loadPretrained(ck, { task: 'sequence-classification' });
  assert.equal(loaded.config.num_labels, 2);
  assert.deepEqual(loaded.config.id2label, { '0': 'neg', '1': 'pos' });
  const a = model.variables.find((v) => v.name.endsWith('classifier.weight'))!.variable.dataSync();
  const b = loaded.model.variables.find((v) => v.name.endsWith('classifier.weight'))!.variable.dataSync();
  assert.deepEqual(Array.from(b), Array.from(a));

  assert.equal(isHfTrainerCheckpoint(ck), true);
  const rs = await hfResumeState(ck);
  assert.equal(rs.globalStep, 40);
  assert.equal(rs.bestMetric, 0.8125);
  assert.equal(rs.earlyStoppingCounter, 0);
  assert.equal(rs.trainBatchSize, 16);
  assert.equal(rs.logHistory.length, 6);

  const [run] = await listRuns([out]);
  assert.equal(run.kind, 'hf-trainer');
  assert.deepEqual(
    run.points.map((p) => p.loss),
    [0.6931, 0.6012, 0.48, 0.41],
  );
  assert.deepEqual(run.checkpoints, [{ step: 40, path: ck }]);
});
