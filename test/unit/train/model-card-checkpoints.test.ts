// Every model folder a run saves gets its model card: each checkpoint as it is written (with the
// evaluation the run had by then), the final model, and the last checkpoint of a stopped run, which
// says it was stopped at step N of M. Each card's front matter parses and its metrics equal the
// evaluation events the run sent; a README.md that bertnb did not write is never replaced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runInProcess, tinyRunConfig, tinyRunFiles } from '../runs/runFixture';
import { CARD_MARKER, hasUsersReadme } from '../../../src/engine/train/modelCard';
import { writeRunCard } from '../../../src/engine/train/runCard';
import type { RunEvalEvent, WorkerToHost } from '../../../src/protocol';
import { validateRunConfig, type RunConfig } from '../../../src/schema';

const root = mkdtempSync(join(tmpdir(), 'bertnb-cards-'));

interface IndexEntry {
  results: Array<{ dataset: { split: string }; metrics: Array<{ type: string; name: string; value: number }> }>;
}

function card(dir: string): { text: string; meta: Record<string, unknown> } {
  const file = join(dir, 'README.md');
  assert.ok(existsSync(file), `${dir} has a README.md model card`);
  const text = readFileSync(file, 'utf8');
  const m = /^---\n([\s\S]*?)\n---\n/.exec(text);
  assert.ok(m, `the card starts with YAML front matter:\n${text.slice(0, 200)}`);
  assert.ok(text.includes(CARD_MARKER));
  return { text, meta: parse(m[1]) as Record<string, unknown> };
}

/** The card's validation metrics by Hub name (Accuracy, Loss, …). */
function validationMetrics(meta: Record<string, unknown>): Record<string, number> {
  const index = meta['model-index'] as IndexEntry[];
  const v = index[0].results.find((r) => r.dataset.split === 'validation');
  assert.ok(v, 'the validation evaluation is in the model-index');
  return Object.fromEntries(v.metrics.map((x) => [x.name, x.value]));
}

function evalsOf(messages: WorkerToHost[]): RunEvalEvent[] {
  return messages.flatMap((m) => (m.type === 'run' && m.event.kind === 'eval' ? [m.event] : []));
}

/** The card's metrics are the evaluation event's own numbers. */
function assertSameMetrics(meta: Record<string, unknown>, e: RunEvalEvent, where: string): void {
  const shown = validationMetrics(meta);
  assert.equal(shown.Accuracy, e.metrics.eval_accuracy, `${where}: accuracy`);
  assert.equal(shown.Loss, e.metrics.eval_loss, `${where}: loss`);
  assert.equal(shown.MCC, e.metrics.eval_mcc, `${where}: mcc`);
}

async function config(outputDir: string): Promise<RunConfig> {
  const files = await tinyRunFiles(root);
  const base = tinyRunConfig(files, {});
  const v = validateRunConfig({
    ...base,
    data: { train: files.trainCsv, max_length: 16, split: { validation: 0.25 } },
    training: {
      ...base.training,
      output_dir: outputDir,
      max_steps: 8,
      eval_strategy: 'steps',
      eval_steps: 2,
      save_steps: 2,
      load_best_model_at_end: true,
      metric_for_best_model: 'accuracy',
    },
  });
  assert.ok(v.ok, JSON.stringify(v.errors));
  return v.config!;
}

test(
  'each checkpoint, the best one and the final model get a card whose metrics are their evaluation',
  { timeout: 300_000 },
  async () => {
    const out = join(root, 'finished');
    const messages: WorkerToHost[] = [];
    const r = await runInProcess(await config(out), messages);
    assert.equal(r.result.status, 'completed');
    const evals = evalsOf(messages);
    assert.deepEqual(
      evals.map((e) => e.step),
      [2, 4, 6, 8],
    );
    for (const step of [2, 4, 6, 8]) {
      const dir = join(out, `checkpoint-${step}`);
      const { text, meta } = card(dir);
      assert.match(text, new RegExp(`\\*\\*Checkpoint:\\*\\* saved at step ${step} of 8`));
      assert.match(text, new RegExp(`for ${step} of 8 planned steps`));
      assertSameMetrics(
        meta,
        evals.find((e) => e.step === step)!,
        `checkpoint-${step}`,
      );
      assert.doesNotMatch(text, /Evaluated at step/, 'evaluated at its own step');
    }
    assert.ok(r.result.bestModelCheckpoint, 'a best checkpoint was chosen');
    card(r.result.bestModelCheckpoint);
    // The final model's card is the finished run's: no progress note, the final evaluation's metrics.
    const final = card(out);
    assert.doesNotMatch(final.text, /\*\*Checkpoint:\*\*|\*\*Stopped:\*\*/);
    assert.equal(validationMetrics(final.meta).Accuracy, r.result.metrics!.accuracy);
  },
);

test(
  'a stopped run: its last checkpoint says stopped at step N of M, with the last evaluation it had',
  { timeout: 300_000 },
  async () => {
    const out = join(root, 'stopped');
    const stop = new AbortController();
    // Stop after step 5: the evaluation at step 4 is the last one the run had.
    const messages: WorkerToHost[] = [];
    const collect = Object.assign(messages, {
      push(...m: WorkerToHost[]): number {
        for (const x of m) if (x.type === 'run' && x.event.kind === 'progress' && x.event.step >= 5) stop.abort();
        return Array.prototype.push.apply(messages, m);
      },
    });
    const r = await runInProcess(await config(out), collect, stop.signal);
    assert.equal(r.result.status, 'stopped');
    const step = r.result.globalStep;
    assert.ok(step >= 5 && step < 8, `stopped before the end (step ${step})`);
    const last = r.result.lastCheckpoint!;
    assert.equal(last, join(out, `checkpoint-${step}`));
    const { text, meta } = card(last);
    assert.match(
      text,
      new RegExp(`\\*\\*Stopped:\\*\\* training was stopped at step ${step} of 8 \\(\\d+% of the planned training\\)`),
    );
    assert.match(text, new RegExp(`for ${step} of 8 planned steps`));
    const lastEval = evalsOf(messages).at(-1)!;
    assertSameMetrics(meta, lastEval, 'the stopped checkpoint');
    if (lastEval.step !== step)
      assert.match(text, new RegExp(`Evaluated at step ${lastEval.step}, the last evaluation`));
    assert.match(text, /best checkpoint so far by `accuracy`/);
    // No final model was saved, so output_dir itself has no card.
    assert.equal(existsSync(join(out, 'README.md')), false);
    assert.equal(existsSync(join(out, 'config.json')), false);
  },
);

test("a stopped run's card is never written over a README.md bertnb did not write", async () => {
  const files = await tinyRunFiles(root);
  const dir = join(root, 'users-checkpoint');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'README.md'), '# notes of mine\n');
  const r = await writeRunCard({
    config: tinyRunConfig(files, { output_dir: root }),
    outputDir: root,
    dir,
    globalStep: 3,
    progress: { state: 'stopped', step: 3, maxSteps: 10 },
    lastEval: { step: 2, metrics: { accuracy: 0.5, loss: 0.7 } },
  });
  assert.match(r.notice ?? '', /was not written by bertnb/);
  assert.equal(readFileSync(join(dir, 'README.md'), 'utf8'), '# notes of mine\n');
});

test("a README.md is the person's unless it is a card bertnb wrote (what an export of a model leaves alone)", () => {
  const none = join(root, 'readme-none'),
    ours = join(root, 'readme-ours'),
    theirs = join(root, 'readme-theirs');
  for (const d of [none, ours, theirs]) mkdirSync(d, { recursive: true });
  writeFileSync(join(ours, 'README.md'), `---\nlibrary_name: transformers\n---\n${CARD_MARKER}\n# run\n`);
  writeFileSync(join(theirs, 'README.md'), '# my project\n');
  assert.equal(hasUsersReadme(none), false);
  assert.equal(hasUsersReadme(ours), false);
  assert.equal(hasUsersReadme(theirs), true);
});
