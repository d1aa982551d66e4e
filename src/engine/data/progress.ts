// Progress while the data files are read before training: the event, and the one line the CLI,
// the logs, the notebook and the editor's run monitor show for it.

export interface DataProgress {
  /** data.train / data.validation / data.test */
  role: string;
  file: string;
  bytes: number;
  totalBytes: number;
  rows: number;
  /** Seconds left for this file at the rate so far (undefined until there is a rate). */
  etaSeconds?: number;
}

/** One progress line for logs: "reading data.train: 45% (90 of 200 MB, 620,000 rows), about 25 s left". */
export function formatDataProgress(
  p: Omit<DataProgress, 'file' | 'etaSeconds'> & { etaSeconds?: number | null },
): string {
  const mb = (b: number) => (b / 1e6).toFixed(b < 1e7 ? 1 : 0);
  const pct = p.totalBytes ? Math.floor((100 * p.bytes) / p.totalBytes) : 100;
  const eta =
    p.bytes >= p.totalBytes
      ? 'done'
      : p.etaSeconds === undefined || p.etaSeconds === null
        ? ''
        : `about ${Math.ceil(p.etaSeconds)} s left`;
  return `reading ${p.role}: ${pct}% (${mb(p.bytes)} of ${mb(p.totalBytes)} MB, ${p.rows.toLocaleString('en-US')} rows)${eta ? `, ${eta}` : ''}`;
}
