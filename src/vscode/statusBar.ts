// Two status bar items driven by state unions: the analysis state and, while a minted session is
// cached, its countdown to expiry.
import * as vscode from 'vscode';
import { renderStatus, type StatusState } from './pure/status';

export class StatusBar implements vscode.Disposable {
  private readonly main: vscode.StatusBarItem;
  private readonly session: vscode.StatusBarItem;
  private state: StatusState = { kind: 'idle' };
  private timer: ReturnType<typeof setInterval> | undefined;
  private sessionEnd: { roleArn: string; expiration: Date } | null = null;

  constructor() {
    this.main = vscode.window.createStatusBarItem('rolecall.status', vscode.StatusBarAlignment.Left, 10);
    this.main.name = 'RoleCall';
    this.main.command = 'rolecall.showOutput';
    this.session = vscode.window.createStatusBarItem('rolecall.session', vscode.StatusBarAlignment.Left, 9);
    this.session.name = 'RoleCall Session';
    this.session.command = 'rolecall.clearSessions';
    this.render();
  }

  get current(): StatusState {
    return this.state;
  }

  set(state: StatusState): void {
    this.state = state;
    this.render();
  }

  /** Shows the countdown for the session that expires first (null hides it). */
  setSession(session: { roleArn: string; expiration: Date } | null): void {
    this.sessionEnd = session;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (session) this.timer = setInterval(() => this.renderSession(), 1000);
    this.renderSession();
  }

  private render(): void {
    const view = renderStatus(this.state);
    this.main.text = view.text;
    this.main.tooltip = view.tooltip;
    this.main.backgroundColor = view.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.main.show();
  }

  private renderSession(): void {
    const s = this.sessionEnd;
    if (!s) {
      this.session.hide();
      return;
    }
    const msLeft = s.expiration.getTime() - Date.now();
    if (msLeft <= 0) {
      this.setSession(null);
      return;
    }
    const view = renderStatus({ kind: 'expiring', roleArn: s.roleArn, msLeft });
    this.session.text = view.text;
    this.session.tooltip = view.tooltip;
    this.session.backgroundColor = view.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.session.show();
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.main.dispose();
    this.session.dispose();
  }
}
