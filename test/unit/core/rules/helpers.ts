// Test helpers for the trust rules: a self-contained set of snapshots (the seeds' roles and users) and a
// Usage builder that computes argument ranges from a one-line pipeline call.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnalysisContext } from '../../../../src/core/types';
import { defaultConfig } from '../../../../src/core/config';
import { parseSnapshot, SnapshotIamReader, type ParsedSnapshot } from '../../../../src/core/iam/snapshot';
import type { Range, Usage, UsageArg } from '../../../../src/core/types';

const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, '..', 'iam', 'fixtures', name), 'utf8'));
const raw = (name: string) => readFileSync(join(__dirname, '..', 'iam', 'fixtures', name), 'utf8');

const assumeAll = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] };

function role(account: string, name: string, trust: unknown, extra: Record<string, unknown> = {}) {
  return {
    Path: '/',
    RoleName: name,
    RoleId: `AROA${name
      .toUpperCase()
      .replace(/[^A-Z]/g, '')
      .padEnd(16, 'X')
      .slice(0, 16)}`,
    Arn: `arn:aws:iam::${account}:role/${name}`,
    AssumeRolePolicyDocument: trust,
    RolePolicyList: [],
    AttachedManagedPolicies: [],
    Tags: [],
    ...extra,
  };
}

function inline(name: string, doc: unknown) {
  return [{ PolicyName: name, PolicyDocument: doc }];
}

/** The snapshot files' text by path. */
export const SNAPSHOT_TEXTS: Record<string, string> = {
  'iam/111111111111.json': JSON.stringify(
    {
      RoleDetailList: [
        role('111111111111', 'jenkins-slave', fixture('seed000-jenkins-slave-trust.json'), {
          RolePolicyList: inline('jenkins-slave', fixture('seed000-jenkins-slave-policy.json')),
        }),
        role('111111111111', 'deploy-role-agent-account-x', fixture('seed003-agent-trust.json'), {
          RolePolicyList: inline('AllowAssumeRoleAccountX', fixture('seed003-agent-policy.json')),
        }),
        role('111111111111', 'vault-server', fixture('seed000-jenkins-slave-trust.json'), {
          RolePolicyList: inline('vault', fixture('seed002-vault-server-policy.json')),
        }),
      ],
      UserDetailList: [
        {
          UserName: 'alice',
          UserId: 'AIDAALICE00000000001',
          Arn: 'arn:aws:iam::111111111111:user/alice',
          UserPolicyList: inline('assume', assumeAll),
          GroupList: [],
          AttachedManagedPolicies: [],
          Tags: [],
        },
        {
          UserName: 'carol',
          UserId: 'AIDACAROL00000000001',
          Arn: 'arn:aws:iam::111111111111:user/carol',
          UserPolicyList: [],
          GroupList: [],
          AttachedManagedPolicies: [],
          Tags: [],
        },
      ],
      GroupDetailList: [],
      Policies: [],
    },
    null,
    2,
  ),
  'iam/222222222222.json': JSON.stringify(
    {
      RoleDetailList: [
        role('222222222222', 'jenkins', encodeURIComponent(JSON.stringify(fixture('seed000-jenkins-trust.json'))), {
          AttachedManagedPolicies: [{ PolicyName: 'jenkins', PolicyArn: 'arn:aws:iam::222222222222:policy/jenkins' }],
        }),
        role('222222222222', 'developer', fixture('seed001-force-mfa-trust.json')),
        role(
          '222222222222',
          'admin',
          {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'JenkinsUsersWithMFA',
                Effect: 'Allow',
                Principal: { AWS: 'arn:aws:iam::111111111111:root' },
                Action: 'sts:AssumeRole',
                Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
              },
            ],
          },
          { MaxSessionDuration: 7200 },
        ),
        role(
          '222222222222',
          'broken',
          encodeURIComponent(
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole",}]}',
          ),
        ),
        role('222222222222', 'no-bob', {
          Version: '2012-10-17',
          Statement: [
            { Sid: 'Hub', Effect: 'Allow', Principal: { AWS: '111111111111' }, Action: 'sts:AssumeRole' },
            {
              Sid: 'NotCarol',
              Effect: 'Deny',
              Principal: { AWS: 'arn:aws:iam::111111111111:user/carol' },
              Action: 'sts:*',
            },
          ],
        }),
        role('222222222222', 'session-bound', {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'DeploySessions',
              Effect: 'Allow',
              Principal: { AWS: '111111111111' },
              Action: 'sts:AssumeRole',
              Condition: { StringLike: { 'sts:RoleSessionName': 'deploy-*' } },
            },
          ],
        }),
        role('222222222222', 'ip-bound', {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: '111111111111' },
              Action: 'sts:AssumeRole',
              Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
            },
          ],
        }),
      ],
      UserDetailList: [],
      GroupDetailList: [],
      Policies: [
        {
          PolicyName: 'jenkins',
          Arn: 'arn:aws:iam::222222222222:policy/jenkins',
          DefaultVersionId: 'v1',
          PolicyVersionList: [
            {
              VersionId: 'v1',
              IsDefaultVersion: true,
              Document: encodeURIComponent(raw('seed000-jenkins-policy.json')),
            },
          ],
        },
      ],
    },
    null,
    2,
  ),
  'iam/333333333333.json': JSON.stringify(
    {
      RoleDetailList: [
        role('333333333333', 'deploy-role', fixture('seed003-deploy-role-trust.json'), {
          MaxSessionDuration: 43200,
          RolePolicyList: inline('all', {
            Version: '2012-10-17',
            Statement: [{ Action: ['*'], Effect: 'Allow', Resource: ['*'] }],
          }),
        }),
      ],
      UserDetailList: [],
    },
    null,
    2,
  ),
  'iam/444444444444.json': JSON.stringify(
    {
      RoleDetailList: [
        role('444444444444', 'jenkins-ecr-push-role', fixture('seed002-ecr-push-trust.json')),
        role('444444444444', 'secrets-reader', fixture('seed004-secrets-reader-trust.json')),
      ],
      UserDetailList: [
        {
          UserName: 'ken',
          UserId: 'AIDAKEN0000000000001',
          Arn: 'arn:aws:iam::444444444444:user/ken',
          UserPolicyList: inline('assume-secrets-reader', {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::444444444444:role/secrets-reader' },
            ],
          }),
          GroupList: [],
          AttachedManagedPolicies: [],
          Tags: [],
          MFADevices: [{ SerialNumber: 'arn:aws:iam::444444444444:mfa/ken' }],
        },
      ],
    },
    null,
    2,
  ),
};

/** Parsed snapshots of all four accounts. */
export function snapshots(): ParsedSnapshot[] {
  return Object.entries(SNAPSHOT_TEXTS).map(([file, text]) => {
    const r = parseSnapshot(file, text);
    if (!r.snapshot) throw new Error(r.error);
    return r.snapshot;
  });
}

/** A reader over all four accounts' snapshots. */
export function reader(): SnapshotIamReader {
  return new SnapshotIamReader(snapshots());
}

export function analysisContext(overrides: Partial<AnalysisContext> = {}): AnalysisContext {
  return { config: defaultConfig(), caller: null, params: {}, credentials: {}, iam: null, ...overrides };
}

/** A one-line `withAWS(...)` call; ranges of the named arguments are found in the text. */
export interface CallSpec {
  text: string;
  role?: string | null;
  roleAccount?: string | null;
  roleArn: string | null;
  caller?: string | null;
  externalId?: {
    value: string | null;
    source?: 'credential' | 'literal' | 'parameter' | 'unresolved';
    reference?: string;
  } | null;
  duration?: number | null;
  durationDefaulted?: boolean;
  roleSessionName?: string | null;
  mfa?: boolean;
  kind?: Usage['kind'];
  credentialsId?: string | null;
}

function argRange(text: string, name: string): Range | undefined {
  const m = new RegExp(`${name}\\s*:\\s*('[^']*'|"[^"]*"|\\d+)`).exec(text);
  if (!m) return undefined;
  const start = m.index + m[0].length - m[1].length;
  return { start, end: start + m[1].length };
}

/** Builds a Usage for the trust rules from a call written on one line. */
export function usage(spec: CallSpec): Usage {
  const args: Partial<Record<UsageArg, Range>> = {};
  for (const name of ['role', 'roleAccount', 'externalId', 'duration', 'roleSessionName'] as const) {
    const r = argRange(spec.text, name);
    if (r) args[name] = r;
  }
  const ext = spec.externalId ?? null;
  return {
    file: 'Jenkinsfile',
    kind: spec.kind ?? 'withAWS',
    assumesRole: true,
    range: { start: 0, end: spec.text.length },
    anchor: { start: 0, end: 7 },
    role: spec.role ?? null,
    roleAccount: spec.roleAccount ?? null,
    roleArn: spec.roleArn,
    externalId: ext
      ? {
          present: true,
          resolved: {
            value: ext.value,
            raw: null,
            secret: ext.source === 'credential',
            origin: { source: ext.source ?? 'credential', reference: ext.reference ?? 'ExternalId', description: '' },
          },
        }
      : { present: false, resolved: null },
    duration: spec.duration === undefined ? 3600 : spec.duration,
    durationDefaulted: spec.durationDefaulted ?? spec.duration === undefined,
    roleSessionName: spec.roleSessionName ?? null,
    mfa: spec.mfa ?? false,
    mfaSerial: null,
    region: null,
    caller: spec.caller ?? null,
    callerOrigin: null,
    agentLabel: null,
    credentialsId: spec.credentialsId ?? null,
    args,
    origins: args.duration
      ? { duration: { source: 'literal', reference: null, description: 'literal', range: args.duration } }
      : {},
    unresolved: [],
    secrets: [],
  };
}

/** Applies a fix's edits to a text (edits sorted from the end). */
export function applyEdits(text: string, edits: Array<{ offset: number; length: number; content: string }>): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.offset - a.offset))
    out = out.slice(0, e.offset) + e.content + out.slice(e.offset + e.length);
  return out;
}

export const SLAVE = 'arn:aws:iam::111111111111:role/jenkins-slave';
export const SECRET_EXTERNAL_ID = '7KAXZ44tHx8mKsPxZnCi2X6Yz';
