// SecretStorage for what must never sit in settings: ExternalId values of Jenkins string credentials
// (keyed by credential id) and minted sessions (keyed by role + a hash of everything else that made
// them: ExternalId, source profile, endpoint, MFA device). An index of
// session keys and expiry times (no secret) lives in globalState so they can be listed and cleared.
import * as vscode from 'vscode';
import type { TemporaryCredentials } from '../core/ports';
import type { Log } from './log';
import {
  credentialKey,
  parseStoredSession,
  reusable,
  sessionKey,
  type SessionOrigin,
  type StoredSession,
} from './pure/sessions';

const INDEX_KEY = 'rolecall.sessionIndex';
const CREDENTIAL_INDEX_KEY = 'rolecall.credentialIndex';

interface SessionIndexEntry {
  key: string;
  roleArn: string | null;
  expiration: string;
}

export class Secrets {
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when sessions are stored or cleared. */
  readonly onDidChangeSessions = this.emitter.event;
  /** Credential values known this session, fed to the analysis (never printed). */
  private credentialCache: Record<string, string> | null = null;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: Log,
  ) {}

  /** Jenkins string credential values stored so far (id → value), for checking ExternalIds. */
  async credentials(): Promise<Record<string, string>> {
    if (this.credentialCache) return this.credentialCache;
    const ids = this.context.globalState.get<string[]>(CREDENTIAL_INDEX_KEY, []);
    const out: Record<string, string> = {};
    for (const id of ids) {
      const value = await this.context.secrets.get(credentialKey(id));
      if (value !== undefined) {
        out[id] = value;
        this.log.addSecret(value);
      }
    }
    this.credentialCache = out;
    return out;
  }

  async getCredential(id: string): Promise<string | undefined> {
    return (await this.credentials())[id];
  }

  async storeCredential(id: string, value: string): Promise<void> {
    this.log.addSecret(value);
    await this.context.secrets.store(credentialKey(id), value);
    const ids = new Set(this.context.globalState.get<string[]>(CREDENTIAL_INDEX_KEY, []));
    ids.add(id);
    await this.context.globalState.update(CREDENTIAL_INDEX_KEY, [...ids]);
    if (this.credentialCache) this.credentialCache[id] = value;
  }

  /** A cached session made by exactly this origin (role, ExternalId, profile, endpoint, MFA device) with more than five minutes left. */
  async session(origin: SessionOrigin): Promise<TemporaryCredentials | null> {
    const stored = parseStoredSession(await this.context.secrets.get(sessionKey(origin)));
    if (!stored) return null;
    const expiration = new Date(stored.expiration);
    if (!reusable(expiration, new Date())) return null;
    return {
      accessKeyId: stored.accessKeyId,
      secretAccessKey: stored.secretAccessKey,
      sessionToken: stored.sessionToken,
      expiration,
      ...(stored.arn ? { arn: stored.arn } : {}),
    };
  }

  async storeSession(origin: SessionOrigin, credentials: TemporaryCredentials): Promise<void> {
    const key = sessionKey(origin);
    const roleArn = origin.roleArn;
    const stored: StoredSession = {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
      expiration: credentials.expiration.toISOString(),
      ...(credentials.arn ? { arn: credentials.arn } : {}),
    };
    this.log.addSecret(credentials.secretAccessKey);
    this.log.addSecret(credentials.sessionToken);
    await this.context.secrets.store(key, JSON.stringify(stored));
    const index = this.index().filter((e) => e.key !== key);
    index.push({ key, roleArn, expiration: stored.expiration });
    await this.context.globalState.update(INDEX_KEY, index);
    this.emitter.fire();
  }

  /** The live session that expires first, for the status bar. */
  nextExpiring(): { roleArn: string; expiration: Date } | null {
    const now = Date.now();
    const live = this.index()
      .map((e) => ({ roleArn: e.roleArn ?? 'GetSessionToken', expiration: new Date(e.expiration) }))
      .filter((e) => e.expiration.getTime() > now)
      .sort((a, b) => a.expiration.getTime() - b.expiration.getTime());
    return live[0] ?? null;
  }

  /** Deletes every cached session (and, when asked, the stored credential values). */
  async clear(alsoCredentials: boolean): Promise<number> {
    const index = this.index();
    for (const e of index) await this.context.secrets.delete(e.key);
    await this.context.globalState.update(INDEX_KEY, []);
    if (alsoCredentials) {
      for (const id of this.context.globalState.get<string[]>(CREDENTIAL_INDEX_KEY, []))
        await this.context.secrets.delete(credentialKey(id));
      await this.context.globalState.update(CREDENTIAL_INDEX_KEY, []);
      this.credentialCache = {};
    }
    this.emitter.fire();
    return index.length;
  }

  private index(): SessionIndexEntry[] {
    const raw = this.context.globalState.get<unknown>(INDEX_KEY, []);
    return Array.isArray(raw)
      ? raw.filter(
          (e): e is SessionIndexEntry =>
            typeof e === 'object' &&
            e !== null &&
            typeof (e as SessionIndexEntry).key === 'string' &&
            typeof (e as SessionIndexEntry).expiration === 'string',
        )
      : [];
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
