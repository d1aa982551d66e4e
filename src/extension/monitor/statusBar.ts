// The status bar item of the running training: step and ETA, a click opens the monitor.
import * as vscode from 'vscode';
import type { LiveRunView } from '../../protocol/panels';
import { statusText } from './runState';

export class TrainingStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('bertnb.training', vscode.StatusBarAlignment.Left, 50);
  private hideTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    this.item.name = 'BERT Training';
    this.item.command = 'bertnb.showMonitor';
  }

  show(v: LiveRunView | null): void {
    if (this.hideTimer) clearTimeout(this.hideTimer);
    if (!v) {
      this.item.hide();
      return;
    }
    this.item.text = statusText(v);
    this.item.tooltip = `${v.label}: ${v.status}${v.message ? ` — ${v.message}` : ''}\nClick to open the training monitor.`;
    this.item.backgroundColor = v.status === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
    // A finished run stays visible for a while, then gets out of the way.
    if (v.status === 'finished' || v.status === 'stopped' || v.status === 'failed') this.hideTimer = setTimeout(() => this.item.hide(), 30_000);
  }

  dispose(): void {
    if (this.hideTimer) clearTimeout(this.hideTimer);
    this.item.dispose();
  }
}
