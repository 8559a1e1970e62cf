// The oracle for `impact`: two whole scans, one with the current snapshots and one with snapshots whose JSON
// was edited (as the role's owner would edit the role), and their difference per usage. Independent of
// ChangedIamReader: the second scan reads a real, re-parsed snapshot file.
import { addTrustFindings, type AnalysisContext, type FileAnalysis } from '../../../../src/core/analyze';
import { parseSnapshot, SnapshotIamReader } from '../../../../src/core/iam/snapshot';
import type { IamChange } from '../../../../src/core/iam/impact';
import { roleEntry, statementsOf, trustOf, type Snapshot } from './snapshotEdit';

export type ChangeKind =
  'statement-removed' | 'external-id-rotated' | 'mfa-added' | 'principal-narrowed' | 'max-session-lowered';
export const CHANGE_KINDS: ChangeKind[] = [
  'statement-removed',
  'external-id-rotated',
  'mfa-added',
  'principal-narrowed',
  'max-session-lowered',
];

/** A generated change to a role's trust policy object (or its MaxSessionDuration). */
export function changedTrust(policy: any, kind: ChangeKind, narrowTo: string): any {
  const p = JSON.parse(JSON.stringify(policy));
  const list = statementsOf(p);
  const allows = list.filter((s: any) => s.Effect === 'Allow');
  switch (kind) {
    case 'statement-removed':
      p.Statement = list.slice(1);
      break;
    case 'external-id-rotated': {
      let rotated = false;
      for (const s of list) {
        for (const clause of Object.values(s.Condition ?? {}) as any[]) {
          for (const key of Object.keys(clause))
            if (key.toLowerCase() === 'sts:externalid') {
              clause[key] = 'rotated-external-id-2027';
              rotated = true;
            }
        }
      }
      // A role without an ExternalId gets one: the rotation from "none" to a value.
      if (!rotated)
        for (const s of allows)
          s.Condition = {
            ...(s.Condition ?? {}),
            StringEquals: { ...(s.Condition?.StringEquals ?? {}), 'sts:ExternalId': 'rotated-external-id-2027' },
          };
      p.Statement = list;
      break;
    }
    case 'mfa-added':
      for (const s of allows)
        s.Condition = {
          ...(s.Condition ?? {}),
          Bool: { ...(s.Condition?.Bool ?? {}), 'aws:MultiFactorAuthPresent': 'true' },
        };
      p.Statement = list;
      break;
    case 'principal-narrowed':
      for (const s of allows) if (s.Principal?.AWS) s.Principal = { AWS: narrowTo };
      p.Statement = list;
      break;
    default:
      break;
  }
  return p;
}

/** Key of a usage and of the findings a scan anchors at it. */
export function usageKey(file: string, offset: number): string {
  return `${file}\0${offset}`;
}

/** Error codes per usage of a whole scan (the trust checks added to copies of syntax-level analyses). */
export async function scanErrors(
  analyses: readonly FileAnalysis[],
  ctx: AnalysisContext,
): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const a of analyses) {
    const full = await addTrustFindings({ ...a, findings: [...a.findings] }, ctx);
    for (const u of full.usages) out.set(usageKey(u.file, u.anchor.start), new Set());
    for (const f of full.findings) {
      if (f.severity !== 'error' || !f.anchor) continue;
      out.get(usageKey(f.file, f.anchor.start))?.add(f.code);
    }
  }
  return out;
}

/** The difference of two scans: usages that gain codes (breaks) and that lose codes (fixes). */
export function diffScans(
  before: Map<string, Set<string>>,
  after: Map<string, Set<string>>,
): { breaks: Map<string, string[]>; fixes: Map<string, string[]>; unchanged: number } {
  const breaks = new Map<string, string[]>();
  const fixes = new Map<string, string[]>();
  let unchanged = 0;
  for (const [key, b] of before) {
    const a = after.get(key) ?? new Set<string>();
    const added = [...a].filter((c) => !b.has(c)).sort();
    const removed = [...b].filter((c) => !a.has(c)).sort();
    if (added.length) breaks.set(key, added);
    if (removed.length) fixes.set(key, removed);
    if (!added.length && !removed.length) unchanged++;
  }
  return { breaks, fixes, unchanged };
}

/** Applies a generated change to copies of the snapshot objects and re-parses them into a reader. */
export function changedReader(
  snapshots: Array<{ file: string; data: Snapshot }>,
  roleArn: string,
  kind: ChangeKind,
  narrowTo: string,
): { reader: SnapshotIamReader; change: IamChange } {
  const copies = snapshots.map((s) => ({ file: s.file, data: JSON.parse(JSON.stringify(s.data)) as Snapshot }));
  const entry = roleEntry(
    copies.map((c) => c.data),
    roleArn,
  );
  let change: IamChange;
  if (kind === 'max-session-lowered') {
    entry.MaxSessionDuration = 3600;
    change = { roles: [{ roleArn, maxSessionDuration: 3600 }] };
  } else {
    const next = changedTrust(trustOf(entry), kind, narrowTo);
    entry.AssumeRolePolicyDocument = next;
    change = { roles: [{ roleArn, trustPolicy: { text: JSON.stringify(next) } }] };
  }
  const parsed = copies.map((c) => {
    const r = parseSnapshot(c.file, JSON.stringify(c.data, null, 2));
    if (!r.snapshot) throw new Error(r.error);
    return r.snapshot;
  });
  return { reader: new SnapshotIamReader(parsed), change };
}
