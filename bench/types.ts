/** One line of the `npm run bench` table: a figure beside its peer (or physical limit) from the same run. */
export interface BenchRow {
  area: string;
  figure: string;
  value: number;
  unit: string;
  peer: string;
  peerValue: number;
  /** value / peerValue, oriented so that higher is better for us. */
  ratio: number;
  /** The target for the ratio, e.g. '>= 3'. */
  target?: string;
}

/** Prints `rows` as a console table, values and peer values to `digits` places, ratios to `ratioDigits`. */
export function printRows(rows: BenchRow[], digits = 0, ratioDigits = 2): void {
  console.table(
    rows.map((r) => ({
      ...r,
      value: +r.value.toFixed(digits),
      peerValue: +r.peerValue.toFixed(digits),
      ratio: +r.ratio.toFixed(ratioDigits),
    })),
  );
}
