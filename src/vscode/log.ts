// The "RoleCall" output channel. Implements the core's Log port; every line goes through `redact`
// so a secret that slips into a message (an SDK error echoing a key, a registered ExternalId) is masked.
import * as vscode from 'vscode';
import type { Log as CoreLog } from '../core/ports';
import { redact } from './pure/output';

export class Log implements CoreLog, vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;
  /** Values that must never be printed (ExternalIds read from SecretStorage, minted keys). */
  private readonly secrets = new Set<string>();

  constructor() {
    this.channel = vscode.window.createOutputChannel('RoleCall', { log: true });
  }

  /** Registers a value to mask in every later line. */
  addSecret(value: string | null | undefined): void {
    if (value) this.secrets.add(value);
  }

  info(message: string): void {
    this.channel.info(redact(message, this.secrets));
  }

  warn(message: string): void {
    this.channel.warn(redact(message, this.secrets));
  }

  error(message: string): void {
    this.channel.error(redact(message, this.secrets));
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}

/** A one-line message for an unknown failure, never a stack trace. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0];
  return String(err).split('\n')[0];
}
