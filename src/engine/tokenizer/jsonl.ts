// Writes encodings as JSON Lines straight into UTF-8 bytes: the id digits and the JSON-escaped
// UTF-8 of every vocabulary token are prepared once, so a line is a few typed-array copies and
// digit writes — no Encoding objects, no JSON.stringify, no string-to-UTF-8 conversion per line.
// Output per line: {"input_ids":[...],"token_type_ids":[...],"attention_mask":[...],"tokens":[...],"offsets":[[s,e],...]}
import type { BertTokenizer, Layout } from './tokenizer';
import type { TokenBuffer } from './pipeline';

const utf8 = new TextEncoder();

/** Concatenated byte strings with an offset table: entry i is bytes[offsets[i] .. offsets[i+1]). */
class ByteTable {
  readonly bytes: Uint8Array;
  readonly offsets: Int32Array;
  readonly maxLength: number;
  constructor(strings: readonly string[]) {
    this.offsets = new Int32Array(strings.length + 1);
    let total = 0;
    let max = 0;
    for (let i = 0; i < strings.length; i++) {
      const s = strings[i];
      const length = isAscii(s) ? s.length : Buffer.byteLength(s, 'utf8');
      this.offsets[i] = total;
      total += length;
      if (length > max) max = length;
    }
    this.offsets[strings.length] = total;
    // One encode call for the whole table.
    this.bytes = utf8.encode(strings.join(''));
    this.maxLength = max;
  }
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 128) return false;
  return true;
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
  private readonly spare: Uint8Array[] = [];
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
    this.buf = Buffer.allocUnsafeSlow(chunkSize);
  }

  /** Bytes written and not yet taken. */
  get pending(): number {
    return this.pos;
  }

  /** Hands over the bytes written so far (a fresh buffer continues). */
  take(): Uint8Array {
    const out = this.buf.subarray(0, this.pos);
    // Not zero-filled: every byte handed out is written first.
    this.buf = this.spare.pop() ?? Buffer.allocUnsafeSlow(Math.max(this.chunkSize, this.buf.length));
    this.pos = 0;
    return out;
  }

  /** Gives back a chunk from take() once it has been written, to be reused (bounded pool). */
  recycle(chunk: Uint8Array): void {
    if (this.spare.length < 4 && chunk.buffer.byteLength >= this.chunkSize && chunk.byteOffset === 0)
      this.spare.push(new Uint8Array(chunk.buffer));
  }

  /** Appends one line for a layout from tokenizer.layout(); padTo > length adds [PAD] tokens. Returns the token count. */
  write(l: Layout, padTo = 0): number {
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
    if (l.special) {
      ids[k] = t.clsId;
      types[k] = starts[k] = ends[k] = 0;
      k++;
    }
    k = this.copyTokens(l.a, l.lengthA, 0, k);
    if (l.special) {
      ids[k] = t.sepId;
      types[k] = starts[k] = ends[k] = 0;
      k++;
    }
    if (l.b) {
      k = this.copyTokens(l.b, l.lengthB, 1, k);
      if (l.special) {
        ids[k] = t.sepId;
        types[k] = 1;
        starts[k] = ends[k] = 0;
        k++;
      }
    }
    const unpadded = k;
    while (k < n) {
      ids[k] = t.padId;
      types[k] = 0;
      starts[k] = 0;
      ends[k] = 0;
      k++;
    }

    // Worst case per token: id (<= 10 digits) + 2 (type) + 2 (mask) + token + offsets (2 x 10 + 4) + commas.
    this.reserve(200 + n * (48 + this.tokens.maxLength));
    const buf = this.buf;
    let p = this.pos;
    buf.set(FRAGMENTS.start, p);
    p += FRAGMENTS.start.length;
    p = copyEach(buf, p, ids, n, this.ids.bytes, this.ids.offsets);
    buf.set(FRAGMENTS.types, p);
    p += FRAGMENTS.types.length;
    for (let i = 0; i < n; i++) {
      buf[p] = 48 + types[i];
      buf[p + 1] = 44; // ,
      p += 2;
    }
    if (n > 0) p--; // no comma after the last
    buf.set(FRAGMENTS.mask, p);
    p += FRAGMENTS.mask.length;
    for (let i = 0; i < n; i++) {
      buf[p] = i < unpadded ? 49 : 48;
      buf[p + 1] = 44;
      p += 2;
    }
    if (n > 0) p--;
    buf.set(FRAGMENTS.tokens, p);
    p += FRAGMENTS.tokens.length;
    p = copyEach(buf, p, ids, n, this.tokens.bytes, this.tokens.offsets);
    buf.set(FRAGMENTS.offsets, p);
    p += FRAGMENTS.offsets.length;
    const dBytes = SMALL.bytes;
    const dOff = SMALL.offsets;
    for (let i = 0; i < n; i++) {
      buf[p++] = 91; // [
      const s = starts[i];
      if (s < SMALL_LIMIT) for (let q = dOff[s], e = dOff[s + 1]; q < e; q++) buf[p++] = dBytes[q];
      else p = writeInt(buf, p, s);
      buf[p++] = 44;
      const e = ends[i];
      if (e < SMALL_LIMIT) for (let q = dOff[e], f = dOff[e + 1]; q < f; q++) buf[p++] = dBytes[q];
      else p = writeInt(buf, p, e);
      buf[p] = 93; // ]
      buf[p + 1] = 44;
      p += 2;
    }
    if (n > 0) p--;
    buf.set(FRAGMENTS.end, p);
    p += FRAGMENTS.end.length;
    this.pos = p;
    return n;
  }

  private copyTokens(from: TokenBuffer, count: number, type: number, k: number): number {
    const ids = this.lineIds;
    const types = this.lineTypes;
    const starts = this.lineStarts;
    const ends = this.lineEnds;
    const fi = from.ids;
    const fs = from.starts;
    const fe = from.ends;
    for (let i = 0; i < count; i++, k++) {
      ids[k] = fi[i];
      types[k] = type;
      starts[k] = fs[i];
      ends[k] = fe[i];
    }
    return k;
  }

  private reserve(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const next = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.pos + bytes));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }
}

/** Entry i of `table`, for each of the n ids, comma-separated. */
function copyEach(
  buf: Uint8Array,
  p: number,
  ids: Int32Array,
  n: number,
  bytes: Uint8Array,
  offsets: Int32Array,
): number {
  for (let i = 0; i < n; i++) {
    const id = ids[i];
    for (let q = offsets[id], e = offsets[id + 1]; q < e; q++) buf[p++] = bytes[q];
    buf[p++] = 44;
  }
  return n > 0 ? p - 1 : p;
}

/** Decimal digits of 0 .. SMALL_LIMIT - 1, for offsets (lines are mostly shorter). */
const SMALL_LIMIT = 1 << 14;
const SMALL = new ByteTable(Array.from({ length: SMALL_LIMIT }, (_, i) => String(i)));

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
