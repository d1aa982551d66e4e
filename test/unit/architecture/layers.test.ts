// The layering rules of docs/architecture: the engine never touches `vscode`, webview code talks to the
// host only through the protocol, and only tests import from test/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const root = resolve(__dirname, '../../..');

function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|tsx|mts)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
    }
  };
  walk(join(root, dir));
  return out;
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    specs.push(m[1] ?? m[2] ?? m[3]);
  }
  return specs;
}

function resolved(file: string, spec: string): string {
  return spec.startsWith('.') ? relative(root, resolve(dirname(file), spec)) : spec;
}

test('engine, schema, protocol, worker and cli never import vscode or the extension adapters', () => {
  const offenders: string[] = [];
  for (const dir of ['src/engine', 'src/schema', 'src/protocol', 'src/worker', 'src/cli']) {
    for (const f of sources(dir)) {
      for (const s of imports(f)) {
        const r = resolved(f, s);
        if (s === 'vscode' || r.startsWith('src/extension')) offenders.push(`${relative(root, f)} imports ${s}`);
      }
    }
  }
  assert.deepEqual(offenders, []);
});

test('webview code imports only the protocol, the schema, its own folder and browser libraries', () => {
  const offenders: string[] = [];
  for (const f of sources('webview')) {
    for (const s of imports(f)) {
      const r = resolved(f, s);
      const ok = s.startsWith('.') ? r.startsWith('webview') || r.startsWith('src/protocol') || r.startsWith('src/schema') : !s.startsWith('node:') && s !== 'vscode';
      if (!ok) offenders.push(`${relative(root, f)} imports ${s}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('nothing outside test/ and bench/ imports test code', () => {
  const offenders: string[] = [];
  for (const dir of ['src', 'webview']) {
    for (const f of sources(dir)) for (const s of imports(f)) if (resolved(f, s).startsWith('test/')) offenders.push(`${relative(root, f)} imports ${s}`);
  }
  assert.deepEqual(offenders, []);
});
