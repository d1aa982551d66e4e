// `bertnb init`: writes a randomly initialised Hugging Face model folder (HF's init, seeded).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { CliError } from '../errors';
import { parseVerbFlags } from '../args';
import { initBackend, BACKEND_PREFERENCES } from '../../engine/backend';
import { savePretrained } from '../../engine/checkpoint/pretrained';
import {
  BUILTIN_NAMES,
  builtinConfig,
  isBuiltinName,
  parseBertConfig,
  withLabels,
  type BertConfig,
} from '../../engine/model/config';
import { ARCHITECTURE, createModel, normalizeTask } from '../../engine/model/models';
import { BertTokenizer, bundledVocabPath } from '../../engine/tokenizer';

const HELP = `usage: bertnb init --config NAME_OR_JSON --out DIR [--num-labels N] [--labels a,b,c] [--task T] [--vocab PATH] [--seed N]

Writes a Hugging Face model folder (config.json, model.safetensors, vocab.txt, tokenizer files)
with random weights initialised as Hugging Face does (normal(0, initializer_range), seeded).

  --config C       ${BUILTIN_NAMES.join(', ')}, a config.json file, or inline JSON ('{"hidden_size": 64, ...}')
  --num-labels N   classifier outputs (default 2)
  --labels a,b,c   label names (sets id2label/label2id and the number of labels)
  --task T         sequence-classification (default), masked-lm, next-sentence-prediction, pretraining, feature-extraction
  --vocab PATH     vocab.txt / tokenizer.json / model folder (default: bundled bert-base-uncased);
                   with a built-in config, vocab_size follows the vocabulary
  --seed N         initialisation seed (default 42)
  --out DIR        output folder (must be empty or absent)
  --backend B      auto (default), tensorflow-gpu, webgpu, tensorflow, wasm or cpu`;

function readConfigArg(arg: string): { config: BertConfig; builtin: boolean } {
  if (isBuiltinName(arg)) return { config: builtinConfig(arg), builtin: true };
  const text = arg.trim().startsWith('{') ? arg : existsSync(arg) ? readFileSync(arg, 'utf8') : undefined;
  if (text === undefined)
    throw new CliError(`init: --config '${arg}' is not a built-in name (${BUILTIN_NAMES.join(', ')}), a file or JSON`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CliError(`init: --config is not valid JSON (${(e as Error).message})`);
  }
  try {
    return { config: parseBertConfig(json, arg.trim().startsWith('{') ? '--config' : arg), builtin: false };
  } catch (e) {
    throw new CliError(`init: ${(e as Error).message}`);
  }
}

export async function run(argv: string[]): Promise<number> {
  const values = parseVerbFlags(
    'init',
    argv,
    {
      config: { type: 'string' },
      'num-labels': { type: 'string' },
      labels: { type: 'string' },
      task: { type: 'string' },
      vocab: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      backend: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    HELP,
  );
  if (!values) return 0;
  if (!values.config) throw new CliError('init: --config is required');
  if (!values.out) throw new CliError('init: --out is required');
  if (existsSync(values.out) && readdirSync(values.out).length > 0)
    throw new CliError(`init: --out ${values.out} exists and is not empty`);
  let task;
  try {
    task = normalizeTask(values.task ?? 'sequence-classification');
  } catch (e) {
    throw new CliError(`init: ${(e as Error).message}`);
  }
  const seed = values.seed === undefined ? 42 : Number(values.seed);
  if (!Number.isInteger(seed)) throw new CliError(`init: --seed must be an integer, got '${values.seed}'`);

  let { config, builtin } = readConfigArg(values.config);
  let tokenizer: BertTokenizer;
  try {
    tokenizer = await BertTokenizer.load(values.vocab ?? bundledVocabPath());
  } catch (e) {
    throw new CliError(`init: ${(e as Error).message}`);
  }
  if (builtin && tokenizer.vocabSize !== config.vocab_size)
    config = parseBertConfig({ ...config, vocab_size: tokenizer.vocabSize }, 'config');
  if (tokenizer.vocabSize !== config.vocab_size)
    throw new CliError(
      `init: the vocabulary has ${tokenizer.vocabSize} tokens but the config says vocab_size ${config.vocab_size}`,
    );

  try {
    if (values.labels) {
      const names = values.labels
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (names.length < 1) throw new Error('--labels needs at least one name');
      if (new Set(names).size !== names.length) throw new Error('--labels has duplicate names');
      if (values['num-labels'] !== undefined && Number(values['num-labels']) !== names.length)
        throw new Error('--num-labels disagrees with --labels');
      config = withLabels(config, names.length, Object.fromEntries(names.map((n, i) => [String(i), n])));
    } else if (values['num-labels'] !== undefined) {
      const n = values['num-labels'];
      if (!/^\d+$/.test(n) || Number(n) < 1) throw new Error(`--num-labels must be a positive integer, got '${n}'`);
      config = withLabels(config, Number(n));
    }
  } catch (e) {
    throw new CliError(`init: ${(e as Error).message}`);
  }

  const backendPref = values.backend ?? 'auto';
  if (!BACKEND_PREFERENCES.includes(backendPref as never))
    throw new CliError(`init: --backend must be one of ${BACKEND_PREFERENCES.join(', ')}`);
  await initBackend(backendPref);
  const model = createModel(task, config, { seed });
  try {
    await savePretrained(model, tokenizer, values.out);
  } finally {
    model.dispose();
  }
  const params = (model.numParameters / 1e6).toFixed(2);
  process.stderr.write(
    `bertnb: wrote ${values.out} (${ARCHITECTURE[task]}, L${config.num_hidden_layers} H${config.hidden_size} A${config.num_attention_heads}, ${params}M parameters, ${config.num_labels} labels)\n`,
  );
  return 0;
}
