// safetensors: what we write follows the format's rules; hostile files are refused with clear errors
// before any tensor-sized allocation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SafetensorsFile, writeSafetensors, halfToFloat } from '../../../src/engine/checkpoint/safetensors';

const dir = mkdtempSync(join(tmpdir(), 'bertnb-st-'));

function rawFile(name: string, header: unknown, dataBytes: number, opts: { headerLen?: bigint } = {}): string {
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(opts.headerLen ?? BigInt(json.length));
  const p = join(dir, name);
  writeFileSync(p, Buffer.concat([len, json, Buffer.alloc(dataBytes)]));
  return p;
}

test('written files: u64le header length, space padding to 8, __metadata__ format pt, F32 data that reads back', async () => {
  const p = join(dir, 'ok.safetensors');
  const a = Float32Array.from([1, -2.5, 3.25, 4, 5, 6]);
  const b = Float32Array.from([0.5]);
  await writeSafetensors(p, [
    { name: 'z.weight', shape: [2, 3], data: a },
    { name: 'a.bias', shape: [1], data: b },
  ]);
  const bytes = readFileSync(p);
  const n = Number(bytes.readBigUInt64LE(0));
  assert.equal(n % 8, 0, 'header length is a multiple of 8');
  const headerText = bytes.subarray(8, 8 + n).toString('utf8');
  assert.match(headerText, / *$/);
  const header = JSON.parse(headerText);
  assert.deepEqual(header.__metadata__, { format: 'pt' });
  assert.deepEqual(header['a.bias'], { dtype: 'F32', shape: [1], data_offsets: [0, 4] });
  assert.deepEqual(header['z.weight'], { dtype: 'F32', shape: [2, 3], data_offsets: [4, 28] });
  assert.equal(bytes.length, 8 + n + 28);
  const st = await SafetensorsFile.open(p);
  assert.deepEqual(Array.from(await st.readFloat32('z.weight')), Array.from(a));
  assert.deepEqual(st.header.metadata, { format: 'pt' });
  await st.close();
});

test('reads F16 and BF16 (and F64) as float32', async () => {
  const f16 = Buffer.alloc(6);
  [0x3c00, 0xc000, 0x3555].forEach((h, i) => f16.writeUInt16LE(h, i * 2)); // 1, -2, ~0.3333
  const bf16 = Buffer.alloc(4);
  bf16.writeUInt16LE(0x3fc0, 0); // 1.5
  bf16.writeUInt16LE(0xc110, 2); // -9
  const f64 = Buffer.alloc(8);
  f64.writeDoubleLE(0.125);
  const header = {
    h: { dtype: 'F16', shape: [3], data_offsets: [0, 6] },
    b: { dtype: 'BF16', shape: [2], data_offsets: [6, 10] },
    d: { dtype: 'F64', shape: [1], data_offsets: [10, 18] },
  };
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  const p = join(dir, 'half.safetensors');
  writeFileSync(p, Buffer.concat([len, json, f16, bf16, f64]));
  const st = await SafetensorsFile.open(p);
  const h = await st.readFloat32('h');
  assert.equal(h[0], 1);
  assert.equal(h[1], -2);
  assert.ok(Math.abs(h[2] - 1 / 3) < 1e-3);
  assert.deepEqual(Array.from(await st.readFloat32('b')), [1.5, -9]);
  assert.deepEqual(Array.from(await st.readFloat32('d')), [0.125]);
  assert.equal(halfToFloat(0x7c00), Infinity);
  await st.close();
});

const hostile: Array<[string, () => string, RegExp]> = [
  [
    'a file shorter than 8 bytes',
    () => (writeFileSync(join(dir, 't0'), Buffer.alloc(5)), join(dir, 't0')),
    /too short/,
  ],
  [
    'a header length beyond the file (truncated)',
    () => rawFile('t1', { a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, 4, { headerLen: 10_000n }),
    /larger than the file/,
  ],
  [
    'an oversized header length',
    () => rawFile('t2', {}, 0, { headerLen: 1n << 40n }),
    /exceeds the 100000000-byte limit/,
  ],
  [
    'tensor data past the end (truncated)',
    () => rawFile('t3', { a: { dtype: 'F32', shape: [1000], data_offsets: [0, 4000] } }, 100),
    /beyond the end of the file/,
  ],
  [
    'overlapping offsets',
    () =>
      rawFile(
        't4',
        {
          a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
          b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
        },
        12,
      ),
    /overlaps/,
  ],
  ['a gap between tensors', () => rawFile('t5', { a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8), /gap/],
  [
    'an unknown dtype',
    () => rawFile('t6', { a: { dtype: 'F31', shape: [1], data_offsets: [0, 4] } }, 4),
    /unknown dtype "F31"/,
  ],
  [
    'shape × dtype ≠ byte length',
    () => rawFile('t7', { a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, 8),
    /is 12 bytes but data_offsets span 8/,
  ],
  [
    'a huge shape with small offsets',
    () => rawFile('t8', { a: { dtype: 'F32', shape: [1e9, 1e9], data_offsets: [0, 4] } }, 4),
    /bytes but data_offsets span 4/,
  ],
  [
    'trailing bytes after the last tensor',
    () => rawFile('t9', { a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, 12),
    /ends at byte/,
  ],
  [
    'a header that is not JSON',
    () => {
      const p = join(dir, 't10');
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(5n);
      writeFileSync(p, Buffer.concat([len, Buffer.from('{oops')]));
      return p;
    },
    /not valid UTF-8 JSON/,
  ],
  [
    'negative offsets',
    () => rawFile('t11', { a: { dtype: 'F32', shape: [1], data_offsets: [-4, 0] } }, 4),
    /invalid data_offsets/,
  ],
];

for (const [what, make, message] of hostile) {
  test(`refuses ${what} with a clear error`, async () => {
    const p = make();
    await assert.rejects(SafetensorsFile.open(p), (e: Error) => {
      assert.match(e.message, /invalid safetensors file/);
      assert.match(e.message, message);
      return true;
    });
  });
}

test('refuses to read an integer tensor as a weight', async () => {
  const p = rawFile(
    'int.safetensors',
    { 'bert.embeddings.position_ids': { dtype: 'I64', shape: [1, 2], data_offsets: [0, 16] } },
    16,
  );
  const st = await SafetensorsFile.open(p);
  await assert.rejects(st.readFloat32('bert.embeddings.position_ids'), /dtype I64; expected a floating-point weight/);
  await st.close();
});
