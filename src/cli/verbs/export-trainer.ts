// `bertnb export-trainer CONFIG_OR_NOTEBOOK --out DIR`: the same run as a Hugging Face Trainer folder.
import { CliError } from '../errors';
import { parseVerbFlagsAndFile } from '../args';
import { exportTrainerFromFile, ExportInputError } from '../../engine/export/fromFile';

const USAGE = `usage: bertnb export-trainer CONFIG_OR_NOTEBOOK --out DIR [options]

Writes a folder that runs the same training on Hugging Face Trainer (PyTorch) with accelerate,
torchrun or SLURM: train.py, bertnb_data.py, requirements.txt, accelerate_config.yaml, slurm.sbatch,
run_config.yaml, README.md (and tokenizer/, data/).

  CONFIG_OR_NOTEBOOK     a run configuration (.yaml/.yml/.json) or a .bertnb notebook (its %model, %data, %train cells)
  --out DIR              folder to write (created if needed); must be empty, new, or an earlier export
  --overwrite            write into a non-empty folder anyway, replacing only the files listed above
  --processes N          processes (GPUs) per machine (default 1)
  --machines N           machines (default 1)
  --mixed-precision M    fp16 | bf16 | no (default no)
  --copy-data            copy the data files into DIR/data (a folder you can move to another machine)
  --pretrained-weights   built-in sizes start from Google's pretrained compact BERT instead of random weights

Options the Trainer run cannot honour exactly are printed on stderr and listed in DIR/README.md.`;

function positiveInt(v: string | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new CliError(`export-trainer: ${name} must be a positive integer, got '${v}'`);
  return n;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseVerbFlagsAndFile(
    'export-trainer',
    argv,
    {
      out: { type: 'string', short: 'o' },
      processes: { type: 'string' },
      machines: { type: 'string' },
      'mixed-precision': { type: 'string' },
      'copy-data': { type: 'boolean' },
      'pretrained-weights': { type: 'boolean' },
      overwrite: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    USAGE,
    'configuration or notebook file',
  );
  if (!parsed) return 0;
  const { values, file } = parsed;
  if (!values.out) throw new CliError('export-trainer: --out DIR is required');
  const mp = values['mixed-precision'] ?? 'no';
  if (mp !== 'no' && mp !== 'fp16' && mp !== 'bf16')
    throw new CliError(`export-trainer: --mixed-precision must be fp16, bf16 or no, got '${mp}'`);

  let result;
  try {
    result = await exportTrainerFromFile(file, values.out, {
      processesPerMachine: positiveInt(values.processes, '--processes', 1),
      machines: positiveInt(values.machines, '--machines', 1),
      mixedPrecision: mp,
      copyData: values['copy-data'] ?? false,
      pretrainedWeights: values['pretrained-weights'] ?? false,
      ownership: { overwrite: values.overwrite ?? false, use: 'export-trainer --out', wayOut: 'pass --overwrite' },
    });
  } catch (e) {
    if (e instanceof ExportInputError) throw new CliError(e.message);
    throw e;
  }
  for (const w of result.warnings) console.error(`bertnb: warning: ${w}`);
  console.log(
    `wrote ${result.files.length} files to ${result.outDir}: ${result.files.filter((f) => !f.includes('/')).join(', ')}`,
  );
  return 0;
}
