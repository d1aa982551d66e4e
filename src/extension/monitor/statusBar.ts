// The status bar item of the current training (palette or notebook): a view of the run store's current
// record. Step and ETA while it runs; how it ended afterwards, with its own icon, word and colour (a
// stopped run is not a success). A click opens the monitor.
import * as vscode from 'vscode';
import { isEnded, runTitle, statusLook, type RunRecord } from '../../protocol';
import { statusText } from './views';

const BACKGROUND: Partial<Record<ReturnType<typeof statusLook>['tone'], string>> = {
  error: 'statusBarItem.errorBackground',
  stopped: 'statusBarItem.warningBackground',
};

export class TrainingStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('bertnb.training', vscode.StatusBarAlignment.Left, 50);
  private hideTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    this.item.name = 'BERT Training';
    this.item.command = 'bertnb.showMonitor';
  }

  show(r: RunRecord | undefined): void {
    if (this.hideTimer) clearTimeout(this.hideTimer);
    if (!r) {
      this.item.hide();
      return;
    }
    const look = statusLook(r.status);
    this.item.text = statusText(r);
    const tags = r.tags.length ? ` [${r.tags.join(', ')}]` : '';
    this.item.tooltip = `${runTitle(r)}${tags}: ${look.word}${r.message ? ` — ${r.message}` : ''}\nClick to open the training monitor.`;
    const bg = BACKGROUND[look.tone];
    this.item.backgroundColor = bg ? new vscode.ThemeColor(bg) : undefined;
    this.item.show();
    // An ended run stays visible for a while, then gets out of the way.
    if (isEnded(r.status)) this.hideTimer = setTimeout(() => this.item.hide(), 30_000);
  }

  dispose(): void {
    if (this.hideTimer) clearTimeout(this.hideTimer);
    this.item.dispose();
  }
}
