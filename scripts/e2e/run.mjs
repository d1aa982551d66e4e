// Runs the real-VS-Code suite: every test/e2e/**/*.e2e.ts (or the files given), one file at a time
// (each starts its own code-server + Chromium; two cores cannot run two well), with a hard time limit
// per file so that a hung browser can never stall CI.
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const files = args.length ? args : [];
const walk = (d) => {
  for (const name of readdirSync(d).sort()) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.e2e.ts')) files.push(p);
  }
};
if (!args.length && existsSync('test/e2e')) walk('test/e2e');
if (files.length === 0) {
  console.error('no *.e2e.ts files under test/e2e');
  process.exit(1);
}
const perTestMs = Number(process.env.BERTNB_E2E_TEST_TIMEOUT_MS ?? 600_000);
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', `--test-timeout=${perTestMs}`, ...files],
  { stdio: 'inherit', timeout: Number(process.env.BERTNB_E2E_TOTAL_TIMEOUT_MS ?? 3_000_000), killSignal: 'SIGKILL' },
);
if (r.error) console.error(`e2e run stopped: ${r.error.message}`);
process.exit(r.status ?? 1);
