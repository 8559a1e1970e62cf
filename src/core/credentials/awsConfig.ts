// Reads the AWS CLI's shared config (`~/.aws/config`) with plain Node: where it is, and a profile's
// settings (mfa_serial, role_arn, source_profile, region...). No SDK: the core may use this anywhere.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseIni, sectionEntries } from './ini';

export type Env = Record<string, string | undefined>;

/** The AWS SDK's home folder: HOME, else USERPROFILE, else HOMEDRIVE+HOMEPATH, else the OS's. */
export function sdkHomeDir(env: Env = process.env, fallback: string = homedir()): string {
  return env.HOME || env.USERPROFILE || (env.HOMEPATH ? `${env.HOMEDRIVE ?? 'C:\\'}${env.HOMEPATH}` : '') || fallback;
}

/** `~/x` → `HOME/x`, as the AWS SDK expands `AWS_SHARED_CREDENTIALS_FILE` / `AWS_CONFIG_FILE`; other paths unchanged. */
export function expandHome(path: string, home: string): string {
  return path.startsWith('~/') || path.startsWith('~\\') ? join(home, path.slice(2)) : path;
}

/** `AWS_CONFIG_FILE` (with `~/` expanded as the SDK does), else `~/.aws/config`. */
export function awsConfigPath(env: Env = process.env, home: string = sdkHomeDir(env)): string {
  return expandHome(env.AWS_CONFIG_FILE || join(home, '.aws', 'config'), home);
}

/** `AWS_SHARED_CREDENTIALS_FILE` (with `~/` expanded as the SDK does), else `~/.aws/credentials`. */
export function awsCredentialsPath(env: Env = process.env, home: string = sdkHomeDir(env)): string {
  return expandHome(env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'), home);
}

/** The profile the AWS CLI would use: the given one, else `AWS_PROFILE`, else `default`. */
export function effectiveProfile(profile: string | undefined, env: Env = process.env): string {
  return profile || env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || 'default';
}

/** A profile's settings from config text (`[default]` or `[profile NAME]`); null when absent. */
export function profileFromConfigText(text: string, profile: string): Record<string, string> | null {
  const doc = parseIni(text);
  if (profile === 'default') return sectionEntries(doc, 'default') ?? sectionEntries(doc, 'profile default');
  return sectionEntries(doc, `profile ${profile}`) ?? null;
}

/** A profile's settings from the config file; null when the file or the profile is absent. */
export function readProfileConfig(profile: string, path: string = awsConfigPath()): Record<string, string> | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  return profileFromConfigText(text, profile);
}

/** The MFA device a profile names (`mfa_serial`), or null. */
export function mfaSerialFromConfig(profile: string, path: string = awsConfigPath()): string | null {
  return readProfileConfig(profile, path)?.mfa_serial || null;
}
