// Renderings of temporary credentials for the places a person puts them: a shell, a `credential_process`
// entry, an ini profile, and seed 004's `SessionToken:AccessKeyId:SecretAccessKey` paste string.
// Every function here returns secrets: callers write the result to stdout/a 0600 file, never to a Log.
import type { TemporaryCredentials } from '../ports';

/** The output formats of `rolecall mint --format`. `json` and `credential-process` are the same shape. */
export type CredentialFormat = 'env' | 'json' | 'credential-process' | 'ini';

export const CREDENTIAL_FORMATS: readonly CredentialFormat[] = ['env', 'json', 'credential-process', 'ini'];

/** The `credential_process` JSON shape (AWS SDKs and CLI read it from a process's stdout). */
export interface CredentialProcessOutput {
  Version: 1;
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  /** ISO 8601 UTC. */
  Expiration: string;
}

/** Environment variables the AWS CLI and SDKs read; AWS_REGION only when a region is given. */
export function toEnv(credentials: TemporaryCredentials, region?: string | null): Record<string, string> {
  const env: Record<string, string> = {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SESSION_TOKEN: credentials.sessionToken,
  };
  if (region) env.AWS_REGION = region;
  return env;
}

/** Quotes a value for POSIX shells: single quotes, with embedded single quotes closed and escaped. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `export NAME=value` lines for `eval "$(rolecall mint ...)"`, one per variable, newline-terminated. */
export function toShellExports(credentials: TemporaryCredentials, region?: string | null): string {
  return Object.entries(toEnv(credentials, region))
    .map(([name, value]) => `export ${name}=${shellQuote(value)}\n`)
    .join('');
}

/** The `credential_process` object. */
export function toCredentialProcess(credentials: TemporaryCredentials): CredentialProcessOutput {
  return {
    Version: 1,
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    SessionToken: credentials.sessionToken,
    Expiration: credentials.expiration.toISOString(),
  };
}

/** The `credential_process` JSON text, pretty-printed, newline-terminated. */
export function toCredentialProcessJson(credentials: TemporaryCredentials): string {
  return `${JSON.stringify(toCredentialProcess(credentials), null, 2)}\n`;
}

/** The key/value pairs of a credentials-file profile (`~/.aws/credentials` keys). */
export function toIniEntries(credentials: TemporaryCredentials, region?: string | null): Array<[string, string]> {
  const entries: Array<[string, string]> = [
    ['aws_access_key_id', credentials.accessKeyId],
    ['aws_secret_access_key', credentials.secretAccessKey],
    ['aws_session_token', credentials.sessionToken],
    // Not read by the SDKs; tells a person when the profile stops working.
    ['x_expiration', credentials.expiration.toISOString()],
  ];
  if (region) entries.push(['region', region]);
  return entries;
}

/** A `[profileName]` section for `~/.aws/credentials`, newline-terminated. */
export function toIniProfile(profileName: string, credentials: TemporaryCredentials, region?: string | null): string {
  return `[${profileName}]\n${toIniEntries(credentials, region)
    .map(([k, v]) => `${k} = ${v}\n`)
    .join('')}`;
}

/** Seed 004's paste format: `SessionToken:AccessKeyId:SecretAccessKey` (what its `jq` prints). */
export function toSessionTokenString(credentials: TemporaryCredentials): string {
  return `${credentials.sessionToken}:${credentials.accessKeyId}:${credentials.secretAccessKey}`;
}

/** Parses seed 004's paste string; null when it does not have exactly three non-empty parts. */
export function parseSessionTokenString(
  text: string,
): { sessionToken: string; accessKeyId: string; secretAccessKey: string } | null {
  const parts = text.trim().split(':');
  if (parts.length !== 3 || parts.some((p) => p.length === 0)) return null;
  return { sessionToken: parts[0], accessKeyId: parts[1], secretAccessKey: parts[2] };
}

/** Renders credentials in one of the CLI's formats (`ini` uses `profileName`, default `rolecall`). */
export function formatCredentials(
  credentials: TemporaryCredentials,
  format: CredentialFormat,
  options: { region?: string | null; profileName?: string } = {},
): string {
  switch (format) {
    case 'env':
      return toShellExports(credentials, options.region);
    case 'json':
    case 'credential-process':
      return toCredentialProcessJson(credentials);
    case 'ini':
      return toIniProfile(options.profileName ?? 'rolecall', credentials, options.region);
  }
}
