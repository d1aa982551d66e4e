import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventFileWriter } from '../../../src/engine/train/tensorboard';

// An independent decoder: bitwise CRC-32C (no table), TFRecord framing, and a generic protobuf walker.
function crc32cBitwise(buf: Uint8Array): number {
  let crc = ~0 >>> 0;
  for (const byte of buf) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = (crc >>> 1) ^ (0x82f63b78 & -(crc & 1));
  }
  return ~crc >>> 0;
}
const mask = (c: number) => ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;

type Field = { no: number; wire: number; value: bigint | Buffer };
function parseProto(buf: Buffer): Field[] {
  const out: Field[] = [];
  let i = 0;
  const readVarint = (): bigint => {
    let r = 0n,
      s = 0n;
    for (;;) {
      const b = buf[i++];
      r |= BigInt(b & 0x7f) << s;
      s += 7n;
      if (!(b & 0x80)) return r;
    }
  };
  while (i < buf.length) {
    const k = Number(readVarint());
    const no = k >> 3,
      wire = k & 7;
    if (wire === 0) out.push({ no, wire, value: readVarint() });
    else if (wire === 1) (out.push({ no, wire, value: buf.subarray(i, i + 8) }), (i += 8));
    else if (wire === 5) (out.push({ no, wire, value: buf.subarray(i, i + 4) }), (i += 4));
    else if (wire === 2) {
      const n = Number(readVarint());
      out.push({ no, wire, value: buf.subarray(i, i + n) });
      i += n;
    } else throw new Error(`wire type ${wire}`);
  }
  return out;
}

test('event file parses back as TFRecords of Event protos with valid CRCs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bertnb-tb-'));
  const w = new EventFileWriter(dir);
  w.scalars(10, { 'train/loss': 0.75, 'train/learning_rate': 5e-5 });
  w.scalars(20, { 'eval/accuracy': 0.9, 'eval/bad': NaN });
  w.close();
  const files = readdirSync(dir);
  assert.equal(files.length, 1);
  assert.match(files[0], /^events\.out\.tfevents\.\d+\./);
  const buf = readFileSync(join(dir, files[0]));
  const events: Field[][] = [];
  let off = 0;
  while (off < buf.length) {
    const lenBytes = buf.subarray(off, off + 8);
    const len = Number(buf.readBigUInt64LE(off));
    assert.equal(buf.readUInt32LE(off + 8), mask(crc32cBitwise(lenBytes)), 'length crc');
    const data = buf.subarray(off + 12, off + 12 + len);
    assert.equal(buf.readUInt32LE(off + 12 + len), mask(crc32cBitwise(data)), 'data crc');
    events.push(parseProto(data));
    off += 16 + len;
  }
  assert.equal(off, buf.length);
  assert.equal(events.length, 3);
  assert.equal((events[0].find((f) => f.no === 3)!.value as Buffer).toString(), 'brain.Event:2');
  const scalars = events.slice(1).map((ev) => {
    const step = Number(ev.find((f) => f.no === 2)!.value);
    const wall = (ev.find((f) => f.no === 1)!.value as Buffer).readDoubleLE(0);
    assert.ok(wall > 1.7e9);
    const summary = parseProto(ev.find((f) => f.no === 5)!.value as Buffer);
    const values = summary.map((v) => {
      const fields = parseProto(v.value as Buffer);
      return [
        (fields.find((f) => f.no === 1)!.value as Buffer).toString(),
        (fields.find((f) => f.no === 2)!.value as Buffer).readFloatLE(0),
      ] as const;
    });
    return { step, values };
  });
  assert.equal(scalars[0].step, 10);
  assert.equal(scalars[0].values[0][0], 'train/loss');
  assert.ok(Math.abs(scalars[0].values[0][1] - 0.75) < 1e-7);
  assert.ok(Math.abs(scalars[0].values[1][1] - 5e-5) < 1e-10);
  assert.deepEqual(
    scalars[1].values.map((v) => v[0]),
    ['eval/accuracy'],
  ); // NaN dropped
});
