// `bertnb tokenize`: UTF-8 lines on stdin -> one JSON object per line on stdout.
import { isMainThread } from 'node:worker_threads';
import { CliError } from '../errors';
import { parseVerbFlags } from '../args';
import {
  BertTokenizer,
  bundledVocabPath,
  InvalidUtf8Error,
  LineError,
  serveTokenizeWorker,
  tokenizeStream,
  tokenizeStreamParallel,
  VocabError,
  type EncodeOptions,
} from '../../engine/tokenizer';

const HELP = `usage: bertnb tokenize [--vocab FILE|DIR] [--max-length N] [--truncation S] [--pad] [--pair] [--cased]

Reads UTF-8 lines from stdin and writes one JSON object per line to stdout with
input_ids, token_type_ids, attention_mask, tokens and offsets (UTF-16 [start, end)
into the line; [0, 0] for [CLS], [SEP] and [PAD]).

  --vocab PATH       vocab.txt, tokenizer.json or a model folder (default: bundled bert-base-uncased)
  --max-length N     truncate to N tokens, special tokens included
  --truncation S     longest_first (default with --max-length), only_first, only_second or none
  --pad              pad every line to --max-length with [PAD] (attention_mask 0)
  --pair             each line is two texts separated by a TAB: [CLS] A [SEP] B [SEP]
  --cased            keep case and accents (default: what the vocabulary's files say, else uncased)
  --uncased          lowercase and strip accents
  --threads N        tokenize on N worker threads (default 1); same output, same order.
                     Each worker loads its own copy of the code and vocabulary: worth it only
                     for large inputs on otherwise idle cores

An empty line gives [CLS] [SEP]. Invalid UTF-8 stops with an error naming the line (exit 2):
nothing is guessed or replaced.`;

export async function run(argv: string[]): Promise<number> {
  // The same script, started as a worker thread by tokenizeStreamParallel (see WorkerEntry).
  if (!isMainThread && argv[0] === '--worker') {
    serveTokenizeWorker();
    return 0;
  }
  const values = parseVerbFlags(
    'tokenize',
    argv,
    {
      vocab: { type: 'string' },
      'max-length': { type: 'string' },
      truncation: { type: 'string' },
      pad: { type: 'boolean' },
      pair: { type: 'boolean' },
      cased: { type: 'boolean' },
      uncased: { type: 'boolean' },
      threads: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    HELP,
  );
  if (!values) return 0;
  if (values.cased && values.uncased) throw new CliError('tokenize: --cased and --uncased exclude each other');

  const opts: EncodeOptions = {};
  if (values['max-length'] !== undefined) {
    const m = values['max-length'];
    if (!/^\d+$/.test(m)) throw new CliError(`tokenize: --max-length must be a positive integer, got '${m}'`);
    opts.maxLength = Number(m);
    const min = values.pair ? 3 : 2;
    if (opts.maxLength < min)
      throw new CliError(`tokenize: --max-length must be at least ${min} (room for the special tokens)`);
  }
  const truncation = values.truncation;
  if (truncation !== undefined) {
    if (!['longest_first', 'only_first', 'only_second', 'none'].includes(truncation)) {
      throw new CliError(
        `tokenize: --truncation must be longest_first, only_first, only_second or none, got '${truncation}'`,
      );
    }
    if (truncation !== 'none' && opts.maxLength === undefined)
      throw new CliError('tokenize: --truncation needs --max-length');
    if (truncation === 'only_second' && !values.pair)
      throw new CliError('tokenize: --truncation only_second needs --pair');
    opts.truncation = truncation === 'none' ? false : (truncation as EncodeOptions['truncation']);
  }
  if (values.pad && opts.maxLength === undefined) throw new CliError('tokenize: --pad needs --max-length');
  const padTo = values.pad ? opts.maxLength! : 0;

  let tokenizer: BertTokenizer;
  try {
    const doLowerCase = values.cased ? false : values.uncased ? true : undefined;
    tokenizer = await BertTokenizer.load(values.vocab ?? bundledVocabPath(), { doLowerCase });
  } catch (e) {
    if (e instanceof VocabError) throw new CliError(`tokenize: ${e.message}`);
    throw e;
  }

  let threads = 1;
  if (values.threads !== undefined) {
    if (!/^[1-9]\d*$/.test(values.threads))
      throw new CliError(`tokenize: --threads must be a positive integer, got '${values.threads}'`);
    threads = Number(values.threads);
  }

  const streamOpts = { ...opts, pair: values.pair, padTo };
  try {
    if (threads > 1) {
      await tokenizeStreamParallel(
        tokenizer,
        process.stdin,
        process.stdout,
        streamOpts,
        { script: process.argv[1], argv: ['tokenize', '--worker'] },
        threads,
      );
    } else await tokenizeStream(tokenizer, process.stdin, process.stdout, streamOpts);
  } catch (e) {
    if (e instanceof InvalidUtf8Error || e instanceof LineError) throw new CliError(`tokenize: stdin ${e.message}`);
    throw e;
  }
  return 0;
}
