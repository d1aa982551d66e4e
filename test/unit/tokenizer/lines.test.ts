import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineBatches, InvalidUtf8Error } from '../../../src/engine/tokenizer';

async function collect(chunks: Uint8Array[]): Promise<string[]> {
  async function* source() {
    yield* chunks;
  }
  const out: string[] = [];
  for await (const batch of lineBatches(source())) out.push(...batch);
  return out;
}

test('lines across chunk boundaries, CRLF, empty lines and a last line without newline', async () => {
  const bytes = Buffer.from('héllo\r\n\nwörld 😀\nlast');
  const chunks: Uint8Array[] = [];
  for (let k = 0; k < bytes.length; k += 3) chunks.push(bytes.subarray(k, k + 3)); // cuts inside characters
  assert.deepEqual(await collect(chunks), ['héllo', '', 'wörld 😀', 'last']);
  assert.deepEqual(await collect([]), []);
  assert.deepEqual(await collect([Buffer.from('\n')]), ['']);
});

test('invalid UTF-8 names the line, even in a later chunk', async () => {
  const chunks = [
    Buffer.from('a\nb\n'),
    Buffer.concat([Buffer.from('c\nd'), Buffer.from([0xc3, 0x28]), Buffer.from('\ne\n')]),
  ];
  await assert.rejects(collect(chunks), (e: unknown) => e instanceof InvalidUtf8Error && e.line === 4);
});
