// `npm run bench`: runs every bench/<area>.ts and prints ONE table. Each figure stands beside its peer
// (or the physical limit) measured in the same run, as a ratio, because absolute times drift on these
// machines. Pass area names to run a subset: `npm run bench -- tokenizer model`.
import { readdirSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchRow } from './types';

const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  if (a >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (a >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  if (a >= 10) return n.toFixed(1);
  return n.toPrecision(3);
}

function meets(ratio: number, target?: string): string {
  const m = target?.match(/^\s*(>=|<=)\s*([\d.]+)/);
  if (!m) return '';
  const t = Number(m[2]);
  return (m[1] === '>=' ? ratio >= t : ratio <= t) ? 'yes' : 'NO';
}

async function main(): Promise<void> {
  const dir = __dirname;
  const areas = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !['run.ts', 'types.ts'].includes(f))
    .map((f) => f.replace(/\.ts$/, ''))
    .filter((a) => only.length === 0 || only.includes(a));
  const rows: BenchRow[] = [];
  for (const area of areas) {
    process.stderr.write(`bench: ${area} ...\n`);
    try {
      const mod = (await import(join(dir, `${area}.ts`))) as { bench(): Promise<BenchRow[]> };
      rows.push(...(await mod.bench()));
    } catch (err) {
      process.stderr.write(`bench: ${area} failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    }
  }
  const header = ['area', 'figure', 'value', 'unit', 'peer / limit', 'peer value', 'ratio', 'target', 'met'];
  const body = rows.map((r) => [
    r.area,
    r.figure,
    fmt(r.value),
    r.unit,
    r.peer,
    fmt(r.peerValue),
    r.ratio.toFixed(2),
    r.target ?? '',
    meets(r.ratio, r.target),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  console.log(line(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const b of body) console.log(line(b));
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(
    join('bench-results', 'latest.json'),
    JSON.stringify({ date: new Date().toISOString(), rows }, null, 2),
  );
}

void main();
