// Test helpers that change IAM the way a role's owner would: by editing the snapshot JSON itself
// (get-account-authorization-details shape), independently of the engine's ChangedIamReader.

export type Snapshot = { RoleDetailList?: any[]; UserDetailList?: any[] };

/** The trust policy of a snapshot role entry as an object (URL-encoded strings decoded). */
export function trustOf(entry: any): any {
  const doc = entry.AssumeRolePolicyDocument;
  return typeof doc === 'string' ? JSON.parse(decodeURIComponent(doc)) : JSON.parse(JSON.stringify(doc));
}

/** The statements of a policy as a list. */
export function statementsOf(policy: any): any[] {
  return Array.isArray(policy.Statement) ? policy.Statement : policy.Statement ? [policy.Statement] : [];
}

function nameOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1).toLowerCase();
}

/** The snapshot entry of a role (by account and name, as IAM matches it), or undefined. */
export function roleEntry(snapshots: Snapshot[], roleArn: string): any {
  const account = roleArn.split(':')[4];
  for (const s of snapshots) {
    const found = (s.RoleDetailList ?? []).find(
      (r: any) => r.Arn.split(':')[4] === account && r.RoleName.toLowerCase() === nameOf(roleArn),
    );
    if (found) return found;
  }
  return undefined;
}

/** Applies a grant's parts to the snapshots (which are changed in place). */
export function applyGrant(
  snapshots: Snapshot[],
  grant: {
    usage?: { roleArn: string | null };
    trustStatement: any;
    identityStatement: any;
    identityFor: string | null;
    roleChanges: { MaxSessionDuration?: number };
  },
  roleArn: string,
): void {
  const role = roleEntry(snapshots, roleArn);
  if (!role) throw new Error(`no snapshot entry for ${roleArn}`);
  if (grant.trustStatement) {
    const policy = trustOf(role);
    policy.Statement = [...statementsOf(policy), grant.trustStatement];
    role.AssumeRolePolicyDocument = policy;
  }
  if (grant.roleChanges.MaxSessionDuration) role.MaxSessionDuration = grant.roleChanges.MaxSessionDuration;
  if (grant.identityStatement && grant.identityFor) {
    const document = { Version: '2012-10-17', Statement: [grant.identityStatement] };
    const who = grant.identityFor;
    if (who.includes(':user/')) {
      const user = snapshots.flatMap((s) => s.UserDetailList ?? []).find((u: any) => u.Arn === who);
      if (user)
        user.UserPolicyList = [
          ...(user.UserPolicyList ?? []),
          { PolicyName: 'rolecall-grant', PolicyDocument: document },
        ];
    } else {
      const caller = roleEntry(snapshots, who);
      if (caller)
        caller.RolePolicyList = [
          ...(caller.RolePolicyList ?? []),
          { PolicyName: 'rolecall-grant', PolicyDocument: document },
        ];
    }
  }
}
