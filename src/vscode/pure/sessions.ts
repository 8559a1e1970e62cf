// Cached minted sessions: keys never contain a secret (the ExternalId is hashed), and a session is
// reused only while it has comfortably long left.
import { createHash } from 'node:crypto';

export const REUSE_MARGIN_MS = 5 * 60_000;

/** Short, one-way fingerprint of an ExternalId (or "none"), safe to use in keys and logs. */
export function externalIdFingerprint(externalId: string | null | undefined): string {
  if (!externalId) return 'none';
  return createHash('sha256').update('rolecall-external-id\0').update(externalId).digest('hex').slice(0, 16);
}

/** Everything that made a session: it is reused only when all of it is the same. */
export interface SessionOrigin {
  roleArn: string | null;
  externalId: string | null | undefined;
  /** The source profile (null: the SDK's default chain). */
  profile: string | null;
  /** The STS endpoint (null: AWS's own). */
  endpointUrl: string | null;
  /** The MFA device the session was minted with (null: none). */
  mfaSerial: string | null;
}

/**
 * SecretStorage key of a cached session: the role, then a fingerprint of the ExternalId, the source
 * profile, the endpoint and the MFA device — a session minted for one of them is never handed out for
 * another. No secret in it (the ExternalId is hashed).
 */
export function sessionKey(origin: SessionOrigin): string {
  const rest = createHash('sha256')
    .update('rolecall-session\0')
    .update(externalIdFingerprint(origin.externalId))
    .update('\0')
    .update(origin.profile ?? '(default chain)')
    .update('\0')
    .update(origin.endpointUrl ?? '(aws)')
    .update('\0')
    .update(origin.mfaSerial ?? '(no mfa)')
    .digest('hex')
    .slice(0, 24);
  return `rolecall.session:${origin.roleArn ?? 'session-token'}:${rest}`;
}

/** SecretStorage key of a Jenkins string credential's value (e.g. an ExternalId). */
export function credentialKey(credentialsId: string): string {
  return `rolecall.credential:${credentialsId}`;
}

/** True while a session has more than the margin left. */
export function reusable(expiration: Date, now: Date, marginMs = REUSE_MARGIN_MS): boolean {
  return expiration.getTime() - now.getTime() > marginMs;
}

export interface StoredSession {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: string;
  arn?: string;
  region?: string | null;
}

/** Parses a stored session; null for anything malformed (then it is minted anew). */
export function parseStoredSession(json: string | undefined): StoredSession | null {
  if (!json) return null;
  try {
    const v: unknown = JSON.parse(json);
    if (typeof v !== 'object' || v === null) return null;
    const o = v as Record<string, unknown>;
    if (
      typeof o.accessKeyId !== 'string' ||
      typeof o.secretAccessKey !== 'string' ||
      typeof o.sessionToken !== 'string' ||
      typeof o.expiration !== 'string'
    )
      return null;
    if (Number.isNaN(Date.parse(o.expiration))) return null;
    return {
      accessKeyId: o.accessKeyId,
      secretAccessKey: o.secretAccessKey,
      sessionToken: o.sessionToken,
      expiration: o.expiration,
      ...(typeof o.arn === 'string' ? { arn: o.arn } : {}),
      region: typeof o.region === 'string' ? o.region : null,
    };
  } catch {
    return null;
  }
}

/** A session name like the pipeline's: Jenkins' default for withAWS, with the job name the workspace folder. */
export function defaultSessionName(
  usageSessionName: string | null,
  kind: string,
  jobName: string,
  user: string,
): string {
  const fromPipeline = usageSessionName && /^[\w+=,.@-]{2,64}$/.test(usageSessionName) ? usageSessionName : null;
  if (fromPipeline) return fromPipeline;
  const base = kind === 'credentials-binding' ? 'Jenkins' : `Jenkins-${jobName}-local-${user}`;
  return base.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}
