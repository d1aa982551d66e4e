// Training data, streamed: each file is read, cleaned, checked and tokenized row by row into packed
// typed arrays (packed.ts), so memory follows the token ids, not the file; progress with an ETA
// is reported as bytes are read. Labels of train are codes until the whole file is known.
import { statSync } from 'node:fs';
import { DataError } from './dataError';
import { checkReadable } from './readers';
import { BadRows } from './badRows';
import { checkColumns, readRowBatches, type ReadStats, type Row } from './rows';
import { LabelCodes, resolveLabels, type ResolvedLabels } from './labelCodes';
import { encodeRow, type TokenizerLike } from './encode';
import { PackedExamples, ExampleSubset, type ExampleSet, type LabelKind } from './packed';
import { validationRows, type DataOptions } from './dataset';
import type { LabelMap, ProblemType } from './labels';
import type { DataProgress } from './progress';

export { formatDataProgress, type DataProgress } from './progress';

export interface PreparedData extends ReadStats {
  train: ExampleSet;
  validation?: ExampleSet;
  test?: ExampleSet;
  problemType: ProblemType;
  labels?: LabelMap;
  skippedBad: { count: number; first: string[] };
  /** Tokens and bytes of token ids kept, over all splits. */
  tokens: number;
  idBytes: number;
}

export interface PrepareDataOptions {
  /** Called as the files are read (at most every `progressEveryMs`, and at the end of each file). */
  onProgress?: (p: DataProgress) => void;
  progressEveryMs?: number;
}

function labelKindOf(problemType: ProblemType | undefined): LabelKind {
  return problemType === 'regression' ? 'float' : problemType === 'multi_label_classification' ? 'multi' : 'int';
}

/** Reads, checks and tokenizes train (and validation/test) for training with `maxLength`. */
export async function prepareData(
  opts: DataOptions,
  tok: TokenizerLike,
  maxLength: number,
  needLabels = true,
  po: PrepareDataOptions = {},
): Promise<PreparedData> {
  if (!opts.train) throw new DataError('data.train: no training file given');
  checkColumns(opts);
  const stats: ReadStats = { capped: 0, skippedEmpty: 0 };
  const bad = new BadRows(opts.skip_bad_rows);
  const scratch = new Int32Array(Math.max(maxLength, 3));
  const every = po.progressEveryMs ?? 2000;

  /** Streams one file into `set`; `label(raw, row)` gives what to store for a labelled row. */
  const scan = async (
    file: string,
    role: string,
    labelled: boolean,
    set: PackedExamples,
    label: (raw: unknown, row: Row) => number | number[],
  ) => {
    checkReadable(file, role);
    const totalBytes = statSync(file).size;
    const started = Date.now();
    let last = started;
    let bytes = 0;
    let rows = 0;
    const report = (force: boolean) => {
      const now = Date.now();
      if (!po.onProgress || (!force && now - last < every)) return;
      last = now;
      const rate = bytes / Math.max(1e-3, (now - started) / 1000);
      po.onProgress({
        role,
        file,
        bytes,
        totalBytes,
        rows,
        etaSeconds: bytes > 0 && now > started ? Math.max(0, (totalBytes - bytes) / rate) : undefined,
      });
    };
    const ctx = { stats, bad, onBytes: (b: number) => ((bytes = b), report(false)) };
    for await (const batch of readRowBatches(file, role, opts, labelled, ctx)) {
      for (const r of batch) {
        const e = encodeRow(tok, r.text, r.text_pair, maxLength, scratch);
        const unlabelled =
          r.rawLabel === undefined ||
          r.rawLabel === null ||
          (typeof r.rawLabel === 'string' && r.rawLabel.trim() === '');
        set.push(scratch.subarray(0, e.n), e.typeStart, e.fullLength, unlabelled ? undefined : label(r.rawLabel, r));
      }
      rows += batch.length;
    }
    report(true);
  };

  // Train: class labels are stored as codes of the distinct raw values until all of train is read.
  const codes = new LabelCodes();
  const regression = opts.problem_type === 'regression';
  const targets = regression ? resolveLabels(codes, opts) : undefined;
  const train = new PackedExamples(needLabels ? (regression ? 'float' : 'int') : 'none');
  await scan(opts.train, 'data.train', needLabels, train, (raw, row) =>
    targets ? targets.of(raw, row, 'training') : codes.code(raw, row),
  );
  const resolved: ResolvedLabels = targets ?? resolveLabels(codes, opts);
  if (!regression) train.relabel((c) => resolved.ofCode(c));

  const other = async (file: string, role: string, labelled: boolean): Promise<PackedExamples> => {
    const set = new PackedExamples(
      labelKindOf(resolved.problemType),
      Object.keys(resolved.labels?.id2label ?? {}).length,
    );
    await scan(file, `data.${role}`, labelled, set, (raw, row) => resolved.of(raw, row, role));
    return set;
  };
  const validationFile = opts.validation ? await other(opts.validation, 'validation', needLabels) : undefined;
  const test = opts.test ? await other(opts.test, 'test', false) : undefined;

  let trainSet: ExampleSet = train;
  let validation: ExampleSet | undefined = validationFile;
  if (!validation && (opts.validation_split ?? 0) > 0) {
    const held = validationRows(train.length, opts.validation_split!, opts.seed ?? 42);
    const pick = (want: number) => {
      let n = 0;
      for (const h of held) if (h === want) n++;
      const rows = new Uint32Array(n);
      for (let i = 0, k = 0; i < held.length; i++) if (held[i] === want) rows[k++] = i;
      return rows;
    };
    validation = new ExampleSubset(train, pick(1));
    trainSet = new ExampleSubset(train, pick(0));
  }
  const sets = [train, validationFile, test].filter((s): s is PackedExamples => s !== undefined);
  return {
    train: trainSet,
    validation,
    test,
    problemType: resolved.problemType,
    labels: resolved.labels,
    ...stats,
    skippedBad: { count: bad.count, first: bad.first },
    tokens: sets.reduce((a, s) => a + s.tokens, 0),
    idBytes: sets.reduce((a, s) => a + s.idBytes, 0),
  };
}
