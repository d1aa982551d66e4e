// Every saved model folder gets a README.md model card (Hugging Face's format) whose front matter
// parses and whose metrics equal the evaluation's; a README.md of the user's is never replaced, and
// what the user wrote into the card's "fill in" part survives the next run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runInProcess, tinyRunConfig, tinyRunFiles } from '../runs/runFixture';
import { CARD_MARKER, copyModelCard } from '../../../src/engine/train/modelCard';
import type { WorkerToHost } from '../../../src/protocol';
import { validateRunConfig } from '../../../src/schema';

const root = mkdtempSync(join(tmpdir(), 'bertnb-card-'));

function frontMatter(text: string): Record<string, unknown> {
  const m = /^---\n([\s\S]*?)\n---\n/.exec(text);
  assert.ok(m, `README.md starts with YAML front matter:\n${text.slice(0, 200)}`);
  return parse(m[1]) as Record<string, unknown>;
}

test(
  "a training run writes a model card whose metadata parses and whose metrics are the final evaluation's",
  { timeout: 300_000 },
  async () => {
    const files = await tinyRunFiles(root);
    const out = join(root, 'run');
    const v = validateRunConfig({
      ...tinyRunConfig(files, {}),
      data: { train: files.trainCsv, max_length: 16, split: { validation: 0.25 } },
      training: {
        ...tinyRunConfig(files, {}).training,
        output_dir: out,
        eval_strategy: 'steps',
        eval_steps: 2,
        run_name: 'tiny sentiment',
      },
    });
    assert.ok(v.ok, JSON.stringify(v.errors));
    const config = v.config!;
    const r = await runInProcess(config);
    assert.equal(r.result.status, 'completed');
    const text = readFileSync(join(out, 'README.md'), 'utf8');
    const meta = frontMatter(text);
    assert.equal(meta.library_name, 'transformers');
    assert.ok((meta.tags as string[]).includes('text-classification'));
    assert.ok((meta.metrics as string[]).includes('accuracy'));
    const index = meta['model-index'] as Array<{
      name: string;
      results: Array<{ dataset: { split: string }; metrics: Array<{ type: string; name: string; value: number }> }>;
    }>;
    assert.equal(index[0].name, 'tiny sentiment');
    const validation = index[0].results.find((x) => x.dataset.split === 'validation');
    assert.ok(validation, 'the validation evaluation is in the model-index');
    const final = r.result.metrics!;
    const byName = Object.fromEntries(validation.metrics.map((m) => [m.name, m.value]));
    assert.equal(byName.Accuracy, final.accuracy);
    assert.equal(byName['F1 (macro)'], final.f1_macro);
    assert.equal(byName.MCC, final.mcc);
    assert.equal(byName.Loss, final.loss);
    // The body: data, hyperparameters, the report and the part left to fill.
    assert.ok(text.includes(CARD_MARKER));
    assert.match(text, /## Training and evaluation data[\s\S]*\| train \| 36 \|/);
    assert.match(text, /- learning_rate: 0\.001/);
    assert.match(text, /precision\s+recall\s+f1-score\s+support/);
    assert.match(text, /## Intended uses & limitations/);

    // The user fills in the intended use; the next run keeps it and rewrites the rest.
    writeFileSync(
      join(out, 'README.md'),
      text.replace(
        'More information needed: what this model is for, what it must not be used for, and where it is known to fail.',
        'Only for the demo reviews. Fails on sarcasm.',
      ),
    );
    await runInProcess({ ...config, training: { ...config.training, max_steps: 6 } });
    const again = readFileSync(join(out, 'README.md'), 'utf8');
    assert.match(again, /Only for the demo reviews\. Fails on sarcasm\./);
    assert.doesNotMatch(again, /More information needed/);
    assert.match(again, /for 6 steps/);
  },
);

test(
  'a README.md bertnb did not write is left as it was, and the run says why there is no card',
  { timeout: 300_000 },
  async () => {
    const files = await tinyRunFiles(root);
    const out = join(root, 'users-readme');
    mkdirSync(out);
    writeFileSync(join(out, 'README.md'), '# my project\n');
    const messages: WorkerToHost[] = [];
    const r = await runInProcess(tinyRunConfig(files, { output_dir: out, overwrite_output_dir: true }), messages);
    assert.equal(r.result.status, 'completed');
    assert.equal(readFileSync(join(out, 'README.md'), 'utf8'), '# my project\n');
    assert.ok(
      messages.some(
        (m) =>
          m.type === 'log' && /README\.md was not written by bertnb/.test((m as { message?: string }).message ?? ''),
      ),
    );
  },
);

test("an export of a trained folder takes its card along, never over a README.md of the user's", () => {
  const from = join(root, 'card-from'),
    to = join(root, 'card-to'),
    users = join(root, 'card-users');
  for (const d of [from, to, users]) mkdirSync(d, { recursive: true });
  writeFileSync(join(from, 'README.md'), `---\nlibrary_name: transformers\n---\n${CARD_MARKER}\n# run\n`);
  writeFileSync(join(users, 'README.md'), '# mine\n');
  assert.equal(copyModelCard(from, to), true);
  assert.equal(readFileSync(join(to, 'README.md'), 'utf8'), readFileSync(join(from, 'README.md'), 'utf8'));
  assert.equal(copyModelCard(from, users), false);
  assert.equal(readFileSync(join(users, 'README.md'), 'utf8'), '# mine\n');
});

test('a run whose model answers one class says so in its log, in words', { timeout: 300_000 }, async () => {
  const files = await tinyRunFiles(root);
  const base = tinyRunConfig(files, {});
  const v = validateRunConfig({
    ...base,
    data: { train: files.trainCsv, max_length: 16, split: { validation: 0.25 } },
    training: {
      ...base.training,
      output_dir: join(root, 'one-class'),
      eval_strategy: 'steps',
      eval_steps: 2,
      max_steps: 2,
    },
  });
  assert.ok(v.ok, JSON.stringify(v.errors));
  const messages: WorkerToHost[] = [];
  const r = await runInProcess(v.config!, messages);
  const cm = r.result.metrics!.confusion_matrix as number[][];
  const oneColumn = cm[0].filter((_, j) => cm.some((row) => row[j] > 0)).length === 1;
  const said = messages.some(
    (m) =>
      m.type === 'log' &&
      /^warning: The model predicts '.+' for every one of the 12 examples/.test(
        (m as { message?: string }).message ?? '',
      ),
  );
  assert.equal(
    said,
    oneColumn,
    `the warning is logged exactly when every prediction is one class (confusion ${JSON.stringify(cm)})`,
  );
});
