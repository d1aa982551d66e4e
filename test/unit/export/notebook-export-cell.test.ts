// `%export format: trainer` in a notebook: the kernel (real worker ops, in-process) writes the same
// Trainer folder `bertnb export-trainer NOTEBOOK` would, from the cells as they are in the editor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { NotebookKernel } from '../../../src/engine/notebook/execute';
import { InProcessKernelBackend } from '../../../src/cli/inProcessKernel';
import { parseCell } from '../../../src/engine/notebook/cells';
import { NOTEBOOK_MIME, type ExportOutput } from '../../../src/protocol/notebook-outputs';

const dir = mkdtempSync(join(tmpdir(), 'bertnb-export-cell-'));
writeFileSync(
  join(dir, 'train.csv'),
  'text,label\nnice phone,pos\nawful phone,neg\ngreat screen,pos\nbad battery,neg\n',
);
const code = (source: string) => ({ kind: 'code' as const, source });
const cells = [
  { kind: 'markdown' as const, source: '# run' },
  code('%model\nname: bert-mini\nlabels: [neg, pos]'),
  code('%data\ntrain: train.csv\nmax_length: 64'),
  code('%train\nlearning_rate: 3e-5\nnum_train_epochs: 4\nweight_decay: 0.01'),
];

test("%export format: trainer writes train.py + accelerate for the notebook's run, without training first", async () => {
  const k = new NotebookKernel(new InProcessKernelBackend(), { cwd: dir });
  const src = '%export\nformat: trainer\noutput_dir: hf-run\nprocesses_per_machine: 4\nmixed_precision: bf16';
  const r = await k.run(src, { notebookCells: [...cells, code(src)] });
  const out = r.items.find((i) => i.mime === NOTEBOOK_MIME.export)!.data as ExportOutput;
  assert.equal(out.format, 'trainer');
  assert.equal(out.path, join(dir, 'hf-run'));
  for (const f of ['train.py', 'requirements.txt', 'accelerate_config.yaml', 'README.md'])
    assert.ok(
      out.files.some((x) => x.name === f && x.bytes > 0),
      f,
    );
  assert.ok(
    out.warnings!.some((w) => /bf16/.test(w)),
    'the precision difference is said, not dropped',
  );
  assert.match(
    String(r.items.find((i) => i.mime === 'text/plain')!.data),
    /Hugging Face Trainer run written to .*hf-run/,
  );
  assert.match(readFileSync(join(dir, 'hf-run', 'accelerate_config.yaml'), 'utf8'), /num_processes: 4/);

  // Python's own parser reads the TrainingArguments(...) call.
  const read =
    'import ast,json,sys\nt=ast.parse(open(sys.argv[1]).read())\nc=[n for n in ast.walk(t) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "TrainingArguments"][0]\nprint(json.dumps({k.arg: ast.literal_eval(k.value) for k in c.keywords if isinstance(k.value, ast.Constant)}))';
  const py = spawnSync('python3', ['-c', read, join(dir, 'hf-run', 'train.py')], { encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  const args = JSON.parse(py.stdout);
  assert.equal(args.learning_rate, 3e-5);
  assert.equal(args.num_train_epochs, 4);
  assert.equal(args.weight_decay, 0.01);
});

test('%export format: trainer explains what is missing; the cell language knows the new keys', async () => {
  const k = new NotebookKernel(new InProcessKernelBackend(), { cwd: dir });
  const src = '%export\nformat: trainer\noutput_dir: x';
  await assert.rejects(
    k.run(src, { notebookCells: [code('%model\nname: bert-tiny'), code(src)] }),
    /no %train or %pretrain cell/,
  );
  assert.ok(parseCell('%export\nformat: trainer\noutput_dir: x\nmachines: 2\ncopy_data: true').ok);
  const bad = parseCell('%export\nformat: onnx\noutput_dir: x');
  assert.ok(
    !bad.ok && bad.diagnostics.some((d) => /format/.test(d.message) && /hf|trainer/.test(d.message)),
    JSON.stringify(bad.diagnostics),
  );
});
