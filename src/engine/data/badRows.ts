// Bad rows (wrong field count, invalid UTF-8, a label that is no label...) stop the run by default,
// naming file:line and the fix; with data.skip_bad_rows they are counted and skipped instead.
import { DataError } from './dataError';

/** How many skipped places the summary names. */
const SHOWN = 5;

export class BadRows {
  count = 0;
  readonly first: string[] = [];

  constructor(readonly skip = false) {}

  /** `where` = file:line. Throws unless bad rows are skipped; returns undefined (no row) when they are. */
  report(where: string, problem: string): undefined {
    if (!this.skip) throw new DataError(`${where}: ${problem} (or set data.skip_bad_rows: true to skip such rows)`);
    this.count++;
    if (this.first.length < SHOWN) this.first.push(where);
    return undefined;
  }

  /** One line for the data summary, or undefined when nothing was skipped. */
  summary(): string | undefined {
    if (!this.count) return undefined;
    const more = this.count > this.first.length ? ', ...' : '';
    return `${this.count} bad row(s) skipped (data.skip_bad_rows): ${this.first.join(', ')}${more}`;
  }
}
