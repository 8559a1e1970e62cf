// Input checks for the minting outputs, and keeping secrets out of the log. (Credential formats
// themselves live in src/core/credentials/formats.ts, shared with the CLI.)

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
