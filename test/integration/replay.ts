// Replays an IAM snapshot (examples/iam/<account>.json, get-account-authorization-details shape) into
// moto through the SDK: managed policies, groups, roles (trust, MaxSessionDuration, inline + attached),
// users (inline, attached, groups). Documents moto refuses (as IAM would: seed 000's trailing comma in
// a permissions policy) are reported back, not silently dropped.
import { readFileSync } from 'node:fs';
import {
  AddRoleToInstanceProfileCommand,
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreateInstanceProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import type { IAMClient } from '@aws-sdk/client-iam';

interface PolicyItem {
  PolicyName: string;
  PolicyDocument: unknown;
}
interface Attached {
  PolicyArn: string;
}
interface Snapshot {
  RoleDetailList?: Array<{
    RoleName: string;
    Path?: string;
    Arn: string;
    AssumeRolePolicyDocument: unknown;
    MaxSessionDuration?: number;
    RolePolicyList?: PolicyItem[];
    AttachedManagedPolicies?: Attached[];
    Tags?: Array<{ Key: string; Value: string }>;
    InstanceProfileList?: Array<{ InstanceProfileName: string; Path?: string }>;
  }>;
  UserDetailList?: Array<{
    UserName: string;
    Path?: string;
    UserPolicyList?: PolicyItem[];
    AttachedManagedPolicies?: Attached[];
    GroupList?: string[];
  }>;
  GroupDetailList?: Array<{
    GroupName: string;
    Path?: string;
    GroupPolicyList?: PolicyItem[];
    AttachedManagedPolicies?: Attached[];
  }>;
  Policies?: Array<{
    PolicyName: string;
    Path?: string;
    Arn: string;
    DefaultVersionId?: string;
    PolicyVersionList?: Array<{ Document: unknown; VersionId?: string; IsDefaultVersion?: boolean }>;
  }>;
}

/** A document as IAM takes it: JSON objects serialized, URL-encoded strings decoded. */
export function documentText(document: unknown): string {
  if (typeof document !== 'string') return JSON.stringify(document);
  if (document.trimStart().startsWith('{')) return document;
  return decodeURIComponent(document);
}

export interface ReplayReport {
  account: string;
  roles: string[];
  users: string[];
  /** What moto refused, with its reason (e.g. a permissions policy that is not valid JSON). */
  refused: string[];
}

async function attempt(what: string, refused: string[], action: () => Promise<unknown>): Promise<boolean> {
  try {
    await action();
    return true;
  } catch (error) {
    const e = error as Error;
    if (e.name === 'MalformedPolicyDocumentException' || e.name === 'MalformedPolicyDocument') {
      refused.push(`${what}: ${e.name}: ${e.message}`);
      return false;
    }
    throw new Error(`replaying ${what} failed: ${e.name}: ${e.message}`, { cause: error });
  }
}

/** Replays one snapshot file into the account `iam` acts in. */
export async function replaySnapshot(iam: IAMClient, file: string): Promise<ReplayReport> {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const account = /(\d{12})/.exec(snapshot.RoleDetailList?.[0]?.Arn ?? file)?.[1] ?? '';
  const report: ReplayReport = { account, roles: [], users: [], refused: [] };
  const created = new Set<string>();

  for (const policy of snapshot.Policies ?? []) {
    const version =
      policy.PolicyVersionList?.find((v) => v.IsDefaultVersion || v.VersionId === policy.DefaultVersionId) ??
      policy.PolicyVersionList?.[0];
    if (!version) continue;
    const ok = await attempt(`managed policy ${policy.Arn}`, report.refused, () =>
      iam.send(
        new CreatePolicyCommand({
          PolicyName: policy.PolicyName,
          Path: policy.Path ?? '/',
          PolicyDocument: documentText(version.Document),
        }),
      ),
    );
    if (ok) created.add(policy.Arn);
  }
  const attachable = (arn: string) => created.has(arn) || arn.startsWith('arn:aws:iam::aws:policy/');

  for (const group of snapshot.GroupDetailList ?? []) {
    await iam.send(new CreateGroupCommand({ GroupName: group.GroupName, Path: group.Path ?? '/' }));
    for (const p of group.GroupPolicyList ?? []) {
      await attempt(`group ${group.GroupName} policy ${p.PolicyName}`, report.refused, () =>
        iam.send(
          new PutGroupPolicyCommand({
            GroupName: group.GroupName,
            PolicyName: p.PolicyName,
            PolicyDocument: documentText(p.PolicyDocument),
          }),
        ),
      );
    }
    for (const a of group.AttachedManagedPolicies ?? []) {
      if (attachable(a.PolicyArn))
        await iam.send(new AttachGroupPolicyCommand({ GroupName: group.GroupName, PolicyArn: a.PolicyArn }));
    }
  }

  for (const role of snapshot.RoleDetailList ?? []) {
    const ok = await attempt(`role ${role.Arn} trust policy`, report.refused, () =>
      iam.send(
        new CreateRoleCommand({
          RoleName: role.RoleName,
          Path: role.Path ?? '/',
          AssumeRolePolicyDocument: documentText(role.AssumeRolePolicyDocument),
          ...(role.MaxSessionDuration !== undefined ? { MaxSessionDuration: role.MaxSessionDuration } : {}),
          ...(role.Tags && role.Tags.length > 0 ? { Tags: role.Tags } : {}),
        }),
      ),
    );
    if (!ok) continue;
    report.roles.push(role.Arn);
    for (const p of role.RolePolicyList ?? []) {
      await attempt(`role ${role.RoleName} policy ${p.PolicyName}`, report.refused, () =>
        iam.send(
          new PutRolePolicyCommand({
            RoleName: role.RoleName,
            PolicyName: p.PolicyName,
            PolicyDocument: documentText(p.PolicyDocument),
          }),
        ),
      );
    }
    for (const a of role.AttachedManagedPolicies ?? []) {
      if (attachable(a.PolicyArn))
        await iam.send(new AttachRolePolicyCommand({ RoleName: role.RoleName, PolicyArn: a.PolicyArn }));
      else report.refused.push(`role ${role.RoleName} attachment ${a.PolicyArn}: the policy was not created`);
    }
    // Instance profiles: JCasC's EC2 templates name them, and the live reader maps them to their role.
    for (const profile of role.InstanceProfileList ?? []) {
      await iam.send(
        new CreateInstanceProfileCommand({
          InstanceProfileName: profile.InstanceProfileName,
          Path: profile.Path ?? '/',
        }),
      );
      await iam.send(
        new AddRoleToInstanceProfileCommand({
          InstanceProfileName: profile.InstanceProfileName,
          RoleName: role.RoleName,
        }),
      );
    }
  }

  for (const user of snapshot.UserDetailList ?? []) {
    await iam.send(new CreateUserCommand({ UserName: user.UserName, Path: user.Path ?? '/' }));
    report.users.push(user.UserName);
    for (const p of user.UserPolicyList ?? []) {
      await attempt(`user ${user.UserName} policy ${p.PolicyName}`, report.refused, () =>
        iam.send(
          new PutUserPolicyCommand({
            UserName: user.UserName,
            PolicyName: p.PolicyName,
            PolicyDocument: documentText(p.PolicyDocument),
          }),
        ),
      );
    }
    for (const a of user.AttachedManagedPolicies ?? []) {
      if (attachable(a.PolicyArn))
        await iam.send(new AttachUserPolicyCommand({ UserName: user.UserName, PolicyArn: a.PolicyArn }));
      else report.refused.push(`user ${user.UserName} attachment ${a.PolicyArn}: the policy was not created`);
    }
    for (const group of user.GroupList ?? [])
      await iam.send(new AddUserToGroupCommand({ GroupName: group, UserName: user.UserName }));
  }
  return report;
}
