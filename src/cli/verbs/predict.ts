// `bertnb predict`: texts (or TAB-separated pairs) on stdin → one JSON line per text with the
// predicted label, its score, every label's probability and optionally the raw logits.
import * as tf from '@tensorflow/tfjs-core';
import { CliError } from '../errors';
import { parseVerbFlags } from '../args';
import { initBackend, BACKEND_PREFERENCES } from '../../engine/backend';
import { loadPretrained, type LoadResult } from '../../engine/checkpoint/pretrained';
import type { BertForSequenceClassification } from '../../engine/model/models';
import type { BertConfig } from '../../engine/model/config';
import { lineBatches, InvalidUtf8Error, type BertTokenizer } from '../../engine/tokenizer';
import { predictFile } from '../../engine/train/predictFile';
import { DataError } from '../../engine/data';

const HELP = `usage: bertnb predict --model DIR_OR_ID [--logits] [--max-length N] [--pair] [--batch-size N] [--backend B]
       bertnb predict --model DIR --input FILE --output FILE.csv [--text-column text] [--text-pair-column COL]

Reads UTF-8 lines from stdin and writes one JSON object per line to stdout:
  {"label": "...", "score": p, "probs": [p0, p1, ...]}   (+ "logits": [...] with --logits)
probs follow the label ids of the model's config.json (id2label); multi-label models give
independent sigmoid probabilities and "labels" (every label with p >= 0.5); regression models
give "score" = the predicted value.

  --model M        a Hugging Face model folder, a hub id (downloaded into the HF cache) or a
                   built-in name (bert-tiny, bert-mini, bert-small, bert-medium, bert-base: random weights)
  --logits         also write the raw logits
  --max-length N   truncate inputs to N tokens (default: min(512, max_position_embeddings))
  --pair           each line is two texts separated by a TAB
  --batch-size N   texts per forward pass (default 32)
  --backend B      auto (default), tensorflow-gpu, webgpu, tensorflow, wasm or cpu
  --input FILE     predict every row of a CSV, TSV, JSONL or text file (one text per line) instead of stdin
  --output F.csv   with --input: write source, text, predicted_label, score and p_<label> per row as CSV;
                   an existing file is replaced only if bertnb wrote it and it is unchanged since
  --text-column C, --text-pair-column C   with --input: the columns holding the texts (default: text)`;

/** --input/--output: the whole file through the model, into a CSV. */
async function predictToCsv(values: Record<string, string | boolean | undefined>): Promise<number> {
  const s = (k: string) => values[k] as string | undefined;
  if (!s('output')) throw new CliError('predict: --input needs --output FILE.csv (where to write the predictions)');
  const maxLength = s('max-length') === undefined ? undefined : positiveInt('max-length', s('max-length'), 128);
  try {
    const r = await predictFile(s('model')!, s('input')!, s('output')!, {
      text_column: s('text-column'),
      text_pair_column: s('text-pair-column'),
      maxLength,
      batchSize: positiveInt('batch-size', s('batch-size'), 32),
      backend: s('backend') ?? 'auto',
    });
    const counts = Object.entries(r.counts)
      .map(([l, n]) => `${l}: ${n}`)
      .join(', ');
    process.stderr.write(`bertnb: ${r.rows} row(s) predicted into ${r.output} (${counts})\n`);
    return 0;
  } catch (e) {
    if (e instanceof DataError) throw new CliError(e.message);
    throw new CliError(`predict: ${(e as Error).message}`);
  }
}

function positiveInt(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v) || Number(v) < 1)
    throw new CliError(`predict: --${name} must be a positive integer, got '${v}'`);
  return Number(v);
}

export async function run(argv: string[]): Promise<number> {
  const values = parseVerbFlags(
    'predict',
    argv,
    {
      model: { type: 'string' },
      logits: { type: 'boolean' },
      'max-length': { type: 'string' },
      pair: { type: 'boolean' },
      'batch-size': { type: 'string' },
      backend: { type: 'string' },
      input: { type: 'string' },
      output: { type: 'string' },
      'text-column': { type: 'string' },
      'text-pair-column': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    HELP,
  );
  if (!values) return 0;
  if (!values.model) throw new CliError('predict: --model is required (a model folder, hub id or built-in name)');
  const backendPref = values.backend ?? 'auto';
  if (!BACKEND_PREFERENCES.includes(backendPref as never))
    throw new CliError(`predict: --backend must be one of ${BACKEND_PREFERENCES.join(', ')}`);
  if (values.input) return predictToCsv(values);
  if (values.output) throw new CliError('predict: --output needs --input FILE (stdin predictions go to stdout)');
  const batchSize = positiveInt('batch-size', values['batch-size'], 32);

  const loaded = await loadModel(values.model, backendPref);
  const model = loaded.model as BertForSequenceClassification;
  const pair = !!values.pair;
  const maxLength = checkedMaxLength(values['max-length'], pair, loaded.config);
  try {
    await predictStdin(
      (texts) => forwardLogits(model, loaded.tokenizer, texts, maxLength),
      predictionOf(loaded.config, !!values.logits),
      pair,
      batchSize,
    );
  } catch (e) {
    if (e instanceof InvalidUtf8Error) throw new CliError(`predict: stdin ${e.message}`);
    throw e;
  } finally {
    model.dispose();
  }
  return 0;
}

type Texts = Array<string | [string, string]>;

/** Starts the backend, then loads the model, reporting both (and any downloads) on stderr. */
async function loadModel(source: string, backendPref: string): Promise<LoadResult> {
  let backend;
  try {
    backend = await initBackend(backendPref);
  } catch (e) {
    throw new CliError(`predict: ${(e as Error).message}`);
  }
  process.stderr.write(`bertnb: backend ${backend.name} (${backend.reason})\n`);

  let loaded;
  try {
    loaded = await loadPretrained(source, {
      task: 'sequence-classification',
      onProgress: (p) => {
        if (p.state === 'done') process.stderr.write(`bertnb: downloaded ${p.file} (${p.total ?? p.loaded} bytes)\n`);
      },
    });
  } catch (e) {
    throw new CliError(`predict: ${(e as Error).message}`);
  }
  for (const m of loaded.report.messages) process.stderr.write(`bertnb: ${m}\n`);
  return loaded;
}

/** --max-length, checked against what the model's position embeddings and the special tokens allow. */
function checkedMaxLength(flag: string | undefined, pair: boolean, config: BertConfig): number {
  const maxLength = positiveInt('max-length', flag, Math.min(512, config.max_position_embeddings));
  if (maxLength > config.max_position_embeddings)
    throw new CliError(
      `predict: --max-length ${maxLength} exceeds the model's max_position_embeddings ${config.max_position_embeddings}`,
    );
  if (maxLength < (pair ? 3 : 2)) throw new CliError('predict: --max-length leaves no room for the special tokens');
  return maxLength;
}

/** One batch of texts through the model: its logits, one row per text. */
async function forwardLogits(
  model: BertForSequenceClassification,
  tokenizer: BertTokenizer,
  texts: Texts,
  maxLength: number,
): Promise<number[][]> {
  const enc = tokenizer.encodeBatch(texts, { maxLength, truncation: 'longest_first', padding: 'longest' });
  const ids = (key: 'input_ids' | 'attention_mask' | 'token_type_ids') =>
    tf.tensor2d(
      enc.map((e) => e[key]),
      undefined,
      'int32',
    );
  const logitsT = tf.tidy(
    () =>
      model.forward(
        { input_ids: ids('input_ids'), attention_mask: ids('attention_mask'), token_type_ids: ids('token_type_ids') },
        { training: false },
      ).logits,
  );
  // Awaited: a GPU backend (webgpu) cannot read back synchronously.
  const logits = (await logitsT.array()) as number[][];
  logitsT.dispose();
  return logits;
}

/** A row of logits → the JSON record printed for its text. */
function predictionOf(config: BertConfig, withLogits: boolean): (row: number[]) => Record<string, unknown> {
  // The problem type decides how logits become probabilities (HF's pipeline does the same).
  const problem = config.problem_type ?? (config.num_labels === 1 ? 'regression' : 'single_label_classification');
  const labelOf = (i: number) => config.id2label[String(i)] ?? `LABEL_${i}`;
  return (row) => {
    const rec: Record<string, unknown> = {};
    if (problem === 'regression') {
      rec.label = config.num_labels === 1 ? labelOf(0) : null;
      rec.score = config.num_labels === 1 ? row[0] : row;
    } else if (problem === 'multi_label_classification') {
      const probs = row.map((z) => 1 / (1 + Math.exp(-z)));
      const best = probs.indexOf(Math.max(...probs));
      Object.assign(rec, {
        label: labelOf(best),
        score: probs[best],
        probs,
        labels: probs.flatMap((p, i) => (p >= 0.5 ? [labelOf(i)] : [])),
      });
    } else {
      const max = Math.max(...row);
      const exps = row.map((z) => Math.exp(z - max));
      const sum = exps.reduce((a, b) => a + b, 0);
      const probs = exps.map((e) => e / sum);
      const best = probs.indexOf(Math.max(...probs));
      Object.assign(rec, { label: labelOf(best), score: probs[best], probs });
    }
    if (withLogits) rec.logits = row;
    return rec;
  };
}

/** stdin's lines in batches of batchSize through the model, one JSON line per text on stdout. */
async function predictStdin(
  logitsOf: (texts: Texts) => Promise<number[][]>,
  recordOf: (row: number[]) => Record<string, unknown>,
  pair: boolean,
  batchSize: number,
): Promise<void> {
  let lineNo = 0;
  const pending: Texts = [];
  const flush = async () => {
    if (!pending.length) return;
    const logits = await logitsOf(pending);
    // One write per batch, not per line.
    process.stdout.write(logits.map((row) => JSON.stringify(recordOf(row)) + '\n').join(''));
    pending.length = 0;
  };
  for await (const lines of lineBatches(process.stdin)) {
    for (const line of lines) {
      lineNo++;
      if (pair) {
        const tab = line.indexOf('\t');
        if (tab < 0) throw new CliError(`predict: stdin line ${lineNo}: --pair expects two texts separated by a TAB`);
        pending.push([line.slice(0, tab), line.slice(tab + 1)]);
      } else pending.push(line);
      if (pending.length >= batchSize) await flush();
    }
  }
  await flush();
}
