// CSV/TSV records from text pieces (cut after a newline), read as Python's csv module reads them
// (so bertnb_data.py sees the same fields): a field that starts with a quote is quoted ("" is a
// quote, newlines are kept); a quote anywhere else is a literal character; text after a closing
// quote is appended to the field. Lines without a quote, nearly all of a large file, are split
// directly; the character-level state machine runs only where quotes are.
import { DataError } from './dataError';

export interface CsvRecord {
  fields: string[];
  /** 1-based line the record starts on. */
  line: number;
}

const START = 0; // at the start of a field
const PLAIN = 1; // in an unquoted field
const QUOTED = 2; // in a quoted field
const AFTER_QUOTE = 3; // a quote inside a quoted field: closes it, or is the first of ""

export class CsvReader {
  private fields: string[] = [];
  private field = '';
  private state = START;
  /** Whether the current record has begun (a blank line never begins one). */
  private open = false;
  private startLine = 0;
  private readonly delimiter: string;
  private readonly quote: string;

  /** `quote` = undefined: quotes are ordinary characters (TSV as exported without quoting). */
  constructor(
    private readonly file: string,
    delimiter: string,
    quote: string | undefined,
  ) {
    this.delimiter = delimiter;
    this.quote = quote ?? '';
  }

  /** The records completed by this piece of text, whose first line is `firstLine`. */
  feed(text: string, firstLine: number): CsvRecord[] {
    const out: CsvRecord[] = [];
    let pos = 0;
    let line = firstLine;
    let nextQuote = this.quote ? text.indexOf(this.quote) : -1;
    while (pos < text.length) {
      let nl = text.indexOf('\n', pos);
      const hasNewline = nl >= 0;
      if (!hasNewline) nl = text.length;
      const end = nl > pos && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      if (nextQuote >= 0 && nextQuote < pos) nextQuote = text.indexOf(this.quote, pos);
      if (!this.open && this.state === START && (nextQuote < 0 || nextQuote >= end)) {
        if (end > pos) out.push({ fields: text.slice(pos, end).split(this.delimiter), line });
      } else {
        this.scan(text, pos, end, line);
        if (hasNewline) {
          if (this.state === QUOTED) this.field += text.slice(end, nl + 1);
          else if (this.open) out.push(this.close());
        }
      }
      pos = nl + 1;
      line++;
    }
    return out;
  }

  /** The last record (a file need not end with a newline); an unclosed quote is an error at the line it opened. */
  end(): CsvRecord[] {
    if (this.state === QUOTED)
      throw new DataError(
        `${this.file}:${this.startLine}: a field opens a double quote (") that is never closed, so the rest of the file would be one text; close the quote, or write a quote inside a quoted text as ""`,
      );
    return this.open ? [this.close()] : [];
  }

  private close(): CsvRecord {
    this.fields.push(this.field);
    const r = { fields: this.fields, line: this.startLine };
    this.fields = [];
    this.field = '';
    this.state = START;
    this.open = false;
    return r;
  }

  /** Runs the state machine over text[from, to) (one line without its newline). */
  private scan(text: string, from: number, to: number, line: number): void {
    const d = this.delimiter;
    const q = this.quote;
    let i = from;
    if (!this.open && i < to) {
      this.open = true;
      this.startLine = line;
    }
    while (i < to) {
      const c = text[i];
      switch (this.state) {
        case START:
          if (q && c === q) {
            this.state = QUOTED;
            i++;
          } else if (c === d) {
            this.fields.push('');
            i++;
          } else this.state = PLAIN;
          break;
        case PLAIN: {
          const j = text.indexOf(d, i);
          const stop = j < 0 || j > to ? to : j;
          this.field += text.slice(i, stop);
          i = stop;
          if (stop < to) {
            this.fields.push(this.field);
            this.field = '';
            this.state = START;
            i++;
          }
          break;
        }
        case QUOTED: {
          const j = text.indexOf(q, i);
          const stop = j < 0 || j > to ? to : j;
          this.field += text.slice(i, stop);
          i = stop;
          if (stop < to) {
            this.state = AFTER_QUOTE;
            i++;
          }
          break;
        }
        case AFTER_QUOTE:
          if (c === q) {
            this.field += q;
            this.state = QUOTED;
            i++;
          } else if (c === d) {
            this.fields.push(this.field);
            this.field = '';
            this.state = START;
            i++;
          } else this.state = PLAIN; // text after the closing quote belongs to the field
          break;
      }
    }
  }
}
