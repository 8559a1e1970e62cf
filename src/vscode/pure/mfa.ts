// MFA input checks and the `mfa_serial` lookup in ~/.aws/config.

/** validateInput for the MFA code box: null when valid, else the message shown under the box. */
export function validateMfaCode(value: string): string | null {
  return /^\d{6}$/.test(value.trim()) ? null : 'Enter the 6-digit code from your MFA device.';
}

/** validateInput for an MFA serial: a virtual/hardware device ARN or a hardware serial number. */
export function validateMfaSerial(value: string): string | null {
  const v = value.trim();
  if (/^arn:aws[\w-]*:iam::\d{12}:(mfa|u2f)\/[\w+=,.@/-]+$/.test(v)) return null;
  if (/^[\w+=/:,.@-]{9,256}$/.test(v) && !v.startsWith('arn:')) return null;
  return 'Enter the MFA device ARN, e.g. arn:aws:iam::123456789012:mfa/alice';
}

/** `mfa_serial` of a profile in ~/.aws/config text (`[default]` or `[profile NAME]`), or null. */
export function mfaSerialFromConfig(configText: string, profile: string): string | null {
  let current: string | null = null;
  for (const rawLine of configText.split(/\r?\n/)) {
    const line = rawLine.replace(/[#;].*$/, '').trim();
    const header = /^\[\s*(?:profile\s+)?([^\]]+?)\s*\]$/.exec(line);
    if (header) {
      current = header[1];
      continue;
    }
    if (current !== profile) continue;
    const kv = /^mfa_serial\s*=\s*(\S+)$/.exec(line);
    if (kv) return kv[1];
  }
  return null;
}
