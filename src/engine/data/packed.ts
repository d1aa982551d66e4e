// Tokenized examples packed in a few typed arrays instead of one object (and two small arrays) per
// row: a large file then costs about its token ids plus ~24 bytes a row, and the JS heap holds no
// per-row objects. Rows are read back as views (no copy) of the id chunks.
import type { EncodedExample } from './encode';

/** What training and evaluation need of a set of examples; a plain EncodedExample[] is one too. */
export interface ExampleSet {
  readonly length: number;
  at(i: number): EncodedExample | undefined;
}

export type LabelKind = 'none' | 'int' | 'float' | 'multi';

const NO_LABEL_BYTE = 255;

/** Ids are kept in chunks of this many (a row never spans two), so growing never copies them all. */
const CHUNK = 1 << 20;

/** A growable typed column (geometric growth; the per-row columns are small next to the ids). */
class Column<T extends Int32Array | Float32Array | Uint8Array> {
  length = 0;
  constructor(public data: T) {}

  push(v: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = v;
  }

  pushAll(v: ArrayLike<number>): void {
    if (this.length + v.length > this.data.length) this.grow(this.length + v.length);
    this.data.set(v, this.length);
    this.length += v.length;
  }

  private grow(min: number): void {
    const next = new (this.data.constructor as new (n: number) => T)(
      Math.max(min, Math.ceil(this.data.length * 1.5) + 16),
    );
    next.set(this.data);
    this.data = next;
  }
}

export class PackedExamples implements ExampleSet {
  private readonly chunks: Int32Array[] = [];
  private chunkUsed = CHUNK;
  private readonly chunkOf = new Column(new Int32Array(0));
  private readonly offset = new Column(new Int32Array(0));
  private readonly len = new Column(new Int32Array(0));
  /** Where token_type_ids switch to 1 (the second text); = length without a pair. */
  private readonly typeStart = new Column(new Int32Array(0));
  private readonly full = new Column(new Int32Array(0));
  /** Class id or label code (int), regression target (float), or multi-hot rows (numLabels bytes each). */
  private readonly ints = new Column(new Int32Array(0));
  private readonly floats = new Column(new Float32Array(0));
  private readonly hot = new Column(new Uint8Array(0));
  tokens = 0;

  /** int: class ids (or label codes until `relabel`); float: regression targets; multi: multi-hot rows of numLabels. */
  constructor(
    private labelKind: LabelKind = 'none',
    private numLabels = 0,
  ) {}

  get length(): number {
    return this.len.length;
  }

  /** Adds one row: `ids` are copied; `label` is stored as the set's label kind says. */
  push(ids: ArrayLike<number>, typeStart: number, fullLength: number, label?: number | number[]): void {
    const n = ids.length;
    if (n > CHUNK) throw new Error(`a row of ${n} tokens is longer than a chunk`);
    if (this.chunkUsed + n > CHUNK) {
      this.chunks.push(new Int32Array(CHUNK));
      this.chunkUsed = 0;
    }
    this.chunks[this.chunks.length - 1].set(ids, this.chunkUsed);
    this.chunkOf.push(this.chunks.length - 1);
    this.offset.push(this.chunkUsed);
    this.len.push(n);
    this.typeStart.push(typeStart);
    this.full.push(fullLength);
    this.chunkUsed += n;
    this.tokens += n;
    if (this.labelKind === 'none') return;
    // A row without a label in a labelled set (test data) keeps a marker: -1, NaN, or a row of 255s.
    if (this.labelKind === 'multi')
      this.hot.pushAll(label === undefined ? new Uint8Array(this.numLabels).fill(NO_LABEL_BYTE) : (label as number[]));
    else if (this.labelKind === 'int') this.ints.push(label === undefined ? -1 : (label as number));
    else this.floats.push(label === undefined ? NaN : (label as number));
  }

  /** Bytes of the token ids (as int32): what the packed rows cost beyond ~24 bytes each. */
  get idBytes(): number {
    return this.tokens * 4;
  }

  /** Replaces every int label (a code while streaming) by `map(code)`; a multi-hot result switches to multi-hot rows. */
  relabel(map: (code: number) => number | number[]): void {
    if (this.labelKind !== 'int') return;
    const codes = this.ints.data.subarray(0, this.ints.length);
    const first = codes.length ? map(codes[0]) : 0;
    if (Array.isArray(first)) {
      for (const c of codes) this.hot.pushAll(map(c) as number[]);
      this.numLabels = first.length;
      this.labelKind = 'multi';
      this.ints.data = new Int32Array(0);
      this.ints.length = 0;
    } else if (Number.isInteger(first)) {
      for (let i = 0; i < codes.length; i++) codes[i] = map(codes[i]) as number;
    } else {
      for (const c of codes) this.floats.push(map(c) as number);
      this.labelKind = 'float';
      this.ints.data = new Int32Array(0);
      this.ints.length = 0;
    }
  }

  /** Token count of row i (no view made). */
  lengthOf(i: number): number {
    return this.len.data[i];
  }

  fullLengthOf(i: number): number {
    return this.full.data[i];
  }

  labelOf(i: number): number | number[] | undefined {
    switch (this.labelKind) {
      case 'int':
        return this.ints.data[i] < 0 ? undefined : this.ints.data[i];
      case 'float':
        return Number.isNaN(this.floats.data[i]) ? undefined : this.floats.data[i];
      case 'multi': {
        const row = this.hot.data.subarray(i * this.numLabels, (i + 1) * this.numLabels);
        return row[0] === NO_LABEL_BYTE ? undefined : Array.from(row);
      }
      default:
        return undefined;
    }
  }

  at(i: number): EncodedExample | undefined {
    if (!(i >= 0 && i < this.length)) return undefined;
    const n = this.len.data[i];
    const o = this.offset.data[i];
    const token_type_ids = new Int32Array(n);
    token_type_ids.fill(1, this.typeStart.data[i]);
    return {
      input_ids: this.chunks[this.chunkOf.data[i]].subarray(o, o + n),
      token_type_ids,
      label: this.labelOf(i),
      fullLength: this.full.data[i],
    };
  }
}

/** Some rows of a set, in the given order (the validation split of one training file). */
export class ExampleSubset implements ExampleSet {
  constructor(
    private readonly base: ExampleSet,
    private readonly rows: Uint32Array,
  ) {}

  get length(): number {
    return this.rows.length;
  }

  at(i: number): EncodedExample | undefined {
    return i >= 0 && i < this.rows.length ? this.base.at(this.rows[i]) : undefined;
  }

  lengthOf(i: number): number {
    return rowLength(this.base, this.rows[i]);
  }

  fullLengthOf(i: number): number {
    return rowFullLength(this.base, this.rows[i]);
  }

  labelOf(i: number): number | number[] | undefined {
    return rowLabel(this.base, this.rows[i]);
  }
}

/** The per-row accessors a packed set offers beside `at` (no row view made). */
type Fast = ExampleSet & {
  lengthOf?(i: number): number;
  fullLengthOf?(i: number): number;
  labelOf?(i: number): number | number[] | undefined;
};

export function rowLength(set: ExampleSet, i: number): number {
  const s = set as Fast;
  return s.lengthOf ? s.lengthOf(i) : set.at(i)!.input_ids.length;
}

export function rowFullLength(set: ExampleSet, i: number): number {
  const s = set as Fast;
  return s.fullLengthOf ? s.fullLengthOf(i) : set.at(i)!.fullLength;
}

export function rowLabel(set: ExampleSet, i: number): number | number[] | undefined {
  const s = set as Fast;
  return s.labelOf ? s.labelOf(i) : set.at(i)!.label;
}

/** Token counts of every row (for batching by length). */
export function exampleLengths(set: ExampleSet): Int32Array {
  const out = new Int32Array(set.length);
  for (let i = 0; i < out.length; i++) out[i] = rowLength(set, i);
  return out;
}
