// Starts and stops code-server (a real VS Code 1.100.3: workbench in the browser, extension host in
// Node) installed by scripts/setup-e2e.sh. Every wait is bounded; the server runs in its own process
// group so that stopping it also stops the extension host and anything our extension spawned.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { get } from 'node:http';

export const REPO_ROOT = join(__dirname, '..', '..', '..');
const E2E_DIR = process.env.BERTNB_E2E_DIR ?? join(REPO_ROOT, '.e2e');
export const CODE_SERVER_ENTRY = join(E2E_DIR, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');

export interface ServerDirs {
  userDataDir: string;
  extensionsDir: string;
  /** HOME-like folder for code-server's own config, so nothing is written to the real home. */
  configHome: string;
}

export function assertInstalled(): void {
  if (!existsSync(CODE_SERVER_ENTRY)) {
    throw new Error(
      `code-server is not installed at ${CODE_SERVER_ENTRY}: run scripts/setup-e2e.sh (npm run test:e2e does)`,
    );
  }
}

/** A port the OS just handed out on loopback (closed again, so code-server can bind it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function serverEnv(dirs: ServerDirs, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    XDG_CONFIG_HOME: dirs.configHome,
    XDG_DATA_HOME: join(dirs.configHome, 'data'),
    XDG_CACHE_HOME: join(dirs.configHome, 'cache'),
    // The browser is ours; code-server must not try to open one.
    BROWSER: 'none',
    ...extra,
  };
}

/** `--install-extension FILE.vsix` into dirs.extensionsDir (a separate short-lived process). */
export function installExtension(vsix: string, dirs: ServerDirs, timeoutMs = 60_000): void {
  const r = spawnSync(
    process.execPath,
    [
      CODE_SERVER_ENTRY,
      '--user-data-dir',
      dirs.userDataDir,
      '--extensions-dir',
      dirs.extensionsDir,
      '--install-extension',
      vsix,
      '--force',
    ],
    { env: serverEnv(dirs, {}), encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL' },
  );
  if (r.status !== 0) {
    throw new Error(`installing ${vsix} failed (status ${r.status}, ${r.error ?? ''}):\n${r.stdout}\n${r.stderr}`);
  }
}

export interface RunningServer {
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

function healthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/healthz', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Kills a whole process group: SIGTERM, then SIGKILL after graceMs. Synchronous-safe to call twice. */
export async function killGroup(pid: number, graceMs = 3000): Promise<void> {
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  if (!alive(pid)) return;
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await sleep(100);
  signal('SIGKILL');
}

// Last line of defence: if the test process exits abruptly, do not leave servers behind.
const live = new Set<number>();
process.on('exit', () => {
  for (const pid of live) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});

export async function startServer(opts: {
  dirs: ServerDirs;
  workspace: string;
  logFile: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}): Promise<RunningServer> {
  const port = await freePort();
  const out = openSync(opts.logFile, 'a');
  const child = spawn(
    process.execPath,
    [
      CODE_SERVER_ENTRY,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--user-data-dir',
      opts.dirs.userDataDir,
      '--extensions-dir',
      opts.dirs.extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-getting-started-override',
      opts.workspace,
    ],
    { env: serverEnv(opts.dirs, opts.env ?? {}), stdio: ['ignore', out, out], detached: true },
  );
  closeSync(out);
  const pid = child.pid;
  if (pid === undefined) throw new Error('code-server did not start');
  live.add(pid);
  let exited: number | null | undefined;
  child.on('exit', (code) => {
    exited = code;
    live.delete(pid);
  });

  const stop = async () => {
    await killGroup(pid);
    live.delete(pid);
  };
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  while (!(await healthy(port))) {
    if (exited !== undefined || Date.now() > deadline) {
      await stop();
      throw new Error(
        `code-server ${exited !== undefined ? `exited (${exited})` : 'did not answer /healthz in time'}; see ${opts.logFile}`,
      );
    }
    await sleep(200);
  }
  return { port, process: child, stop };
}
