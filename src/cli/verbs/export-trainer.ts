// `bertnb export-trainer CONFIG_OR_NOTEBOOK --out DIR`: the same run as a Hugging Face Trainer folder.
import { readFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CliError } from '../errors';
import { parseRunConfigText, lineColumnOf } from '../../schema';
import { configLanguageOf } from '../../schema/load';
import { exportTrainer } from '../../engine/export';
import { runConfigFromNotebook, NotebookRunError } from '../../engine/export/notebook';

const USAGE = `usage: bertnb export-trainer CONFIG_OR_NOTEBOOK --out DIR [options]

Writes a folder that runs the same training on Hugging Face Trainer (PyTorch) with accelerate,
torchrun or SLURM: train.py, bertnb_data.py, requirements.txt, accelerate_config.yaml, slurm.sbatch, README.md.

  CONFIG_OR_NOTEBOOK     a run configuration (.yaml/.yml/.json) or a .bertnb notebook (its %model, %data, %train cells)
  --out DIR              folder to write (created if needed)
  --processes N          processes (GPUs) per machine (default 1)
  --machines N           machines (default 1)
  --mixed-precision M    fp16 | bf16 | no (default no)
  --copy-data            copy the data files into DIR/data (a folder you can move to another machine)
  --pretrained-weights   built-in sizes start from Google's pretrained compact BERT instead of random weights

Options the Trainer run cannot honour exactly are printed on stderr and listed in DIR/README.md.`;

function positiveInt(v: string | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`export-trainer: ${name} must be a positive integer, got '${v}'`);
  return n;
}

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' },
        processes: { type: 'string' },
        machines: { type: 'string' },
        'mixed-precision': { type: 'string' },
        'copy-data': { type: 'boolean' },
        'pretrained-weights': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new CliError(`export-trainer: ${(e as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new CliError(`export-trainer: give one configuration or notebook file\n${USAGE}`);
  if (!values.out) throw new CliError('export-trainer: --out DIR is required');
  const mp = values['mixed-precision'] ?? 'no';
  if (mp !== 'no' && mp !== 'fp16' && mp !== 'bf16') throw new CliError(`export-trainer: --mixed-precision must be fp16, bf16 or no, got '${mp}'`);

  const file = resolve(positionals[0]);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new CliError(`export-trainer: cannot read ${positionals[0]}`);
  }
  let config;
  let modelOverrides: Record<string, number> = {};
  if (extname(file).toLowerCase() === '.bertnb') {
    try {
      const nb = runConfigFromNotebook(text);
      config = nb.config;
      modelOverrides = nb.modelOverrides;
    } catch (e) {
      if (e instanceof NotebookRunError || (e as Error).name === 'NotebookFormatError') throw new CliError(`${positionals[0]}: ${(e as Error).message}`);
      throw e;
    }
  } else {
    // Values exactly as written (paths unresolved): output_dir stays relative to where train.py is launched.
    const r = parseRunConfigText(text, configLanguageOf(file));
    if (!r.ok || !r.config) {
      const lines = r.errors.map((i) => {
        const { line, column } = lineColumnOf(text, i.range[0]);
        return `${positionals[0]}:${line}:${column}: ${i.path ? `${i.path}: ` : ''}${i.message}`;
      });
      throw new CliError(lines.join('\n'));
    }
    config = r.config;
  }
  let result;
  try {
    result = await exportTrainer(config, values.out, {
      processesPerMachine: positiveInt(values.processes, '--processes', 1),
      machines: positiveInt(values.machines, '--machines', 1),
      mixedPrecision: mp,
      baseDir: dirname(file),
      copyData: values['copy-data'] ?? false,
      pretrainedWeights: values['pretrained-weights'] ?? false,
      modelOverrides,
      source: positionals[0],
    });
  } catch (e) {
    if (e instanceof CliError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT' || err.code === 'EACCES' || /^(data|model|tokenizer)/.test(err.message)) throw new CliError(`export-trainer: ${err.message}`);
    throw e;
  }
  for (const w of result.warnings) console.error(`bertnb: warning: ${w}`);
  console.log(`wrote ${result.files.length} files to ${result.outDir}: ${result.files.filter((f) => !f.includes('/')).join(', ')}`);
  return 0;
}
