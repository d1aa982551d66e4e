// The sidebar WebviewView: live training (from TrainingSession) and past runs (from the output
// folders). Chart points are batched and sent at bertnb.chart.updateRateHz, whatever the step rate.
import * as vscode from 'vscode';
import type { MonitorToHost, MonitorToWebview } from '../../protocol/panels';
import type { PanelContext } from '../panels/context';
import { gate } from '../panels/messageGate';
import { setWebviewContent } from '../panels/webviewSetup';
import { chartUpdateHz, defaultOutputRoots } from '../settings/settings';
import { isTrusted, manageTrust } from '../trust/trust';
import { listPastRuns, type PastRun } from './pastRuns';
import type { TrainingSession } from './trainingSession';

export const MONITOR_VIEW_ID = 'bertnb.monitor';

export class MonitorViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private lastFlush = 0;
  private runs: PastRun[] = [];
  private readonly subs: vscode.Disposable[] = [];

  constructor(
    private readonly ctx: PanelContext,
    private readonly session: TrainingSession,
  ) {
    this.subs.push(
      session.onDidChange(() => this.scheduleFlush()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.sendAll()),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    setWebviewContent(view.webview, this.ctx.extensionUri, 'monitor', 'Training Monitor');
    this.subs.push(view.webview.onDidReceiveMessage(gate('monitor', this.ctx.log, (m) => this.onMessage(m))));
    view.onDidChangeVisibility(() => view.visible && this.sendAll());
    view.onDidDispose(() => (this.view = undefined));
  }

  private post(m: MonitorToWebview): void {
    void this.view?.webview.postMessage(m);
  }

  private sendAll(): void {
    this.post({ type: 'init', trusted: isTrusted(), chartHz: chartUpdateHz() });
    const run = this.session.run;
    this.post({ type: 'live', run: run ? run.view() : null });
    if (run) this.post({ type: 'points', runId: run.id, points: run.allPoints(), reset: true });
    void this.refreshRuns();
  }

  /** Coalesces bursts of progress into at most chartHz messages per second. */
  private scheduleFlush(): void {
    if (this.flushTimer) return;
    const interval = 1000 / chartUpdateHz();
    const wait = Math.max(0, this.lastFlush + interval - Date.now());
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.lastFlush = Date.now();
      this.flush();
    }, wait);
  }

  private flush(): void {
    const run = this.session.run;
    if (!run) return;
    const view = run.view();
    this.post({ type: 'live', run: view });
    const pts = run.takePoints();
    if (pts.length) this.post({ type: 'points', runId: run.id, points: pts });
    // A run that just ended becomes a past run with its checkpoints.
    if (!run.active) void this.refreshRuns();
  }

  async refreshRuns(): Promise<void> {
    if (!isTrusted()) {
      this.post({ type: 'runs', runs: [], outputRoots: [] });
      return;
    }
    const roots = [...new Set([...defaultOutputRoots(), ...this.session.outputDirs])];
    try {
      this.runs = await listPastRuns(roots);
    } catch (e) {
      this.ctx.log.warn(`monitor: listing runs failed: ${(e as Error).message}`);
      this.runs = [];
    }
    this.post({ type: 'runs', runs: this.runs.map((r) => r.view), outputRoots: roots.map((r) => vscode.workspace.asRelativePath(r)) });
  }

  private find(id: string): PastRun | undefined {
    return this.runs.find((r) => r.view.id === id);
  }

  private async onMessage(m: MonitorToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
        return this.sendAll();
      case 'refresh':
        return this.refreshRuns();
      case 'start':
        await vscode.commands.executeCommand('bertnb.startTraining');
        return;
      case 'stop':
        await vscode.commands.executeCommand('bertnb.stopTraining');
        return;
      case 'pause':
        this.session.pause();
        return;
      case 'resume':
        this.session.resume();
        return;
      case 'manageTrust':
        await manageTrust();
        return;
      case 'openCheckpoint': {
        const run = this.find(m.run);
        const ckpt = run?.view.checkpoints[run.view.checkpoints.length - 1];
        if (!ckpt) return;
        // Reveal the folder in the explorer and open its config.json.
        const uri = vscode.Uri.file(ckpt);
        await vscode.commands.executeCommand('revealInExplorer', uri);
        const config = vscode.Uri.joinPath(uri, 'config.json');
        try {
          await vscode.workspace.fs.stat(config);
          await vscode.window.showTextDocument(config, { preview: true });
        } catch {
          /* a checkpoint without config.json is still revealed */
        }
        return;
      }
      case 'openLogs': {
        const run = this.find(m.run);
        if (!run?.logsDir) return;
        const uri = vscode.Uri.file(run.logsDir);
        await vscode.commands.executeCommand('revealInExplorer', uri);
        void vscode.window.showInformationMessage(`TensorBoard logs: ${run.logsDir}. View them with: tensorboard --logdir "${run.logsDir}"`, 'Copy Command').then((a) => {
          if (a) void vscode.env.clipboard.writeText(`tensorboard --logdir "${run.logsDir}"`);
        });
        return;
      }
      case 'compare': {
        // The Compare Runs panel (src/extension/compare): an editor tab with every metric, settings and checkpoints.
        const picked = m.runs.map((id) => this.find(id)).filter((r): r is PastRun => !!r);
        if (picked.length >= 2) await vscode.commands.executeCommand('bertnb.compareRuns', picked.map((r) => r.info.dir));
        return;
      }
    }
  }

  dispose(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.subs.forEach((s) => s.dispose());
  }
}
