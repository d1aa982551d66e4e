// The rows of one data file as training reads them: records → cleaned text (and pair) and the raw
// label, with the checks that name file:line: missing columns, a text or label that is not text,
// an empty label. Streaming: nothing of a row is kept once it is yielded.
import { readRecordBatches, formatOf, checkReadable, type FileFormat, type RawRecord } from './readers';
import { DataError } from './dataError';
import { BadRows } from './badRows';
import { cleanText } from './clean';
import { badLabel } from './labels';

export interface RowOptions {
  text_column?: string;
  text_pair_column?: string;
  label_column?: string;
  format?: FileFormat;
  clean_text?: boolean;
}

export class Row {
  constructor(
    readonly text: string,
    readonly text_pair: string | undefined,
    /** undefined when the file has no label column (unlabelled test data). */
    readonly rawLabel: unknown,
    readonly file: string,
    readonly line: number,
  ) {}

  /** file:line, built when asked (most rows never need it; millions of strings would). */
  get source(): string {
    return `${this.file}:${this.line}`;
  }
}

export interface ReadStats {
  /** Texts longer than MAX_TEXT_CHARS that were cut. */
  capped: number;
  /** Rows skipped because the text was empty. */
  skippedEmpty: number;
}

export interface RowContext {
  stats: ReadStats;
  bad: BadRows;
  /** Bytes of this file consumed so far. */
  onBytes?: (bytes: number) => void;
}

/** The same column may not be both the text and the label: the model would be shown the answer. */
export function checkColumns(o: RowOptions): void {
  const text = o.text_column ?? 'text';
  const label = o.label_column ?? 'label';
  if (text === label)
    throw new DataError(
      `data.text_column and data.label_column are both '${text}': the label would be part of the input; name the label column in data.label_column`,
    );
  if (o.text_pair_column === label)
    throw new DataError(
      `data.text_pair_column and data.label_column are both '${label}': the label would be part of the input`,
    );
}

const isText = (v: unknown) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));

/** The rows of a file in batches (one per block read). */
export async function* readRowBatches(
  file: string,
  role: string,
  o: RowOptions,
  needLabel: boolean,
  ctx: RowContext,
): AsyncGenerator<Row[]> {
  checkReadable(file, role);
  const toRow = rowReader(file, o, needLabel, ctx);
  let rows = 0;
  for await (const batch of readRecordBatches(file, o.format ?? formatOf(file), {
    bad: ctx.bad,
    onBytes: ctx.onBytes,
  })) {
    const out: Row[] = [];
    for (const rec of batch) {
      const row = toRow(rec);
      if (row) out.push(row);
    }
    rows += out.length;
    yield out;
  }
  if (rows === 0)
    throw new DataError(
      `${role}: no rows with text in ${file}${ctx.bad.count ? ` (${ctx.bad.count} bad row(s) skipped)` : ''}`,
    );
}

/** Record → row, or undefined for a row that is skipped (blank, empty text, or bad and skip_bad_rows). */
function rowReader(
  file: string,
  o: RowOptions,
  needLabel: boolean,
  ctx: RowContext,
): (rec: RawRecord) => Row | undefined {
  const textCol = o.text_column ?? 'text';
  const pairCol = o.text_pair_column;
  const labelCol = o.label_column ?? 'label';
  let checked = false;
  let hasLabel = false;
  return (rec) => {
    if (rec.fields.__blank) return undefined;
    if (!checked) {
      const cols = Object.keys(rec.fields);
      const missing = [textCol, ...(pairCol ? [pairCol] : []), ...(needLabel ? [labelCol] : [])].filter(
        (c) => !cols.includes(c),
      );
      if (missing.length)
        throw new DataError(
          `${file}: column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `'${c}'`).join(', ')} not found (available: ${cols.join(', ')})`,
        );
      hasLabel = cols.includes(labelCol);
      checked = true;
    }
    const rawText = rec.fields[textCol];
    const rawPair = pairCol ? rec.fields[pairCol] : undefined;
    if (rawText != null && !isText(rawText))
      return ctx.bad.report(
        `${file}:${rec.line}`,
        `text column '${textCol}' holds ${JSON.stringify(rawText).slice(0, 60)}, not text`,
      );
    if (rawPair != null && !isText(rawPair))
      return ctx.bad.report(
        `${file}:${rec.line}`,
        `text column '${pairCol}' holds ${JSON.stringify(rawPair).slice(0, 60)}, not text`,
      );
    const rawLabel = hasLabel ? rec.fields[labelCol] : undefined;
    if (
      needLabel &&
      (rawLabel === undefined || rawLabel === null || (typeof rawLabel === 'string' && rawLabel.trim() === ''))
    )
      return ctx.bad.report(`${file}:${rec.line}`, `empty value in label column '${labelCol}'`);
    const why = rawLabel === undefined || rawLabel === null ? undefined : badLabel(rawLabel);
    if (why) return ctx.bad.report(`${file}:${rec.line}`, why);
    const c = cleanText(rawText == null ? '' : String(rawText), { clean: o.clean_text });
    if (c.capped) ctx.stats.capped++;
    if (!c.text) {
      ctx.stats.skippedEmpty++;
      return undefined;
    }
    let text_pair: string | undefined;
    if (pairCol) {
      const p = cleanText(String(rawPair ?? ''), { clean: o.clean_text });
      if (p.capped) ctx.stats.capped++;
      text_pair = p.text;
    }
    return new Row(c.text, text_pair, rawLabel, file, rec.line);
  };
}

export async function* readRows(
  file: string,
  role: string,
  o: RowOptions,
  needLabel: boolean,
  ctx: RowContext,
): AsyncGenerator<Row> {
  for await (const batch of readRowBatches(file, role, o, needLabel, ctx)) yield* batch;
}
