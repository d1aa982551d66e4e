// End-to-end harness: our packaged extension in a real VS Code (code-server 4.100.3) driven through
// Debian's Chromium with playwright-core. One `VSCode` = one server + one browser + temp folders.
// Usage (see test/e2e/README.md):
//   await withVSCode({ theme: 'dark', files: { 'a.txt': 'hi' } }, async (vs) => { await vs.runCommand('BERT: …'); });
import {
  mkdtempSync,
  mkdirSync,
  writeFileSync,
  rmSync,
  readdirSync,
  statSync,
  readFileSync,
  existsSync,
  cpSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { chromium, type Browser, type BrowserServer, type Page, type Frame, type Locator } from 'playwright-core';
import {
  REPO_ROOT,
  assertInstalled,
  installExtension,
  killGroup,
  startServer,
  type RunningServer,
  type ServerDirs,
} from './lib/codeServer';
import { lagStats, readLagLines, type LagStats } from './lib/lag';

export { REPO_ROOT };
export const EXTENSION_ID = 'bertnb.bertnb';
export const OUTPUT_CHANNEL = 'BERT Notebook';
export const RESULTS_DIR = join(REPO_ROOT, 'test-results');
const DEFAULT_VSIX = join(REPO_ROOT, 'bertnb.vsix');
const CHROMIUM = process.env.BERTNB_CHROMIUM ?? '/usr/bin/chromium';

export type Theme = 'light' | 'dark' | 'hc-dark' | 'hc-light';
// name = settings value, label = what the Color Theme picker shows, bodyClass = on .monaco-workbench.
const THEMES: Record<Theme, { name: string; label: string; bodyClass: string }> = {
  light: { name: 'Default Light Modern', label: 'Light Modern', bodyClass: 'vs' },
  dark: { name: 'Default Dark Modern', label: 'Dark Modern', bodyClass: 'vs-dark' },
  'hc-dark': { name: 'Default High Contrast', label: 'Dark High Contrast', bodyClass: 'hc-black' },
  'hc-light': { name: 'Default High Contrast Light', label: 'Light High Contrast', bodyClass: 'hc-light' },
};

export interface VSCodeOptions {
  /** Label for logs/screenshots folders; default 'vscode'. */
  label?: string;
  theme?: Theme;
  /** false = Workspace Trust on and the folder NOT trusted (restricted mode). Default true. */
  trusted?: boolean;
  /** Workspace files to create before VS Code opens: relative path -> content. */
  files?: Record<string, string | Buffer>;
  /** Extra user settings (merged over the harness defaults). */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server and so for the extension host. */
  env?: Record<string, string>;
  /** Packaged extension to install; default <repo>/bertnb.vsix (`npm run package`). */
  vsix?: string;
  /** Browser viewport; default 1400x900. */
  viewport?: { width: number; height: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs fn against a fresh VS Code and always tears it down, also when fn throws or times out. */
export async function withVSCode<T>(
  opts: VSCodeOptions,
  fn: (vs: VSCode) => Promise<T>,
  timeoutMs = 300_000,
): Promise<T> {
  const vs = await VSCode.launch(opts);
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`e2e test "${vs.label}" exceeded ${timeoutMs} ms`)), timeoutMs);
    });
    return await Promise.race([fn(vs), timeout]);
  } catch (e) {
    await vs.screenshot(`${vs.label}-failure`).catch(() => undefined);
    throw e;
  } finally {
    clearTimeout(timer);
    await vs.close();
  }
}

// Runs in the page (a string: the project's tsconfig has no DOM types). Toasts and the notification
// centre share .notification-list-item; modal dialogs ("Command 'X' resulted in an error") are separate.
const READ_NOTIFICATIONS = `(() => {
  const text = (el) => (el && el.textContent ? el.textContent.trim() : '');
  const sev = (cls) => (/error/.test(cls) ? 'error' : /warning/.test(cls) ? 'warning' : 'info');
  const cls = (el) => (el ? String(el.className) : '');
  const toasts = Array.from(document.querySelectorAll('.notification-list-item')).map((el) => ({
    severity: sev(cls(el.querySelector('.notification-list-item-icon'))),
    message: text(el.querySelector('.notification-list-item-message')),
    source: text(el.querySelector('.notification-list-item-source')) || 'notification',
  }));
  const dialogs = Array.from(document.querySelectorAll('.monaco-dialog-box')).map((el) => ({
    severity: sev(cls(el.querySelector('.dialog-icon'))),
    message: [text(el.querySelector('.dialog-message-text')), text(el.querySelector('.dialog-message-detail'))].filter(Boolean).join(': '),
    source: 'dialog',
  }));
  return [...toasts, ...dialogs];
})()`;

export interface Notification {
  severity: 'error' | 'warning' | 'info';
  message: string;
  source: string;
}

export class VSCode {
  readonly consoleErrors: string[] = [];
  /** How long each launch phase took (ms), for reports. */
  readonly timings: Record<string, number> = {};
  private readonly seen = new Map<string, Notification>();
  private watcher: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    readonly label: string,
    readonly root: string,
    readonly workspace: string,
    readonly dirs: ServerDirs,
    readonly lagFile: string,
    readonly serverLog: string,
    private readonly server: RunningServer,
    private readonly browserServer: BrowserServer,
    private readonly browser: Browser,
    readonly page: Page,
  ) {}

  static async launch(opts: VSCodeOptions = {}): Promise<VSCode> {
    assertInstalled();
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: run scripts/setup-e2e.sh (apt-get install chromium)`);
    const vsix = opts.vsix ?? DEFAULT_VSIX;
    if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run npm run package`);
    const label = opts.label ?? 'vscode';
    const root = mkdtempSync(join(tmpdir(), `bertnb-e2e-${label}-`));
    const dirs: ServerDirs = {
      userDataDir: join(root, 'user-data'),
      extensionsDir: join(root, 'extensions'),
      configHome: join(root, 'home'),
    };
    const workspace = join(root, 'workspace');
    for (const d of [dirs.userDataDir, dirs.extensionsDir, dirs.configHome, workspace])
      mkdirSync(d, { recursive: true });
    for (const [rel, content] of Object.entries(opts.files ?? {})) {
      mkdirSync(dirname(join(workspace, rel)), { recursive: true });
      writeFileSync(join(workspace, rel), content);
    }
    const theme = opts.theme ?? 'light';
    const trusted = opts.trusted ?? true;
    writeSettings(dirs.userDataDir, {
      ...defaultSettings(theme, trusted),
      ...(opts.settings ?? {}),
    });
    const t0 = Date.now();
    installExtension(vsix, dirs);
    const tInstalled = Date.now();

    const lagFile = join(root, 'lag.jsonl');
    const serverLog = join(root, 'code-server.log');
    const server = await startServer({
      dirs,
      workspace,
      logFile: serverLog,
      env: { BERTNB_LAG_PROBE: lagFile, ...(opts.env ?? {}) },
    });
    const tServer = Date.now();
    let browserServer: BrowserServer | undefined;
    try {
      browserServer = await chromium.launchServer({
        executablePath: CHROMIUM,
        headless: true,
        timeout: 30_000,
        // Chromium's profile/crash folders go to the session's temp home, not the real one.
        env: {
          ...process.env,
          HOME: dirs.configHome,
          XDG_CONFIG_HOME: dirs.configHome,
          XDG_CACHE_HOME: join(dirs.configHome, 'cache'),
        },
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--disable-dev-shm-usage',
        ],
      });
      const browser = await chromium.connect(browserServer.wsEndpoint(), { timeout: 30_000 });
      const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1400, height: 900 } });
      context.setDefaultTimeout(30_000);
      const page = await context.newPage();
      const vs = new VSCode(label, root, workspace, dirs, lagFile, serverLog, server, browserServer, browser, page);
      page.on('console', (m) => m.type() === 'error' && vs.consoleErrors.push(m.text()));
      page.on('pageerror', (e) => vs.consoleErrors.push(String(e)));
      const tBrowser = Date.now();
      await page.goto(`http://127.0.0.1:${server.port}/?folder=${encodeURIComponent(workspace)}`, { timeout: 120_000 });
      // Bounds are generous: on 2 busy cores the workbench took 46 s to appear (7 s when idle).
      await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
      vs.timings.launchBrowser = tBrowser - tServer;
      vs.timings.workbenchVisible = Date.now() - tBrowser;
      await vs.waitForTheme(theme);
      // The status bar is among the last parts to appear: after it, commands and editors respond.
      await page.locator('#workbench\\.parts\\.statusbar').waitFor({ timeout: 30_000 });
      // Ready when the extension host has started its extensions (status bar items, commands exist).
      await vs.waitFor(
        'the extension host to start',
        () => /Eager extensions activated/.test(vs.extensionHostLog()),
        120_000,
      );
      vs.watcher = setInterval(() => void vs.collectNotifications(), 500);
      Object.assign(vs.timings, {
        installExtension: tInstalled - t0,
        startServer: tServer - tInstalled,
        workbenchReady: Date.now() - tServer,
      });
      return vs;
    } catch (e) {
      await killGroup(browserServer?.process().pid ?? -1, 0).catch(() => undefined);
      await server.stop();
      throw e;
    }
  }

  // ---------- waiting ----------

  /** Polls `check` (sync or async) until it returns something truthy; throws naming `what` after timeoutMs. */
  async waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 30_000): Promise<NonNullable<T>> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
      try {
        const v = await check();
        if (v) return v as NonNullable<T>;
      } catch (e) {
        last = e;
      }
      if (Date.now() > deadline)
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last})` : ''}`);
      await sleep(250);
    }
  }

  // ---------- commands, editors ----------

  /**
   * Runs a command by its palette label, e.g. "BERT: Preview Tokenization": F1, type, click the row
   * whose label is exactly `title`. Retries while the row is missing (contributions load late).
   */
  async runCommand(title: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const input = await this.openQuickInput('>');
      await input.fill(`>${title}`);
      const row = this.quickPickRow(title).first();
      if (
        await row.waitFor({ timeout: 5_000 }).then(
          () => true,
          () => false,
        )
      ) {
        await row.click();
        return;
      }
      if (Date.now() > deadline) throw new Error(`command "${title}" is not in the command palette`);
    }
  }

  /** Palette labels that match a filter (e.g. "BERT:"), as VS Code lists them (only rows on screen). */
  async paletteCommands(filter: string, timeoutMs = 30_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    const rows = this.page.locator('.quick-input-list .monaco-list-row .label-name');
    for (;;) {
      const input = await this.openQuickInput('>');
      await input.fill(`>${filter}`);
      await sleep(500); // the list filters incrementally; let it settle
      const labels = (await rows.allTextContents())
        .map((l) => l.trim())
        .filter((l) => l.toLowerCase().includes(filter.toLowerCase()));
      if (labels.length > 0 || Date.now() > deadline) {
        await this.page.keyboard.press('Escape');
        return labels;
      }
      await sleep(1_000);
    }
  }

  /** Picks the row labelled exactly `label` in the open quick pick (after a command asked something). */
  async pick(label: string, typed = label): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ timeout: 10_000 });
    await input.fill(typed);
    const row = this.quickPickRow(label).first();
    await row.waitFor({ timeout: 10_000 });
    await row.click();
  }

  /** Opens a workspace file by its path relative to the workspace (Quick Open). */
  async openFile(rel: string): Promise<void> {
    const input = await this.openQuickInput('');
    await input.fill(rel);
    const base = rel.split('/').pop() ?? rel;
    const row = this.page.locator('.quick-input-list .monaco-list-row', {
      has: this.page.locator('.label-name', { hasText: base }),
    });
    await row.first().waitFor({ timeout: 15_000 });
    await this.page.keyboard.press('Enter');
    await this.page
      .locator(`.tab[data-resource-name="${base}"], .tab:has-text("${base}")`)
      .first()
      .waitFor({ timeout: 20_000 });
  }

  private async openQuickInput(prefix: string): Promise<Locator> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    // Escape hides toasts and closes dialogs: record them first so errorNotifications() misses nothing.
    await this.collectNotifications();
    for (let attempt = 0; attempt < 3; attempt++) {
      await this.page.keyboard.press('Escape');
      await this.page.keyboard.press('F1');
      if (
        await input.waitFor({ timeout: 5_000 }).then(
          () => true,
          () => false,
        )
      )
        break;
    }
    await input.waitFor({ timeout: 1_000 });
    await input.fill(prefix);
    return input;
  }

  private quickPickRow(label: string): Locator {
    const exact = new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
    return this.page.locator('.quick-input-list .monaco-list-row', {
      has: this.page.locator('.label-name', { hasText: exact }),
    });
  }

  /** false in restricted mode (Workspace Trust on, folder not trusted): its status bar item shows. */
  async isTrusted(): Promise<boolean> {
    return !(await this.page.locator('[id="status.workspaceTrust"]').isVisible());
  }

  // ---------- look ----------

  /** Screenshot of the whole window to test-results/<name>.png; returns the path. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const path = join(RESULTS_DIR, `${name}.png`);
    await this.page.screenshot({ path, timeout: 15_000 });
    return path;
  }

  /** Switches the colour theme live, the way a person does (Preferences: Color Theme). */
  async setTheme(theme: Theme): Promise<void> {
    await this.runCommand('Preferences: Color Theme');
    await this.pick(THEMES[theme].label);
    await this.waitForTheme(theme);
  }

  private async waitForTheme(theme: Theme): Promise<void> {
    const cls = THEMES[theme].bodyClass;
    await this.page.locator(`.monaco-workbench.${cls}`).waitFor({ timeout: 20_000 });
  }

  // ---------- webviews and notebook outputs ----------

  /**
   * The content frame of every webview (panels, views, notebook output webview). VS Code nests two
   * iframes: an outer `iframe.webview` host and the `#active-frame` with the extension's HTML.
   */
  webviewFrames(): Frame[] {
    return this.page.frames().filter((f) => f.name() === 'active-frame' || f.url().includes('fake.html'));
  }

  /** frameLocator chain for the n-th webview on the page (0 = first ready one). */
  webview(n = 0) {
    return this.page.frameLocator('iframe.webview.ready').nth(n).frameLocator('#active-frame');
  }

  /** Waits until some webview contains `selector` and returns that frame (bounded). */
  async frameWith(selector: string, timeoutMs = 30_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const f of this.page.frames()) {
        if (f === this.page.mainFrame()) continue;
        const n = await f
          .locator(selector)
          .count()
          .catch(() => 0);
        if (n > 0) return f;
      }
      await sleep(250);
    }
    throw new Error(`no webview frame contains ${selector} within ${timeoutMs} ms`);
  }

  // ---------- notifications ----------

  private async collectNotifications(): Promise<void> {
    if (this.closed) return;
    const found = await this.page.evaluate<Notification[]>(READ_NOTIFICATIONS).catch(() => [] as Notification[]);
    for (const n of found) if (n.message) this.seen.set(`${n.severity}|${n.source}|${n.message}`, n);
  }

  /** Every notification seen since launch (polled twice a second, so also ones that went away). */
  async notifications(): Promise<Notification[]> {
    await this.collectNotifications();
    return [...this.seen.values()];
  }

  async errorNotifications(): Promise<Notification[]> {
    return (await this.notifications()).filter((n) => n.severity === 'error');
  }

  // ---------- logs ----------

  /** All log files VS Code wrote (server side: extension host, our output channel, ...). */
  logFiles(): string[] {
    const out: string[] = [];
    const walk = (d: string) => {
      if (!existsSync(d)) return;
      for (const name of readdirSync(d)) {
        const p = join(d, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (name.endsWith('.log')) out.push(p);
      }
    };
    walk(join(this.dirs.userDataDir, 'logs'));
    return out;
  }

  /** Text of a log output channel (default: ours, "BERT Notebook"); '' until it has been created. */
  outputChannel(name = OUTPUT_CHANNEL): string {
    const f = this.logFiles().find((p) => p.endsWith(`/${name}.log`));
    return f ? readFileSync(f, 'utf8') : '';
  }

  /** The extension host's own log (activation, extension errors). */
  extensionHostLog(): string {
    return this.logFiles()
      .filter((p) => /exthost\.log$/.test(p)) // code-server: remoteexthost.log
      .map((p) => readFileSync(p, 'utf8'))
      .join('\n');
  }

  /** Whether the extension created a log output channel of that name (default: ours). */
  hasOutputChannel(name = OUTPUT_CHANNEL): boolean {
    return this.logFiles().some((p) => p.endsWith(`/${name}.log`));
  }

  /** Waits (bounded) until a log output channel contains `text`. */
  async waitForOutput(text: string | RegExp, name = OUTPUT_CHANNEL, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const log = this.outputChannel(name);
      if (typeof text === 'string' ? log.includes(text) : text.test(log)) return log;
      await sleep(250);
    }
    throw new Error(
      `output channel "${name}" did not show ${text} within ${timeoutMs} ms; it has:\n${this.outputChannel(name)}`,
    );
  }

  // ---------- extension host responsiveness ----------

  /** Event-loop lag of the extension host in [fromMs, toMs] (Date.now() values); see lagProbe.ts. */
  lag(fromMs = 0, toMs = Infinity): LagStats {
    return lagStats(readLagLines(this.lagFile), fromMs, toMs);
  }

  // ---------- teardown ----------

  /** Stops browser and server (by PID, bounded) and keeps the logs in test-results/logs/<label>/. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.watcher);
    const within = (p: Promise<unknown>, ms: number) => Promise.race([p.catch(() => undefined), sleep(ms)]);
    await within(this.browser.close(), 5_000);
    await within(this.browserServer.close(), 5_000);
    await killGroup(this.browserServer.process().pid ?? -1, 1_000);
    await this.server.stop();
    try {
      const keep = join(RESULTS_DIR, 'logs', this.label);
      rmSync(keep, { recursive: true, force: true });
      mkdirSync(keep, { recursive: true });
      cpSync(this.serverLog, join(keep, 'code-server.log'));
      if (existsSync(this.lagFile)) cpSync(this.lagFile, join(keep, 'lag.jsonl'));
      cpSync(join(this.dirs.userDataDir, 'logs'), join(keep, 'vscode'), { recursive: true });
    } catch {
      /* logs are a convenience */
    }
    if (!process.env.BERTNB_E2E_KEEP) rmSync(this.root, { recursive: true, force: true });
  }
}

function defaultSettings(theme: Theme, trusted: boolean): Record<string, unknown> {
  return {
    'workbench.colorTheme': THEMES[theme].name,
    'window.autoDetectColorScheme': false,
    'window.autoDetectHighContrast': false,
    'telemetry.telemetryLevel': 'off',
    'security.workspace.trust.enabled': !trusted,
    // Restricted mode without a modal: the folder opens untrusted and the UI says so.
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.banner': 'always',
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.enableExperiments': false,
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'extensions.ignoreRecommendations': true,
    'update.mode': 'none',
    'git.enabled': false,
    'chat.commandCenter.enabled': false,
    'editor.minimap.enabled': false,
  };
}

function writeSettings(userDataDir: string, settings: Record<string, unknown>): void {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
}
