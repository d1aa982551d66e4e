// The layers are held by ESLint (eslint.config.mjs, run by `npm run lint` in `npm test`). This test
// lints one forbidden import per rule at a path inside each layer and expects the rule to report it,
// so removing a zone or the vscode ban from the config fails here, not silently.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const root = join(__dirname, '..', '..', '..');
// The probes below are text at paths that do not exist; import/no-cycle needs files on disk (its own
// test writes two), so it is off for them.
const eslint = new ESLint({ cwd: root, overrideConfig: { rules: { 'import/no-cycle': 'off' } } });

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

const forbidden: Array<[file: string, code: string, rule: string]> = [
  ['src/engine/probe.ts', "import { activate } from '../extension/extension';", 'import/no-restricted-paths'],
  ['src/engine/probe.ts', "import { TrainingProcess } from '../worker/client';", 'import/no-restricted-paths'],
  ['src/engine/probe.ts', "import * as vscode from 'vscode';", 'no-restricted-imports'],
  ['src/schema/probe.ts', "import { toHost } from '../protocol';", 'import/no-restricted-paths'],
  ['src/protocol/probe.ts', "import { createModel } from '../engine/model';", 'import/no-restricted-paths'],
  ['src/worker/probe.ts', "import { activate } from '../extension/extension';", 'import/no-restricted-paths'],
  ['src/cli/probe.ts', "import * as vscode from 'vscode';", 'no-restricted-imports'],
  ['webview/probe.ts', "import { createModel } from '../src/engine/model';", 'import/no-restricted-paths'],
  ['webview/probe.ts', "import { readFileSync } from 'node:fs';", 'no-restricted-imports'],
  ['src/probe.ts', "import { tinyConfig } from '../test/unit/train/helpers';", 'import/no-restricted-paths'],
];

for (const [file, code, rule] of forbidden) {
  test(`lint refuses in ${file}: ${code}`, async () => {
    const found = await problems(file, code);
    assert.ok(
      found.some((p) => p.startsWith(`${rule}:`)),
      `expected ${rule}, got: ${found.join(' | ') || 'nothing'}`,
    );
  });
}

test('lint refuses an import cycle', async () => {
  const dir = join(__dirname, `cycle-probe-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(join(dir, 'a.ts'), "import { b } from './b';\nexport const a = (): unknown => b;\n");
    writeFileSync(join(dir, 'b.ts'), "import { a } from './a';\nexport const b = (): unknown => a;\n");
    const results = await new ESLint({ cwd: root }).lintFiles([join(dir, 'a.ts')]);
    const found = results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}`));
    assert.ok(
      found.some((p) => p.startsWith('import/no-cycle:')),
      `expected import/no-cycle, got: ${found.join(' | ') || 'nothing'}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the editor adapters may import vscode, the engine and the worker client', async () => {
  const code =
    "import * as vscode from 'vscode';\nimport { createModel } from '../engine/model';\nimport { TrainingProcess } from '../worker/client';\n";
  assert.deepEqual(await problems('src/extension/probe.ts', code), []);
});
