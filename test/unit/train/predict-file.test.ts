// `bertnb predict --input FILE --output FILE.csv`: every row predicted into a CSV that Python's csv
// module reads back; the output replaces only a file bertnb wrote and nobody changed since.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModel, savePretrained, withLabels } from '../../../src/engine/model';
import { BertTokenizer } from '../../../src/engine/tokenizer';
import { predictTexts } from '../../../src/engine/train/inference';
import { WORDS, tinyConfig, useWasm } from './helpers';

const cliMain = join(__dirname, '..', '..', '..', 'src', 'cli', 'main.ts');
const cli = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', cliMain, 'predict', ...args], { encoding: 'utf8', timeout: 240_000 });

test(
  'predict --input/--output writes one CSV row per input row, and refuses to replace a file it did not write',
  { timeout: 300_000 },
  async () => {
    await useWasm();
    const root = mkdtempSync(join(tmpdir(), 'bertnb-predict-file-'));
    const modelDir = join(root, 'model');
    const model = createModel('sequence-classification', withLabels(tinyConfig(), 2, { 0: 'neg', 1: 'pos' }), {
      seed: 3,
    });
    await savePretrained(model, BertTokenizer.fromVocab(WORDS, { doLowerCase: true }), modelDir);
    model.dispose();
    const input = join(root, 'in.csv');
    const texts = ['w1 good, "quoted" w2', 'w3 bad', 'w4\nw5 good'];
    writeFileSync(input, `id,text\n${texts.map((t, i) => `${i},"${t.replace(/"/g, '""')}"`).join('\n')}\n`);
    const output = join(root, 'out.csv');

    const r = cli(['--model', modelDir, '--input', input, '--output', output, '--backend', 'wasm']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /3 row\(s\) predicted into/);
    const py = 'import csv,json,sys; print(json.dumps(list(csv.reader(open(sys.argv[1], newline="")))))';
    const rows = JSON.parse(execFileSync('python3', ['-c', py, output], { encoding: 'utf8' })) as string[][];
    assert.deepEqual(rows[0], ['source', 'text', 'predicted_label', 'score', 'p_neg', 'p_pos']);
    // The texts as the model saw them (data.clean_text turns the line break into a space), with their file:line.
    assert.deepEqual(
      rows.slice(1).map((x) => x[1]),
      [texts[0], texts[1], 'w4 w5 good'],
      'texts survive quoting and commas',
    );
    assert.deepEqual(
      rows.slice(1).map((x) => x[0].replace(/^.*[\\/]/, '')),
      ['in.csv:2', 'in.csv:3', 'in.csv:4'],
    );
    const expected = await predictTexts(modelDir, texts, { backend: 'wasm' });
    rows.slice(1).forEach((row, i) => {
      assert.equal(row[2], expected[i].label);
      assert.ok(Math.abs(Number(row[3]) - expected[i].score) < 1e-6);
      assert.ok(Math.abs(Number(row[4]) + Number(row[5]) - 1) < 1e-6);
    });

    // bertnb's own, unchanged output may be replaced.
    assert.equal(cli(['--model', modelDir, '--input', input, '--output', output, '--backend', 'wasm']).status, 0);
    // Changed by the user since: left alone.
    writeFileSync(output, readFileSync(output, 'utf8') + 'my note\r\n');
    const changed = readFileSync(output);
    const e1 = cli(['--model', modelDir, '--input', input, '--output', output, '--backend', 'wasm']);
    assert.equal(e1.status, 2);
    assert.match(e1.stderr, /changed since, so it was left as it is/);
    assert.deepEqual(readFileSync(output), changed);
    // A file bertnb never wrote: left alone.
    const mine = join(root, 'mine.csv');
    writeFileSync(mine, 'my,data\n');
    const e2 = cli(['--model', modelDir, '--input', input, '--output', mine, '--backend', 'wasm']);
    assert.equal(e2.status, 2);
    assert.match(e2.stderr, /bertnb did not write it/);
    assert.equal(readFileSync(mine, 'utf8'), 'my,data\n');
    // The input itself is never the output.
    assert.match(cli(['--model', modelDir, '--input', input, '--output', input]).stderr, /is the input file/);
  },
);
