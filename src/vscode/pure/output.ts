// Turning minted credentials into what the person picked, and keeping secrets out of the log.

export interface PlainCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** Single-quotes a value for POSIX shells. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Environment for an integrated terminal (TerminalOptions.env): nothing is typed into the terminal. */
export function terminalEnv(c: PlainCredentials, region: string | null): Record<string, string> {
  const env: Record<string, string> = {
    AWS_ACCESS_KEY_ID: c.accessKeyId,
    AWS_SECRET_ACCESS_KEY: c.secretAccessKey,
    AWS_SESSION_TOKEN: c.sessionToken,
    AWS_CREDENTIAL_EXPIRATION: c.expiration.toISOString(),
  };
  if (region) {
    env.AWS_REGION = region;
    env.AWS_DEFAULT_REGION = region;
  }
  return env;
}

/** `export` lines for the clipboard. */
export function exportLines(c: PlainCredentials, region: string | null): string {
  return Object.entries(terminalEnv(c, region)).map(([k, v]) => `export ${k}=${shellQuote(v)}`).join('\n') + '\n';
}

/** The credential_process JSON shape. */
export function credentialProcessJson(c: PlainCredentials): string {
  return JSON.stringify({ Version: 1, AccessKeyId: c.accessKeyId, SecretAccessKey: c.secretAccessKey, SessionToken: c.sessionToken, Expiration: c.expiration.toISOString() }, null, 2) + '\n';
}

/** validateInput for a profile name written to ~/.aws/credentials. */
export function validateProfileName(value: string): string | null {
  return /^[\w.+@-]{1,64}$/.test(value.trim()) ? null : 'Use letters, digits and . _ - + @ (no spaces or brackets).';
}

/**
 * Last line of defence for the output channel: masks anything shaped like an access key, a secret key
 * or a session token, and every value registered as secret.
 */
export function redact(message: string, secrets: Iterable<string> = []): string {
  let out = message;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('***');
  return out
    .replace(/\b(AKIA|ASIA)[A-Z0-9]{12,}\b/g, '$1***')
    .replace(/(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g, '***')
    .replace(/[A-Za-z0-9/+=]{100,}/g, '***');
}
