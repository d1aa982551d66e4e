// `bertnb run NOTEBOOK.bertnb [--out FILE]`: executes the notebook's code cells in order with the same
// kernel as the editor and writes their outputs into the notebook (like papermill). Stops at the
// first failing cell, which keeps its error as output. Ctrl-C stops a training cleanly (checkpoint).
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError } from '../errors';
import { parseVerbFlagsAndFile } from '../args';
import { NotebookFormatError, parseNotebook, serializeNotebook, type OutputItem } from '../../engine/notebook/format';
import { NotebookKernel } from '../../engine/notebook/execute';
import { cellErrorWords } from '../../engine/notebook/errorWords';
import { ProcessKernelBackend } from '../../engine/notebook/processBackend';
import type { KernelBackend } from '../../engine/notebook/kernel';
import { TrainingProcess } from '../../worker/client';

const HELP = `usage: bertnb run NOTEBOOK.bertnb [--out FILE] [--in-process]

Runs every code cell of the notebook in order and writes the outputs into it (or into --out).
  --out FILE      write the executed notebook here instead of over NOTEBOOK
  --in-process    run the kernel in this process instead of a training child process`;

function errorItem(err: unknown): OutputItem {
  const words = cellErrorWords(err); // the editor's wording: no internal class names
  return {
    mime: 'application/vnd.code.notebook.error',
    data: JSON.stringify({ name: words.heading, message: words.message, stack: '' }),
  };
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseVerbFlagsAndFile(
    'run',
    argv,
    { out: { type: 'string' }, 'in-process': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    HELP,
    'NOTEBOOK file',
  );
  if (!parsed) return 0;
  const { values } = parsed;
  const file = resolve(parsed.file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`run: cannot read ${file}: ${(e as Error).message}`);
  }
  let nb;
  try {
    nb = parseNotebook(text);
  } catch (e) {
    if (e instanceof NotebookFormatError) throw new CliError(`run: ${file}: ${e.message}`);
    throw e;
  }
  const out = values.out ? resolve(values.out) : file;
  let backend: KernelBackend;
  if (values['in-process']) {
    const { InProcessKernelBackend } = await import('../inProcessKernel');
    backend = new InProcessKernelBackend();
  } else {
    backend = new ProcessKernelBackend(() => new TrainingProcess(), { stdio: 'inherit' });
  }
  const kernel = new NotebookKernel(backend, { cwd: dirname(file), liveRate: 1 });
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      console.error('bertnb run: stopping the running cell (a checkpoint is saved); Ctrl-C again to abort');
      backend.interrupt();
    } else process.exit(130);
  };
  process.on('SIGINT', onSigint);
  const save = () => {
    // Write next to the target and rename, so an interrupted write never leaves half a notebook.
    const tmp = `${out}.tmp-${process.pid}`;
    writeFileSync(tmp, serializeNotebook(nb));
    renameSync(tmp, out);
  };
  let order = 0;
  let failed = false;
  try {
    for (const [i, cell] of nb.cells.entries()) {
      if (cell.kind !== 'code' || cell.source.trim() === '') continue;
      const step = /^\s*(%[\w-]+)/.exec(cell.source)?.[1] ?? '?';
      const t0 = Date.now();
      process.stderr.write(`[${i + 1}/${nb.cells.length}] ${step} ...\n`);
      try {
        const r = await kernel.run(cell.source, {
          notebookCells: nb.cells,
          onLog: (m) => process.stderr.write(`    ${m}\n`),
          onLiveOutput: (items) => {
            const text = items.find((it) => it.mime === 'text/plain')?.data;
            if (typeof text === 'string') process.stderr.write(`    ${text.split('\n')[0]}\n`);
          },
        });
        cell.outputs = [{ items: r.items }];
        cell.execution = { order: ++order, success: true };
        const plain = r.items.find((it) => it.mime === 'text/plain')?.data;
        process.stderr.write(
          `    ${String(plain ?? '')
            .split('\n')
            .join('\n    ')}\n    (${((Date.now() - t0) / 1000).toFixed(1)}s)\n`,
        );
        save();
        if (!r.completed) {
          process.stderr.write('bertnb run: stopped; the remaining cells were not run\n');
          failed = true;
          break;
        }
      } catch (err) {
        const partial = (err as { partialOutput?: OutputItem[] }).partialOutput;
        cell.outputs = [{ items: [errorItem(err)] }, ...(partial ? [{ items: partial }] : [])];
        cell.execution = { order: ++order, success: false };
        save();
        process.stderr.write(`bertnb run: cell ${i + 1} (${step}) failed: ${cellErrorWords(err).message}\n`);
        failed = true;
        break;
      }
    }
  } finally {
    process.off('SIGINT', onSigint);
    await backend.dispose();
  }
  process.stderr.write(`bertnb run: wrote ${out}\n`);
  return failed ? 1 : 0;
}
