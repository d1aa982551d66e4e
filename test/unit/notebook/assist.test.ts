import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completionsAt, hoverAt } from '../../../src/engine/notebook/assist';

test('first line completes step names', () => {
  const s = completionsAt('%tr', 0, 3);
  assert.ok(s.some((x) => x.label === '%train'));
  assert.ok(s.every((x) => x.kind === 'step'));
});

test('keys of the step are completed with their schema descriptions, without keys already present', () => {
  const text = '%train\nlearning_rate: 5e-5\nnum';
  const s = completionsAt(text, 2, 3);
  const epochs = s.find((x) => x.label === 'num_train_epochs');
  assert.ok(epochs);
  assert.match(epochs.documentation, /Passes over the training data/);
  assert.equal(epochs.insert, 'num_train_epochs: ');
  assert.ok(!s.some((x) => x.label === 'learning_rate'));
  assert.ok(!s.some((x) => x.label === 'name'), 'no %model keys in %train');
});

test('values of enums and booleans are completed after the colon', () => {
  const s = completionsAt('%train\nlr_scheduler_type: ', 1, 19);
  assert.deepEqual(
    s.map((x) => x.label),
    ['linear', 'cosine', 'constant', 'constant_with_warmup'],
  );
  assert.deepEqual(
    completionsAt('%train\nresume_from_checkpoint: ', 1, 24).map((x) => x.label),
    ['true', 'false'],
  );
  assert.ok(completionsAt('%model\nname: ', 1, 6).some((x) => x.label === 'bert-tiny'));
});

test('nested keys (data split) complete from the nested table', () => {
  const s = completionsAt('%data\ntrain: a.csv\nsplit:\n  ', 3, 2);
  assert.deepEqual(s.map((x) => x.label).sort(), ['seed', 'validation']);
});

test('hover shows the schema description on keys and step docs on the step line', () => {
  const h = hoverAt('%train\nweight_decay: 0.01', 1, 3);
  assert.ok(h);
  assert.match(h.markdown, /weight_decay/);
  assert.match(h.markdown, /Decoupled weight decay/);
  assert.equal(h.start, 0);
  assert.equal(h.end, 12);
  assert.match(hoverAt('%tokenize\ntext: hi', 0, 2)!.markdown, /WordPiece/);
  assert.equal(hoverAt('%train\nnot_a_key: 1', 1, 2), undefined);
});
