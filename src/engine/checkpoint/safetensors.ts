// safetensors read/write. The reader validates the whole header against the file size before it
// allocates anything for tensor data (the rules of the reference Rust reader): a hostile file gets a
// clear error, never a huge allocation or an out-of-bounds read.
import { open, rename, type FileHandle } from 'node:fs/promises';

export const MAX_HEADER_BYTES = 100_000_000;

const DTYPE_BYTES: Record<string, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
};
/** dtypes we can turn into float32 weights. */
const FLOAT_DTYPES = new Set(['F32', 'F16', 'BF16', 'F64']);

export interface TensorEntry {
  name: string;
  dtype: string;
  shape: number[];
  /** Absolute byte range in the file. */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  tensors: Map<string, TensorEntry>;
  metadata: Record<string, string>;
  /** Bytes before the data buffer (8 + header length). */
  dataStart: number;
}

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

/** Parses and validates a header given its JSON bytes and the total file size. */
export function parseHeader(headerBytes: Uint8Array, fileSize: number, source: string): SafetensorsHeader {
  const fail = (msg: string): never => {
    throw new SafetensorsError(`${source}: invalid safetensors file: ${msg}`);
  };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (e) {
    fail(`header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('header must be a JSON object');
  const dataStart = 8 + headerBytes.length;
  const bufferSize = fileSize - dataStart;
  const metadata: Record<string, string> = {};
  const entries: TensorEntry[] = [];
  for (const [name, raw] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
        fail('__metadata__ must be an object of strings');
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__.${k} must be a string`);
        metadata[k] = v as string;
      }
      continue;
    }
    if (typeof raw !== 'object' || raw === null) fail(`entry '${name}' must be an object`);
    const { dtype, shape, data_offsets } = raw as Record<string, unknown>;
    if (typeof dtype !== 'string' || !(dtype in DTYPE_BYTES))
      fail(`tensor '${name}' has unknown dtype ${JSON.stringify(dtype)}`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      fail(`tensor '${name}' has an invalid shape ${JSON.stringify(shape)}`);
    if (
      !Array.isArray(data_offsets) ||
      data_offsets.length !== 2 ||
      !data_offsets.every((d) => Number.isSafeInteger(d) && d >= 0)
    )
      fail(`tensor '${name}' has invalid data_offsets ${JSON.stringify(data_offsets)}`);
    const [b, e] = data_offsets as [number, number];
    if (e < b) fail(`tensor '${name}' ends before it begins (${b}..${e})`);
    if (e > bufferSize)
      fail(
        `tensor '${name}' data (${b}..${e}) lies beyond the end of the file (buffer is ${bufferSize} bytes; truncated?)`,
      );
    const count = (shape as number[]).reduce((a, d) => a * d, 1);
    const expected = count * DTYPE_BYTES[dtype as string];
    if (!Number.isSafeInteger(expected) || expected !== e - b)
      fail(
        `tensor '${name}': shape ${JSON.stringify(shape)} × ${dtype} is ${expected} bytes but data_offsets span ${e - b}`,
      );
    entries.push({ name, dtype: dtype as string, shape: shape as number[], begin: dataStart + b, end: dataStart + e });
  }
  // Offsets must tile the buffer: sorted, no gaps, no overlaps, reaching the end of the file.
  entries.sort((x, y) => x.begin - y.begin || x.end - y.end);
  let cursor = dataStart;
  for (const t of entries) {
    if (t.begin < cursor)
      fail(`tensor '${t.name}' overlaps the previous tensor (offset ${t.begin - dataStart} < ${cursor - dataStart})`);
    if (t.begin > cursor)
      fail(`gap before tensor '${t.name}' (offset ${t.begin - dataStart}, expected ${cursor - dataStart})`);
    cursor = t.end;
  }
  if (cursor !== fileSize) fail(`tensor data ends at byte ${cursor} but the file has ${fileSize} bytes`);
  return { tensors: new Map(entries.map((t) => [t.name, t])), metadata, dataStart };
}

/** An open safetensors file: validated header, tensors read on demand as float32. */
export class SafetensorsFile {
  private constructor(
    private readonly fh: FileHandle,
    readonly header: SafetensorsHeader,
    readonly path: string,
  ) {}

  static async open(path: string): Promise<SafetensorsFile> {
    const fh = await open(path, 'r');
    try {
      const size = (await fh.stat()).size;
      if (size < 8)
        throw new SafetensorsError(
          `${path}: invalid safetensors file: ${size} bytes is too short for the 8-byte header length (truncated?)`,
        );
      const lenBuf = Buffer.alloc(8);
      await fh.read(lenBuf, 0, 8, 0);
      const n = lenBuf.readBigUInt64LE(0);
      if (n > BigInt(MAX_HEADER_BYTES))
        throw new SafetensorsError(
          `${path}: invalid safetensors file: header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit`,
        );
      if (8n + n > BigInt(size))
        throw new SafetensorsError(
          `${path}: invalid safetensors file: header length ${n} is larger than the file (${size} bytes; truncated?)`,
        );
      const headerBytes = Buffer.alloc(Number(n));
      await fh.read(headerBytes, 0, headerBytes.length, 8);
      return new SafetensorsFile(fh, parseHeader(headerBytes, size, path), path);
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  names(): string[] {
    return [...this.header.tensors.keys()];
  }

  entry(name: string): TensorEntry | undefined {
    return this.header.tensors.get(name);
  }

  /** Reads a floating-point tensor as float32 (F32, F16, BF16, F64). */
  async readFloat32(name: string): Promise<Float32Array> {
    const t = this.header.tensors.get(name);
    if (!t) throw new SafetensorsError(`${this.path}: no tensor '${name}'`);
    if (!FLOAT_DTYPES.has(t.dtype))
      throw new SafetensorsError(
        `${this.path}: tensor '${name}' has dtype ${t.dtype}; expected a floating-point weight (F32, F16, BF16 or F64)`,
      );
    const bytes = Buffer.alloc(t.end - t.begin);
    const { bytesRead } = await this.fh.read(bytes, 0, bytes.length, t.begin);
    if (bytesRead !== bytes.length)
      throw new SafetensorsError(`${this.path}: short read of tensor '${name}' (file changed while reading?)`);
    return toFloat32(bytes, t.dtype);
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

function toFloat32(bytes: Buffer, dtype: string): Float32Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'F32': {
      const out = new Float32Array(bytes.length / 4);
      new Uint8Array(out.buffer).set(bytes);
      return out;
    }
    case 'F64': {
      const out = new Float32Array(bytes.length / 8);
      for (let i = 0; i < out.length; i++) out[i] = dv.getFloat64(i * 8, true);
      return out;
    }
    case 'BF16': {
      // bfloat16 is the top half of a float32.
      const out = new Float32Array(bytes.length / 2);
      const u = new Uint32Array(out.buffer);
      for (let i = 0; i < out.length; i++) u[i] = dv.getUint16(i * 2, true) << 16;
      return out;
    }
    case 'F16': {
      const out = new Float32Array(bytes.length / 2);
      for (let i = 0; i < out.length; i++) out[i] = halfToFloat(dv.getUint16(i * 2, true));
      return out;
    }
  }
  throw new SafetensorsError(`unsupported dtype ${dtype}`);
}

export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

export interface TensorToWrite {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** The header bytes (length prefix included) for F32 tensors written in the given order. */
export function buildHeader(
  tensors: ReadonlyArray<{ name: string; shape: number[] }>,
  metadata: Record<string, string>,
): Buffer {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    const bytes = t.shape.reduce((a, d) => a * d, 1) * 4;
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  // Pad with spaces so that the data buffer starts 8-byte aligned, as the reference writer does.
  const pad = (8 - (json.length % 8)) % 8;
  if (pad) json = Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json]);
}

/** Writes F32 tensors (sorted by name, as HF's writer) to `path` atomically (temp file + rename). */
export async function writeSafetensors(
  path: string,
  tensors: TensorToWrite[],
  metadata: Record<string, string> = { format: 'pt' },
): Promise<void> {
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const t of sorted) {
    const n = t.shape.reduce((a, d) => a * d, 1);
    if (n !== t.data.length)
      throw new Error(
        `tensor ${t.name}: shape ${JSON.stringify(t.shape)} has ${n} elements but data has ${t.data.length}`,
      );
  }
  const tmp = `${path}.tmp-${process.pid}`;
  const fh = await open(tmp, 'w');
  try {
    await fh.write(buildHeader(sorted, metadata));
    for (const t of sorted) await fh.write(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}
