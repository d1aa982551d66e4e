// Optimizer moments on disk as a safetensors file (F32 only), so a checkpoint's optimizer state is
// readable by the same tools as its weights.
import { readFileSync } from 'node:fs';

export function encodeF32Safetensors(
  tensors: Record<string, { shape: number[]; data: Float32Array }>,
  metadata: Record<string, string> = {},
): Buffer {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  const names = Object.keys(tensors);
  for (const name of names) {
    const bytes = tensors[name].data.length * 4;
    header[name] = { dtype: 'F32', shape: tensors[name].shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const hlen = Buffer.byteLength(json);
  const out = Buffer.alloc(8 + hlen + offset);
  out.writeBigUInt64LE(BigInt(hlen), 0);
  out.write(json, 8, 'utf8');
  let pos = 8 + hlen;
  for (const name of names) {
    const d = tensors[name].data;
    Buffer.from(d.buffer, d.byteOffset, d.byteLength).copy(out, pos);
    pos += d.byteLength;
  }
  return out;
}

export function decodeF32Safetensors(
  buf: Buffer,
  source = 'safetensors',
): { tensors: Record<string, { shape: number[]; data: Float32Array }>; metadata: Record<string, string> } {
  if (buf.length < 8) throw new Error(`${source}: truncated file`);
  const n = Number(buf.readBigUInt64LE(0));
  if (n > 100_000_000 || 8 + n > buf.length) throw new Error(`${source}: bad header length`);
  const header = JSON.parse(buf.toString('utf8', 8, 8 + n)) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const base = 8 + n;
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
  let metadata: Record<string, string> = {};
  for (const [name, e] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = e as unknown as Record<string, string>;
      continue;
    }
    if (e.dtype !== 'F32') throw new Error(`${source}: ${name} has dtype ${e.dtype}, expected F32`);
    const [b, end] = e.data_offsets;
    if (base + end > buf.length || end - b !== 4 * e.shape.reduce((a, x) => a * x, 1))
      throw new Error(`${source}: ${name} has bad offsets`);
    const copy = new Float32Array(new ArrayBuffer(end - b));
    new Uint8Array(copy.buffer).set(buf.subarray(base + b, base + end));
    tensors[name] = { shape: e.shape, data: copy };
  }
  return { tensors, metadata };
}

export function readF32Safetensors(file: string): ReturnType<typeof decodeF32Safetensors> {
  return decodeF32Safetensors(readFileSync(file), file);
}
