// Loading labelled (or unlabelled) examples from files, with the checks that must fail before
// training starts: missing/empty files, unknown columns, bad rows, unseen or malformed labels.
// loadData keeps the texts (inference, the Python parity tests); training streams through
// prepareData (prepare.ts) instead, which keeps only token ids.
import { DataError } from './dataError';
import type { FileFormat } from './readers';
import { BadRows } from './badRows';
import { checkColumns, readRows, type ReadStats, type RowOptions } from './rows';
import { LabelCodes, resolveLabels, type Label } from './labelCodes';
import type { LabelMap, ProblemType } from './labels';
import { Rng, mixSeed } from '../train/rng';

export interface DataOptions extends RowOptions {
  train?: string;
  validation?: string;
  test?: string;
  /** Fraction of train held out as validation when no validation file is given (seeded). */
  validation_split?: number;
  seed?: number;
  problem_type?: ProblemType;
  /** Fixed label names (e.g. from a model's config) instead of those found in train. */
  labels?: string[];
  /** File format; default from the extension. */
  format?: FileFormat;
  /** data.clean_text (default true). */
  clean_text?: boolean;
  /** data.skip_bad_rows: skip (and count) bad rows instead of stopping at the first. */
  skip_bad_rows?: boolean;
}

export interface Example {
  text: string;
  text_pair?: string;
  /** class id | multi-hot | regression target | undefined (unlabelled) */
  label?: number | number[];
  source: string; // file:line
}

export interface LoadedData extends ReadStats {
  train: Example[];
  validation?: Example[];
  test?: Example[];
  problemType: ProblemType;
  labels?: LabelMap;
  /** Bad rows skipped (data.skip_bad_rows): how many, and the first few file:line. */
  skippedBad: { count: number; first: string[] };
}

/** Which of n training rows are held out for validation: the seeded choice every version of bertnb (and bertnb_data.py) makes. */
export function validationRows(n: number, split: number, seed: number): Uint8Array {
  if (!(split > 0 && split < 1)) throw new DataError(`data.validation_split must be in (0, 1), got ${split}`);
  const idx = new Rng(mixSeed(seed, 0x5711)).shuffle(Array.from({ length: n }, (_, i) => i));
  const nVal = Math.max(1, Math.round(n * split));
  const held = new Uint8Array(n);
  for (let k = 0; k < nVal; k++) held[idx[k]] = 1;
  if (nVal >= n) throw new DataError(`data.validation_split ${split} leaves no training rows`);
  return held;
}

/** Reads train/validation/test per the options; labels are derived from train only. */
export async function loadData(opts: DataOptions, needLabels = true): Promise<LoadedData> {
  if (!opts.train) throw new DataError('data.train: no training file given');
  checkColumns(opts);
  const stats: ReadStats = { capped: 0, skippedEmpty: 0 };
  const bad = new BadRows(opts.skip_bad_rows);
  const ctx = { stats, bad };
  const codes = new LabelCodes();
  // Regression targets need no label set: parsed as they come.
  const targets = opts.problem_type === 'regression' ? resolveLabels(codes, opts) : undefined;
  const rawTrain: Array<Example & { code?: number }> = [];
  for await (const r of readRows(opts.train, 'data.train', opts, needLabels, ctx)) {
    const ex: Example & { code?: number } = { text: r.text, text_pair: r.text_pair, source: r.source };
    if (r.rawLabel !== undefined) {
      if (targets) ex.label = targets.of(r.rawLabel, r.source, 'training');
      else ex.code = codes.code(r.rawLabel, r.source);
    }
    rawTrain.push(ex);
  }
  const resolved = resolveLabels(codes, opts);
  const train: Example[] = rawTrain.map(({ code, ...ex }) =>
    code === undefined ? ex : { ...ex, label: resolved.ofCode(code) },
  );

  const readOther = async (file: string, role: string, labelled: boolean): Promise<Example[]> => {
    const out: Example[] = [];
    for await (const r of readRows(file, `data.${role}`, opts, labelled, ctx)) {
      const label: Label | undefined = r.rawLabel === undefined ? undefined : resolved.of(r.rawLabel, r.source, role);
      out.push({ text: r.text, text_pair: r.text_pair, label, source: r.source });
    }
    return out;
  };
  let validation = opts.validation ? await readOther(opts.validation, 'validation', needLabels) : undefined;
  const test = opts.test ? await readOther(opts.test, 'test', false) : undefined;
  let trainRows = train;
  if (!validation && (opts.validation_split ?? 0) > 0) {
    const held = validationRows(train.length, opts.validation_split!, opts.seed ?? 42);
    validation = train.filter((_, i) => held[i]);
    trainRows = train.filter((_, i) => !held[i]);
  }
  return {
    train: trainRows,
    validation,
    test,
    problemType: resolved.problemType,
    labels: resolved.labels,
    ...stats,
    skippedBad: { count: bad.count, first: bad.first },
  };
}
