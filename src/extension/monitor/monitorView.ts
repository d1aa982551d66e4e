// The sidebar WebviewView: a view of the run store. The current run (started from the palette or a
// notebook cell) with its curves, and the past runs found in the output folders. The store rate-limits
// its changes (bertnb.chart.updateRateHz); every change of the current run sends its view and its
// (compacted) points whole.
import * as vscode from 'vscode';
import type { MonitorToHost, MonitorToWebview } from '../../protocol/panels';
import type { RunRecord } from '../../protocol';
import type { PanelContext } from '../panels/context';
import { gate } from '../panels/messageGate';
import { setWebviewContent } from '../panels/webviewSetup';
import { chartUpdateHz, defaultOutputRoots } from '../settings/settings';
import { chartPoints, liveView } from './views';
import { isTrusted, manageTrust } from '../trust/trust';
import { listPastRuns, type PastRun } from './pastRuns';
import type { TrainingSession } from './trainingSession';

export const MONITOR_VIEW_ID = 'bertnb.monitor';

export class MonitorViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private runs: PastRun[] = [];
  private readonly subs: vscode.Disposable[] = [];

  constructor(
    private readonly ctx: PanelContext,
    private readonly session: TrainingSession,
  ) {
    const offStore = session.store.onChange((r) => this.changed(r));
    const offInfo = session.store.onInfo(() => void this.refreshRuns());
    this.subs.push(
      { dispose: offStore },
      { dispose: offInfo },
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
    const run = this.session.store.current();
    this.post({ type: 'live', run: run ? liveView(run) : null });
    if (run) this.post({ type: 'points', runId: run.id, points: chartPoints(run), reset: true });
    void this.refreshRuns();
  }

  /** A run changed (at most chartHz times a second each): redraw it when it is the one shown. */
  private changed(r: RunRecord): void {
    if (r.source === 'disk' || this.session.store.current()?.id !== r.id) return;
    this.post({ type: 'live', run: liveView(r) });
    this.post({ type: 'points', runId: r.id, points: chartPoints(r), reset: true });
    // A run that just ended becomes a past run with its checkpoints.
    if (r.status !== 'running' && r.status !== 'starting' && r.status !== 'paused' && r.status !== 'stopping')
      void this.refreshRuns();
  }

  async refreshRuns(): Promise<void> {
    if (!isTrusted()) {
      this.post({ type: 'runs', runs: [], outputRoots: [] });
      return;
    }
    const roots = [...new Set([...defaultOutputRoots(), ...this.session.outputDirs])];
    try {
      this.runs = await listPastRuns(roots, this.session.store);
    } catch (e) {
      this.ctx.log.warn(`monitor: listing runs failed: ${(e as Error).message}`);
      this.runs = [];
    }
    this.post({
      type: 'runs',
      runs: this.runs.map((r) => r.view),
      outputRoots: roots.map((r) => vscode.workspace.asRelativePath(r)),
    });
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
      case 'stop': {
        // The run shown: a palette run or a notebook cell's, both stop the same way (checkpoint, then end).
        const run = this.session.store.current();
        if (run) this.session.store.stop(run.id);
        return;
      }
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
        void vscode.window
          .showInformationMessage(
            `TensorBoard logs: ${run.logsDir}. View them with: tensorboard --logdir "${run.logsDir}"`,
            'Copy Command',
          )
          .then((a) => {
            if (a) void vscode.env.clipboard.writeText(`tensorboard --logdir "${run.logsDir}"`);
          });
        return;
      }
      case 'runAction': {
        // The run folder: each command acts on its final model, or a stopped run's last checkpoint.
        const run = this.find(m.run);
        const command = {
          evaluate: 'bertnb.evaluateRun',
          try: 'bertnb.tryModel',
          predict: 'bertnb.predictFile',
          export: 'bertnb.exportModel',
          notebook: 'bertnb.openRunNotebook',
        }[m.action];
        await vscode.commands.executeCommand(command, run?.view.dir);
        return;
      }
      case 'editRun': {
        // A past run by its id, or the live run shown (its folder once the run started).
        const dir = this.find(m.run)?.info.dir ?? this.session.store.get(m.run)?.output_dir ?? undefined;
        if (dir) await vscode.commands.executeCommand('bertnb.editRun', dir);
        return;
      }
      case 'compare': {
        // The Compare Runs panel (src/extension/compare): an editor tab with every metric, settings and checkpoints.
        const picked = m.runs.map((id) => this.find(id)).filter((r): r is PastRun => !!r);
        if (picked.length >= 2)
          await vscode.commands.executeCommand(
            'bertnb.compareRuns',
            picked.map((r) => r.info.dir),
          );
        return;
      }
    }
  }

  dispose(): void {
    this.subs.forEach((s) => s.dispose());
  }
}
