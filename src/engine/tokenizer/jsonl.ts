// Writes encodings as JSON Lines straight into UTF-8 bytes: the id digits and the JSON-escaped
// UTF-8 of every vocabulary token are prepared once, so a line is a few typed-array copies and
// digit writes — no Encoding objects, no JSON.stringify, no string-to-UTF-8 conversion per line.
// Output per line: {"input_ids":[...],"token_type_ids":[...],"attention_mask":[...],"tokens":[...],"offsets":[[s,e],...]}
import type { BertTokenizer, Layout } from './tokenizer';

const utf8 = new TextEncoder();

/** Concatenated byte strings with an offset table: entry i is bytes[offsets[i] .. offsets[i+1]). */
class ByteTable {
  readonly bytes: Uint8Array;
  readonly offsets: Int32Array;
  readonly maxLength: number;
  constructor(strings: readonly string[]) {
    const parts = strings.map((s) => utf8.encode(s));
    this.offsets = new Int32Array(parts.length + 1);
    let total = 0;
    let max = 0;
    parts.forEach((p, i) => {
      this.offsets[i] = total;
      total += p.length;
      max = Math.max(max, p.length);
    });
    this.offsets[parts.length] = total;
    this.bytes = new Uint8Array(total);
    parts.forEach((p, i) => this.bytes.set(p, this.offsets[i]));
    this.maxLength = max;
  }
}

const FRAGMENTS = {
  start: utf8.encode('{"input_ids":['),
  types: utf8.encode('],"token_type_ids":['),
  mask: utf8.encode('],"attention_mask":['),
  tokens: utf8.encode('],"tokens":['),
  offsets: utf8.encode('],"offsets":['),
  end: utf8.encode(']}\n'),
};

export class JsonlWriter {
  private readonly ids: ByteTable;
  private readonly tokens: ByteTable;
  private buf: Uint8Array;
  private pos = 0;
  // One line's tokens, assembled from the layout before writing (reused).
  private lineIds = new Int32Array(1024);
  private lineTypes = new Uint8Array(1024);
  private lineStarts = new Int32Array(1024);
  private lineEnds = new Int32Array(1024);

  constructor(
    private readonly tokenizer: BertTokenizer,
    private readonly chunkSize = 1 << 20,
  ) {
    const vocab = tokenizer.tokens;
    this.ids = new ByteTable(vocab.map((_, i) => String(i)));
    this.tokens = new ByteTable(vocab.map((t) => JSON.stringify(t)));
    this.buf = new Uint8Array(chunkSize);
  }

  /** Bytes written and not yet taken. */
  get pending(): number {
    return this.pos;
  }

  /** Hands over the bytes written so far (a fresh buffer continues). */
  take(): Uint8Array {
    const out = this.buf.subarray(0, this.pos);
    this.buf = new Uint8Array(Math.max(this.chunkSize, this.buf.length));
    this.pos = 0;
    return out;
  }

  /** Appends one line for a layout from tokenizer.layout(); padTo > length adds [PAD] tokens. */
  write(l: Layout, padTo = 0): void {
    const t = this.tokenizer;
    const contentLength = l.lengthA + l.lengthB + (l.special ? (l.b ? 3 : 2) : 0);
    const n = Math.max(contentLength, padTo);
    if (n > this.lineIds.length) {
      const size = n * 2;
      this.lineIds = new Int32Array(size);
      this.lineTypes = new Uint8Array(size);
      this.lineStarts = new Int32Array(size);
      this.lineEnds = new Int32Array(size);
    }
    const ids = this.lineIds;
    const types = this.lineTypes;
    const starts = this.lineStarts;
    const ends = this.lineEnds;
    let k = 0;
    const special = (id: number, type: number) => {
      ids[k] = id;
      types[k] = type;
      starts[k] = 0;
      ends[k] = 0;
      k++;
    };
    if (l.special) special(t.clsId, 0);
    ids.set(l.a.ids.subarray(0, l.lengthA), k);
    types.fill(0, k, k + l.lengthA);
    starts.set(l.a.starts.subarray(0, l.lengthA), k);
    ends.set(l.a.ends.subarray(0, l.lengthA), k);
    k += l.lengthA;
    if (l.special) special(t.sepId, 0);
    if (l.b) {
      ids.set(l.b.ids.subarray(0, l.lengthB), k);
      types.fill(1, k, k + l.lengthB);
      starts.set(l.b.starts.subarray(0, l.lengthB), k);
      ends.set(l.b.ends.subarray(0, l.lengthB), k);
      k += l.lengthB;
      if (l.special) special(t.sepId, 1);
    }
    const unpadded = k;
    while (k < n) special(t.padId, 0);

    // Worst case per token: id (<= 10 digits) + 2 (type) + 2 (mask) + token + offsets (2 x 10 + 4) + commas.
    this.reserve(200 + n * (48 + this.tokens.maxLength));
    const buf = this.buf;
    let p = this.pos;
    const put = (bytes: Uint8Array) => {
      buf.set(bytes, p);
      p += bytes.length;
    };
    const idBytes = this.ids.bytes;
    const idOff = this.ids.offsets;
    put(FRAGMENTS.start);
    for (let i = 0; i < n; i++) {
      if (i > 0) buf[p++] = 44; // ,
      const id = ids[i];
      for (let q = idOff[id], e = idOff[id + 1]; q < e; q++) buf[p++] = idBytes[q];
    }
    put(FRAGMENTS.types);
    for (let i = 0; i < n; i++) {
      if (i > 0) buf[p++] = 44;
      buf[p++] = 48 + types[i];
    }
    put(FRAGMENTS.mask);
    for (let i = 0; i < n; i++) {
      if (i > 0) buf[p++] = 44;
      buf[p++] = i < unpadded ? 49 : 48;
    }
    put(FRAGMENTS.tokens);
    const tokBytes = this.tokens.bytes;
    const tokOff = this.tokens.offsets;
    for (let i = 0; i < n; i++) {
      if (i > 0) buf[p++] = 44;
      const id = ids[i];
      for (let q = tokOff[id], e = tokOff[id + 1]; q < e; q++) buf[p++] = tokBytes[q];
    }
    put(FRAGMENTS.offsets);
    for (let i = 0; i < n; i++) {
      if (i > 0) buf[p++] = 44;
      buf[p++] = 91; // [
      p = writeInt(buf, p, starts[i]);
      buf[p++] = 44;
      p = writeInt(buf, p, ends[i]);
      buf[p++] = 93; // ]
    }
    put(FRAGMENTS.end);
    this.pos = p;
  }

  private reserve(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + bytes));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }
}

function writeInt(buf: Uint8Array, p: number, v: number): number {
  if (v < 10) {
    buf[p] = 48 + v;
    return p + 1;
  }
  let digits = 1;
  for (let x = v; x >= 10; x = Math.floor(x / 10)) digits++;
  let q = p + digits;
  for (let x = v; q > p; x = Math.floor(x / 10)) buf[--q] = 48 + (x % 10);
  return p + digits;
}
