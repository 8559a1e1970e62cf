// Multi-account IAM in moto: moto runs a request in the account of the role whose session credentials
// sign it, so "credentials for account X" are an AssumeRole into X with the fake base credentials.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { FAKE_CREDENTIALS, MOTO_DEFAULT_ACCOUNT, REGION } from './moto';

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Credentials that moto treats as account `account` (fake base credentials for moto's default account). */
export async function credentialsFor(endpoint: string, account: string): Promise<StaticCredentials> {
  if (account === MOTO_DEFAULT_ACCOUNT) return { ...FAKE_CREDENTIALS };
  const sts = new STSClient({ region: REGION, endpoint, credentials: FAKE_CREDENTIALS });
  try {
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${account}:role/rolecall-test-admin`,
        RoleSessionName: 'rolecall-test',
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('moto returned no credentials');
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
  } finally {
    sts.destroy();
  }
}

/** An IAM client acting in `account`. */
export async function iamIn(endpoint: string, account: string): Promise<IAMClient> {
  return new IAMClient({ region: REGION, endpoint, credentials: await credentialsFor(endpoint, account) });
}

/** Writes a shared credentials file with one profile per entry; returns its path (in a fresh temp dir). */
export function writeProfiles(profiles: Record<string, StaticCredentials>): {
  credentialsFile: string;
  configFile: string;
  dir: string;
} {
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-aws-'));
  const credentialsFile = join(dir, 'credentials');
  const configFile = join(dir, 'config');
  let text = '';
  let config = '';
  for (const [name, c] of Object.entries(profiles)) {
    text += `[${name}]\naws_access_key_id = ${c.accessKeyId}\naws_secret_access_key = ${c.secretAccessKey}\n${c.sessionToken ? `aws_session_token = ${c.sessionToken}\n` : ''}\n`;
    config += `[${name === 'default' ? 'default' : `profile ${name}`}]\nregion = ${REGION}\n\n`;
  }
  writeFileSync(credentialsFile, text, { mode: 0o600 });
  writeFileSync(configFile, config, { mode: 0o600 });
  return { credentialsFile, configFile, dir };
}
