// The house rule "no function over 120 lines", held for src/ by the same scan that
// `node --import tsx scripts/long-functions.ts` prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { longFunctions, longFunctionsIn } from '../../../scripts/long-functions';

const root = join(__dirname, '..', '..', '..');

test('no function in src/ is over 120 lines', () => {
  const found = longFunctions(root, ['src'], 120);
  assert.deepEqual(
    found.map((f) => `${f.file}:${f.line} ${f.name} (${f.lines} lines)`),
    [],
  );
});

test('the scan counts a function from its first to its last line, nested closures included', () => {
  const body = (n: number) => Array.from({ length: n }, (_, i) => `  const x${i} = ${i};`).join('\n');
  const source = [
    `export function long() {\n${body(119)}\n}`, // 121 lines
    `export function fits() {\n${body(118)}\n}`, // 120 lines
    `class K {\n  method() {\n${body(130)}\n  }\n}`,
    `export const arrow = () => {\n  const inner = () => {\n${body(125)}\n  };\n};`,
  ].join('\n');
  const found = longFunctionsIn('probe.ts', source, 120).map((f) => `${f.name}:${f.lines}`);
  assert.deepEqual(found.sort(), ['arrow:129', 'inner:127', 'long:121', 'method:132']);
});
