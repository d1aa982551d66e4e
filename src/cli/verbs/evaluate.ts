// `bertnb evaluate --model DIR --data FILE`: metrics JSON of a saved classifier on a labelled file.
import { parseArgs } from 'node:util';
import { CliError } from '../errors';
import { evaluateFile } from '../../engine/train/inference';
import { DataError } from '../../engine/data';
import { formatReport } from '../../engine/train/report';

const HELP = `usage: bertnb evaluate --model DIR --data FILE [--text-column text] [--text-pair-column COL]
                       [--label-column label] [--max-length 128] [--batch-size 64] [--backend auto] [--errors 20]
Prints the metrics (loss, accuracy, F1, precision, recall, MCC, confusion matrix), the classification
report, warnings and the --errors most confident mistakes as JSON on stdout; the report and the
warnings in words on stderr.`;

export async function run(argv: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        model: { type: 'string' },
        data: { type: 'string' },
        'text-column': { type: 'string' },
        'text-pair-column': { type: 'string' },
        'label-column': { type: 'string' },
        'max-length': { type: 'string' },
        'batch-size': { type: 'string' },
        backend: { type: 'string' },
        errors: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (e) {
    throw new CliError(`evaluate: ${(e as Error).message}`);
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (!values.model || !values.data) throw new CliError(`evaluate: --model and --data are required\n${HELP}`);
  const int = (name: string, v: string | undefined, def: number) => {
    if (v === undefined) return def;
    const n = Number(v);
    if (!Number.isInteger(n) || n < (name === 'errors' ? 0 : 1))
      throw new CliError(`evaluate: --${name} must be a positive integer, got '${v}'`);
    return n;
  };
  try {
    const metrics = await evaluateFile(values.model, values.data, {
      text_column: values['text-column'],
      text_pair_column: values['text-pair-column'],
      label_column: values['label-column'],
      maxLength: int('max-length', values['max-length'], 128),
      batchSize: int('batch-size', values['batch-size'], 64),
      backend: values.backend ?? 'auto',
      errorLimit: int('errors', values.errors, 20),
    });
    console.log(JSON.stringify(metrics, null, 2));
    console.error(formatReport(metrics.report));
    for (const w of metrics.warnings) console.error(`warning: ${w.message}`);
    return 0;
  } catch (e) {
    if (e instanceof DataError) throw new CliError(e.message);
    const msg = (e as Error).message ?? String(e);
    if (/config\.json|safetensors|not found|no such file/i.test(msg)) throw new CliError(`evaluate: ${msg}`);
    throw e;
  }
}
