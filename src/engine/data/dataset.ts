// Loading labelled (or unlabelled) examples from files into memory, with the checks that must fail
// before training starts: missing/empty files, unknown columns, unseen or malformed labels.
import { readRecords, checkReadable, DataError, formatOf, type FileFormat, type RawRecord } from './readers';
import { cleanText } from './clean';
import { inferProblemType, labelNames, makeLabelMap, parseRegressionTarget, type LabelMap, type ProblemType } from './labels';
import { Rng, mixSeed } from '../train/rng';

export interface DataOptions {
  train?: string;
  validation?: string;
  test?: string;
  text_column?: string;
  text_pair_column?: string;
  label_column?: string;
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
}

export interface Example {
  text: string;
  text_pair?: string;
  /** class id | multi-hot | regression target | undefined (unlabelled) */
  label?: number | number[];
  source: string; // file:line
}

export interface LoadedData {
  train: Example[];
  validation?: Example[];
  test?: Example[];
  problemType: ProblemType;
  labels?: LabelMap;
  /** Texts longer than MAX_TEXT_CHARS that were cut. */
  capped: number;
  /** Rows skipped because the text was empty. */
  skippedEmpty: number;
}

interface RawExample {
  text: string;
  text_pair?: string;
  rawLabel: unknown;
  source: string;
}

async function readFile(file: string, role: string, opts: DataOptions, needLabel: boolean, stats: { capped: number; skippedEmpty: number }): Promise<RawExample[]> {
  checkReadable(file, role);
  const textCol = opts.text_column ?? 'text';
  const pairCol = opts.text_pair_column;
  const labelCol = opts.label_column ?? 'label';
  const out: RawExample[] = [];
  let checked = false;
  let hasLabel = false;
  for await (const rec of readRecords(file, opts.format ?? formatOf(file)) as AsyncIterable<RawRecord>) {
    if (rec.fields.__blank) continue;
    if (!checked) {
      const cols = Object.keys(rec.fields);
      const missing = [textCol, ...(pairCol ? [pairCol] : []), ...(needLabel ? [labelCol] : [])].filter((c) => !cols.includes(c));
      if (missing.length)
        throw new DataError(`${file}: column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `'${c}'`).join(', ')} not found (available: ${cols.join(', ')})`);
      hasLabel = cols.includes(labelCol);
      checked = true;
    }
    const where = `${file}:${rec.line}`;
    const rawText = rec.fields[textCol];
    const c = cleanText(rawText == null ? '' : String(rawText), { clean: opts.clean_text });
    if (c.capped) stats.capped++;
    if (!c.text) {
      stats.skippedEmpty++;
      continue;
    }
    let text_pair: string | undefined;
    if (pairCol) {
      const p = cleanText(String(rec.fields[pairCol] ?? ''), { clean: opts.clean_text });
      if (p.capped) stats.capped++;
      text_pair = p.text;
    }
    const rawLabel = hasLabel ? rec.fields[labelCol] : undefined;
    if (needLabel && (rawLabel === undefined || rawLabel === null || (typeof rawLabel === 'string' && rawLabel.trim() === '')))
      throw new DataError(`${where}: empty value in label column '${labelCol}'`);
    out.push({ text: c.text, text_pair, rawLabel, source: where });
  }
  if (out.length === 0) throw new DataError(`${role}: no rows with text in ${file}`);
  return out;
}

function toExamples(raw: RawExample[], problemType: ProblemType, labels: LabelMap | undefined, role: string): Example[] {
  return raw.map((r) => {
    const ex: Example = { text: r.text, text_pair: r.text_pair, source: r.source };
    if (r.rawLabel === undefined) return ex;
    if (problemType === 'regression') ex.label = parseRegressionTarget(r.rawLabel, r.source);
    else {
      const names = labelNames(r.rawLabel, problemType === 'multi_label_classification');
      const known = labels!.label2id;
      for (const n of names)
        if (!(n in known))
          throw new DataError(`${r.source}: label '${n}' in ${role} was not seen in training (known labels: ${Object.keys(known).join(', ')})`);
      if (problemType === 'single_label_classification') ex.label = known[names[0]];
      else {
        const hot = new Array<number>(Object.keys(known).length).fill(0);
        for (const n of names) hot[known[n]] = 1;
        ex.label = hot;
      }
    }
    return ex;
  });
}

/** Reads train/validation/test per the options; labels are derived from train only. */
export async function loadData(opts: DataOptions, needLabels = true): Promise<LoadedData> {
  if (!opts.train) throw new DataError('data.train: no training file given');
  const stats = { capped: 0, skippedEmpty: 0 };
  const trainRaw = await readFile(opts.train, 'data.train', opts, needLabels, stats);
  let valRaw = opts.validation ? await readFile(opts.validation, 'data.validation', opts, needLabels, stats) : undefined;
  const testRaw = opts.test ? await readFile(opts.test, 'data.test', opts, false, stats) : undefined;

  let train = trainRaw;
  const split = opts.validation_split ?? 0;
  if (!valRaw && split > 0) {
    if (!(split < 1)) throw new DataError(`data.validation_split must be in (0, 1), got ${split}`);
    const idx = new Rng(mixSeed(opts.seed ?? 42, 0x5711)).shuffle([...train.keys()]);
    const nVal = Math.max(1, Math.round(train.length * split));
    const valSet = new Set(idx.slice(0, nVal));
    valRaw = train.filter((_, i) => valSet.has(i));
    train = train.filter((_, i) => !valSet.has(i));
    if (!train.length) throw new DataError(`data.validation_split ${split} leaves no training rows`);
  }

  const labelled = train.filter((r) => r.rawLabel !== undefined).map((r) => r.rawLabel);
  const problemType = opts.problem_type ?? (labelled.length ? inferProblemType(labelled) : 'single_label_classification');
  let labels: LabelMap | undefined;
  if (problemType !== 'regression' && (labelled.length || opts.labels)) {
    const multi = problemType === 'multi_label_classification';
    // A model's own label order wins (fine-tuning a classifier again); otherwise sorted names from train.
    labels = opts.labels
      ? { id2label: Object.fromEntries(opts.labels.map((n, i) => [String(i), n])), label2id: Object.fromEntries(opts.labels.map((n, i) => [n, i])) }
      : makeLabelMap(labelled.flatMap((l) => labelNames(l, multi)));
  }
  return {
    train: toExamples(train, problemType, labels, 'training'),
    validation: valRaw && toExamples(valRaw, problemType, labels, 'validation'),
    test: testRaw && toExamples(testRaw, problemType, labels, 'test'),
    problemType,
    labels,
    ...stats,
  };
}
