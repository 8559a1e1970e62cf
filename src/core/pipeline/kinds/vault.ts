// Vault's AWS secrets engine: `withVault(vaultSecrets: [[path: 'aws/sts/ROLE', ...]])`. The Vault server
// assumes the role (its principal is the caller); the IAM role comes from the path or .rolecall.json vaultRoles.
import { accountOfArnLoose, newUsage, type UsageBuilder, type UsageKindModule } from '../builder';
import { mapEntries, namedArgs, range, stepName } from '../calls';
import { callerOf } from '../callers';
import { checkRoleArn } from '../role-arn';
import type { Pending } from '../scope';

function buildVault(item: Pending, b: UsageBuilder): void {
  const call = item.call;
  const scope = item.scope;
  const named = namedArgs(call.args);
  let secrets = named.get('vaultSecrets');
  if (secrets && secrets.type === 'Identifier') {
    const a = b.resolver.assignmentBefore(secrets.name, secrets.start);
    if (a) secrets = a.value;
  }
  if (!secrets || secrets.type !== 'List') return;
  for (const entry of secrets.elements) {
    if (entry.type !== 'Map') continue;
    const pathExpr = mapEntries(entry).get('path');
    if (!pathExpr) continue;
    const pathVal = b.resolver.expr(pathExpr, scope);
    const path = pathVal.value ?? pathVal.template;
    const m = /^\/?(?:v1\/)?([^/?]*aws[^/?]*)\/(sts|creds)\/([^/?]+)(?:\?(.*))?$/.exec(path);
    if (!m) continue;
    const [, mount, , roleName, query] = m;
    const usage = newUsage(b.file, 'vault', range(call), stepName(call, b.text));
    usage.args.call = range(entry);
    usage.vaultPath = path;
    usage.boundStringCredentials = b.boundCredentials(scope);
    usage.agentLabel = b.label(scope.agent);
    usage.args.role = range(pathExpr);
    const params = new URLSearchParams(query ?? '');
    const fromQuery = params.get('role_arn');
    const mapped = b.config?.vaultRoles[roleName] ?? b.config?.vaultRoles[`${mount}/${m[2]}/${roleName}`];
    const arn = fromQuery ?? mapped ?? null;
    usage.origins.role = {
      source: pathVal.source === 'literal' ? 'literal' : pathVal.source,
      reference: roleName,
      description: fromQuery
        ? `role_arn in the Vault path (line ${b.cite(pathExpr.start)})`
        : mapped
          ? `Vault role ${roleName} (.rolecall.json vaultRoles)`
          : `Vault role ${roleName} (not mapped)`,
    };
    if (pathVal.value === null) {
      for (const miss of pathVal.missing)
        usage.unresolved.push({
          arg: 'role',
          reference: miss.reference,
          message: `Vault path: ${miss.message}.`,
          range: range(pathExpr),
        });
    } else if (arn) {
      usage.role = arn;
      const check = checkRoleArn(arn);
      usage.roleArn = check.ok ? arn : null;
      usage.roleAccount = check.ok ? check.account : accountOfArnLoose(arn);
    } else {
      usage.role = roleName;
      usage.unresolved.push({
        arg: 'role',
        reference: roleName,
        message: `Vault role "${roleName}" (${path}) is not mapped to the IAM role it assumes; add "vaultRoles": {"${roleName}": "arn:aws:iam::ACCOUNT:role/NAME"} to .rolecall.json.`,
        range: range(pathExpr),
      });
    }
    const ttl = params.get('ttl');
    if (ttl) usage.duration = vaultTtl(ttl);
    b.setCaller(usage, callerOf({ kind: 'vault' }, b.ctx));
    item.usages.push(usage);
  }
}

function vaultTtl(ttl: string): number | null {
  const m = /^(\d+)([smhd]?)$/.exec(ttl.trim());
  if (!m) return null;
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

export const vault: UsageKindModule = {
  name: 'withVault',
  steps: ['withVault'],
  opensIdentity: true,
  candidates: () => [null],
  build: buildVault,
};
