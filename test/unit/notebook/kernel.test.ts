// The notebook kernel with the real worker ops run in-process (no child): tokenize chips, data
// summary, composition of %train's run config from earlier cells, and the errors a person sees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotebookKernel } from '../../../src/engine/notebook/execute';
import { CellConfigError } from '../../../src/engine/notebook/cells';
import { KernelOpError } from '../../../src/engine/notebook/kernel';
import { InProcessKernelBackend } from '../../../src/cli/inProcessKernel';
import { NOTEBOOK_MIME, type DataOutput, type TokensOutput } from '../../../src/protocol/notebook-outputs';

const dir = mkdtempSync(join(tmpdir(), 'bertnb-kernel-'));
const rows = [
  'text,label',
  ...Array.from(
    { length: 20 },
    (_, i) =>
      `"${i % 2 ? 'great product, works well' : 'broke on day one, awful'} ${i}",${i % 2 ? 'positive' : 'negative'}`,
  ),
];
writeFileSync(join(dir, 'train.csv'), rows.join('\n') + '\n');
writeFileSync(join(dir, 'dev.csv'), rows.slice(0, 7).join('\n') + '\n');

const payload = <T>(items: Array<{ mime: string; data: unknown }>, mime: string) =>
  items.find((i) => i.mime === mime)!.data as T;

test('%tokenize shows special tokens, ## pieces, [UNK], token types and the truncation point', async () => {
  const k = new NotebookKernel(new InProcessKernelBackend(), { cwd: dir });
  const r = await k.run(
    '%tokenize\ntext:\n  - "Hello, BERT! Let\'s fine-tune you."\n  - ["Is it good?", "unbelievably ⚗"]\n  - "one two three four five six seven"\nmax_length: 8',
  );
  const t = payload<TokensOutput>(r.items, NOTEBOOK_MIME.tokens);
  assert.equal(t.items.length, 3);
  const first = t.items[0];
  assert.deepEqual(
    first.tokens.slice(0, 4).map((c) => c.id),
    [101, 7592, 1010, 14324],
  );
  assert.ok(first.tokens[0].special && first.tokens.at(-1)!.special);
  assert.ok(first.truncated);
  assert.equal(first.fullLength, 14);
  assert.equal(first.tokens.length, 8);
  const pair = t.items[1];
  assert.ok(pair.tokens.some((c) => c.type === 1));
  assert.ok(pair.tokens.some((c) => c.piece && c.token.startsWith('##')));
  const untruncated = await k.run('%tokenize\ntext: "unbelievably ⚗"');
  const chips = payload<TokensOutput>(untruncated.items, NOTEBOOK_MIME.tokens).items[0].tokens;
  assert.ok(
    chips.some((c) => c.unk && c.token === '[UNK]'),
    JSON.stringify(chips),
  );
  assert.match(String(payload(r.items, 'text/plain')), /\[CLS\]\(101\)/);
});

test('invalid cells and missing earlier cells give clear errors', async () => {
  const k = new NotebookKernel(new InProcessKernelBackend(), { cwd: dir });
  await assert.rejects(
    k.run('%train\nlearning_rate: -1'),
    (e: unknown) => e instanceof CellConfigError && /learning_rate: -1 must be > 0/.test(e.message),
  );
  await assert.rejects(
    k.run('%train\nnum_train_epochs: 1'),
    (e: unknown) => e instanceof KernelOpError && /run a %model cell first/.test(e.message),
  );
  await assert.rejects(k.run('%predict\ntext: hi'), /needs a trained model/);
});

test('%model + %data: summary with histogram, and %train composes a run config from them', async () => {
  const k = new NotebookKernel(new InProcessKernelBackend(), { cwd: dir });
  const m = await k.run('%model\nname: bert-tiny\nlabels: [negative, positive]\nbackend: cpu');
  assert.match(String(payload(m.items, 'text/plain')), /parameters: 4\.3\dM/);
  const d = await k.run('%data\ntrain: train.csv\nvalidation: dev.csv\nmax_length: 8');
  const data = payload<DataOutput>(d.items, NOTEBOOK_MIME.data);
  assert.deepEqual(data.labels, ['negative', 'positive']);
  const train = data.splits[0];
  assert.equal(train.rows, 20);
  assert.equal(
    train.histogram.counts.reduce((a, b) => a + b, 0),
    20,
  );
  assert.equal(train.labelCounts.positive, 10);
  assert.ok(train.truncated > 0, 'texts longer than max_length 8 are counted');
  const cfg = k.runConfig('train', { output_dir: 'out', num_train_epochs: 1 }) as Record<
    string,
    Record<string, unknown>
  >;
  assert.equal(cfg.task as unknown, 'sequence-classification');
  assert.equal(cfg.model as unknown, 'bert-tiny');
  assert.equal(cfg.training.output_dir, join(dir, 'out'));
  assert.equal(cfg.training.backend, 'cpu');
  assert.equal(cfg.data.train, join(dir, 'train.csv'));
  assert.deepEqual(cfg.data.label_list, ['negative', 'positive']);
});
