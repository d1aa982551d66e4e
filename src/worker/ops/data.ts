// `data` op (notebook %data cell): read the files the way training will, tokenize with the current
// tokenizer and summarise each split with a token-length histogram.
import { isAbsolute, resolve } from 'node:path';
import {
  prepareData,
  formatOf,
  summarizeSplit,
  rowFullLength,
  type DataOptions,
  type ExampleSet,
} from '../../engine/data';
import type { DataOutput, SplitSummary } from '../../protocol/notebook-outputs';
import { currentTokenizer, type OpHandler } from './context';

/** Histogram of token lengths with about `bins` integer-width bins covering max(maxLength, longest). */
export function lengthHistogram(
  lengths: number[],
  maxLength: number,
  bins = 24,
): { edges: number[]; counts: number[] } {
  const top = lengths.reduce((a, b) => Math.max(a, b), Math.max(maxLength, 1));
  const width = Math.max(1, Math.ceil(top / bins));
  const n = Math.ceil((top + 1) / width);
  const counts = new Array<number>(n).fill(0);
  for (const l of lengths) counts[Math.min(n - 1, Math.floor(l / width))]++;
  return { edges: Array.from({ length: n + 1 }, (_, i) => i * width), counts };
}

function summary(
  name: string,
  file: string,
  enc: ExampleSet,
  maxLength: number,
  labels: Parameters<typeof summarizeSplit>[2],
): SplitSummary {
  const s = summarizeSplit(enc, maxLength, labels);
  const lengths = Array.from({ length: enc.length }, (_, i) => rowFullLength(enc, i));
  return {
    name,
    file,
    rows: s.rows,
    labelCounts: s.labelCounts ?? {},
    lengths: {
      min: lengths.length ? lengths.reduce((a, b) => Math.min(a, b)) : 0,
      mean: s.tokens.mean,
      p50: s.tokens.p50,
      p90: s.tokens.p90,
      p99: s.tokens.p99,
      max: s.tokens.max,
    },
    histogram: lengthHistogram(lengths, maxLength),
    truncated: s.truncated,
  };
}

export const dataOp: OpHandler<'data'> = async (a, { state }) => {
  const cwd = a.cwd ?? process.cwd();
  const path = (p: string | null | undefined) => (p ? (isAbsolute(p) ? p : resolve(cwd, p)) : undefined);
  if (!a.train) throw new Error('%data needs train: the training file');
  const maxLength = a.max_length ?? 128;
  const opts: DataOptions = {
    train: path(a.train),
    validation: path(a.validation),
    test: path(a.test),
    text_column: a.text_column ?? 'text',
    text_pair_column: a.text_pair_column ?? undefined,
    label_column: a.label_column ?? 'label',
    validation_split: a.validation ? 0 : (a.split?.validation ?? 0.1),
    seed: a.split?.seed ?? 42,
    problem_type: a.problem_type ?? undefined,
    labels: a.label_list ?? undefined,
    format: a.format && a.format !== 'auto' ? (a.format as DataOptions['format']) : undefined,
    clean_text: a.clean_text ?? true,
    skip_bad_rows: a.skip_bad_rows ?? false,
  };
  // Raw text (a .txt corpus, or format: text) has no labels: it is pretraining data whatever %model says.
  const pretraining = state.model?.task === 'pretraining' || (opts.format ?? formatOf(opts.train!)) === 'text';
  const tok = await currentTokenizer(state);
  const data = await prepareData(opts, tok, maxLength, !pretraining);
  const splits: SplitSummary[] = [summary('train', a.train, data.train, maxLength, data.labels)];
  if (data.validation)
    splits.push(
      summary(
        'validation',
        a.validation ?? `${Math.round((opts.validation_split ?? 0) * 100)}% of ${a.train}`,
        data.validation,
        maxLength,
        data.labels,
      ),
    );
  if (data.test && a.test) splits.push(summary('test', a.test, data.test, maxLength, data.labels));
  const out: DataOutput = {
    maxLength,
    labels: data.labels
      ? Object.keys(data.labels.id2label)
          .sort((x, y) => Number(x) - Number(y))
          .map((k) => data.labels!.id2label[k])
      : [],
    problemType: pretraining ? 'pretraining' : data.problemType,
    splits,
    ...(data.skippedBad.count ? { skippedBadRows: data.skippedBad } : {}),
  };
  return out;
};
