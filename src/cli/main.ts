// `bertnb <verb> [options]`: each verb is a thin module over the engine, loaded on demand so that
// `bertnb tokenize` never pays for loading TensorFlow.js.
import { CliError, failureText } from './errors';

type Verb = { summary: string; load: () => Promise<{ run(argv: string[]): Promise<number | void> }> };

const verbs: Record<string, Verb> = {
  train: {
    summary: 'Train (fine-tune or pretrain) as a YAML/JSON run config says',
    load: () => import('./verbs/train'),
  },
  evaluate: { summary: 'Metrics of a saved model on a labelled file (JSON)', load: () => import('./verbs/evaluate') },
  tokenize: { summary: 'WordPiece-tokenize lines from stdin to JSONL', load: () => import('./verbs/tokenize') },
  predict: {
    summary: 'Classify lines from stdin with a model folder or hub id (JSONL)',
    load: () => import('./verbs/predict'),
  },
  run: {
    summary: "Run a .bertnb notebook's cells in order and save their outputs (like papermill)",
    load: () => import('./verbs/run'),
  },
  init: { summary: 'Write a randomly initialised Hugging Face model folder', load: () => import('./verbs/init') },
  'export-trainer': {
    summary: 'Write the same run as a Hugging Face Trainer folder (accelerate/torchrun/SLURM)',
    load: () => import('./verbs/export-trainer'),
  },
};

function usage(): string {
  const lines = Object.entries(verbs).map(([name, v]) => `  ${name.padEnd(16)}${v.summary}`);
  return `usage: bertnb <verb> [options]\n\nverbs:\n${lines.join('\n')}\n\nRun 'bertnb <verb> --help' for a verb's options.`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 2;
  }
  if (name === '--version') {
    console.log(process.env.BERTNB_VERSION ?? '0.1.0');
    return 0;
  }
  const verb = verbs[name];
  if (!verb) {
    console.error(`bertnb: unknown verb '${name}'. Known verbs: ${Object.keys(verbs).join(', ')}`);
    return 2;
  }
  const mod = await verb.load();
  return (await mod.run(rest)) ?? 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // Expected failures (bad arguments, bad files) are one line on stderr in plain words; bugs keep their stack.
    console.error(failureText(err));
    process.exitCode = err instanceof CliError ? err.exitCode : 1;
  },
);
