// What the Extensions view shows of the packaged extension: a 128×128 PNG icon, the user-facing page
// as the .vsix's README with every image it shows present, and toolbar buttons that look different.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const repo = resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
  icon?: string;
  scripts: Record<string, string>;
  contributes: {
    commands: Array<{ command: string; icon?: string }>;
    menus: Record<string, Array<{ command: string; when?: string }>>;
  };
};

test('the icon is a 128×128 PNG', () => {
  assert.ok(pkg.icon, 'package.json names an icon');
  const png = readFileSync(join(repo, pkg.icon));
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128], 'IHDR width and height');
});

test('the package script ships the Marketplace page as the README, with its images', () => {
  const m = /--readme-path\s+(\S+)/.exec(pkg.scripts.package);
  assert.ok(m, `the package script passes --readme-path: ${pkg.scripts.package}`);
  const page = readFileSync(join(repo, m[1]), 'utf8');
  assert.doesNotMatch(
    page,
    /npm ci|code-server|Chromium/,
    'the page is for users, not for people building from source',
  );
  assert.match(page, /## The first three steps/);
  const images = [...page.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((x) => x[1]);
  assert.ok(images.length >= 1, 'the page shows a screenshot');
  // Relative links are kept (--no-rewrite-relative-links) and resolve from the extension's root.
  assert.match(pkg.scripts.package, /--no-rewrite-relative-links/);
  for (const img of images) assert.ok(existsSync(join(repo, img)), `${img} exists (relative to the extension root)`);
  assert.ok(existsSync(join(repo, dirname(m[1]))));
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  assert.match(
    readme.split('\n').slice(0, 12).join('\n'),
    /npm ci && npm run demo[\s\S]*npm test/,
    'the repository README keeps its two commands at the top',
  );
});

test('buttons that share a toolbar have different icons', () => {
  const icon = new Map(pkg.contributes.commands.map((c) => [c.command, c.icon]));
  const notebookButtons = [
    ...pkg.contributes.menus['editor/title'].filter((m) => !m.when || m.when.includes('notebook')),
    ...pkg.contributes.menus['notebook/toolbar'],
  ].map((m) => icon.get(m.command));
  assert.equal(new Set(notebookButtons).size, notebookButtons.length, `distinct icons: ${notebookButtons.join(', ')}`);
  // VS Code's own notebook toolbar has a gear: ours must not look like it.
  assert.ok(
    !notebookButtons.some((i) => /\$\((settings-)?gear\)/.test(i ?? '')),
    `no gear among ${notebookButtons.join(', ')}`,
  );
});
