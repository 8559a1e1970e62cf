// withAWS(role:, roleAccount:, externalId:, duration:, roleSessionName:, region:, credentials:, useNode:) { }
import {
  accountOfArn,
  newUsage,
  originOf,
  resolvedValue,
  toSeconds,
  type UsageBuilder,
  type UsageKindModule,
} from '../builder';
import { callArgsEnd, namedArgs, positional, range, rawContent, stepName } from '../calls';
import { callerOf } from '../callers';
import { checkRoleArn, partitionOfRegion } from '../role-arn';
import type { Pending } from '../scope';
import type { Expression } from '../../syntax/ast';
import type { Range } from '../../types';

function buildWithAws(item: Pending, b: UsageBuilder): void {
  const call = item.call;
  let named = namedArgs(call.args);
  const only = positional(call.args)[0];
  if (named.size === 0 && only && only.type === 'Identifier') {
    // `def awsArgs = [role: ...]; awsArgs.region = ...; withAWS(awsArgs) { }`
    named = b.resolver.mapArgs(only, item.scope) ?? named;
  }
  const roleExpr = named.get('role');
  const scope = item.scope;
  if (!roleExpr) ignoredRoleOptions(item, named, b);
  const credExpr = named.get('credentials');
  const credVal = b.val(credExpr, scope);
  const credId = b.credentialsIdOf(credVal);
  const credentialRole = b.credential(credId)?.roleArn;
  if (!roleExpr && credentialRole && credId !== null) {
    // The credential's own "IAM Role To Use" is assumed with its keys: a role usage, not static keys.
    const usage = b.credentialRoleUsage('withAWS', call, item.scope, credId, credentialRole, credExpr!, credVal!);
    item.usages.push(usage);
    return;
  }
  const profileExpr = named.get('profile');
  if (!roleExpr) {
    // Keys used as they are (an AWS credential's, or a profile's on the node): a usage that assumes no role.
    // Only region: or other options is no usage at all.
    const profileVal = b.val(profileExpr, scope);
    if ((credExpr && credVal) || (profileExpr && profileVal)) {
      const usage = b.staticKeysUsage(
        'withAWS',
        call,
        scope,
        credExpr && credVal ? { expr: credExpr, val: credVal } : null,
        profileExpr && profileVal ? { expr: profileExpr, val: profileVal } : null,
      );
      const regionExpr = named.get('region');
      const region = b.val(regionExpr, scope);
      if (regionExpr && region) {
        // No role ARN is built from it: an unknown region is no unresolved reference here.
        usage.args.region = range(regionExpr);
        usage.origins.region = originOf(region);
        usage.region = region.value;
      }
      item.usages.push(usage);
    }
    return;
  }
  const usage = newUsage(b.file, 'withAWS', range(call), stepName(call, b.text));
  usage.args.call = { start: call.start, end: callArgsEnd(call) };
  usage.boundStringCredentials = b.boundCredentials(scope);
  usage.agentLabel = b.label(scope.agent);

  // The caller: an AWS credential's principal (or its role: a chain), the agent, or the controller.
  if (credExpr && credVal) {
    b.record(usage, 'credentials', credVal, range(credExpr));
    usage.credentialsId = credId;
  }
  const useNode = b.val(named.get('useNode'), scope)?.value === 'true';
  const info = b.credential(credId);
  b.setCaller(
    usage,
    callerOf(
      { kind: 'withAWS', agent: useNode ? b.agentInScope(scope.agent) : null, useNode, credentialsId: credId },
      b.ctx,
    ),
  );
  if (info?.mfaSerial) usage.mfaSerial = info.mfaSerial;

  const regionExpr = named.get('region');
  const region = b.val(regionExpr, scope);
  if (regionExpr && region) {
    b.record(usage, 'region', region, range(regionExpr));
    usage.region = region.value;
  }

  const roleVal = b.resolver.expr(roleExpr, scope);
  const roleRaw = rawContent(b.text, roleExpr);
  const roleText = roleVal.value;
  if (roleText !== null && roleText.startsWith('arn:')) {
    b.roleFromArn(usage, roleVal, roleRaw, range(roleExpr), 'role');
  } else {
    b.record(usage, 'role', roleVal, range(roleExpr));
    usage.role = roleText ?? roleRaw;
    const accountExpr = named.get('roleAccount');
    let account: string | null;
    if (accountExpr) {
      const acc = b.resolver.expr(accountExpr, scope);
      b.record(usage, 'roleAccount', acc, range(accountExpr));
      usage.roleAccount = acc.value ?? rawContent(b.text, accountExpr);
      account = acc.value;
    } else {
      account = accountOfArn(usage.caller);
      usage.roleAccount = account;
      if (account === null && roleText !== null) {
        usage.unresolved.push({
          arg: 'roleAccount',
          reference: 'roleAccount',
          message: `role: withAWS builds the ARN of role "${roleText}" from the caller's account, which is unknown; add roleAccount: '123456789012' or map the caller in .rolecall.json "callers" (or pass --caller ARN).`,
          range: range(roleExpr),
        });
      }
    }
    if (roleText !== null && account !== null && /^\d{12}$/.test(account)) {
      const arn = `arn:${partitionOfRegion(usage.region)}:iam::${account}:role/${roleText}`;
      usage.roleArn = checkRoleArn(arn).ok ? arn : null;
    }
  }

  const ext = named.get('externalId');
  if (ext) {
    const v = b.resolver.expr(ext, scope);
    usage.externalId = { present: true, resolved: resolvedValue(v, b.src(ext)) };
    b.record(usage, 'externalId', v, range(ext));
    // Written in this file (directly, via a variable, environment or a parameter default): a secret in the repository.
    if (v.value !== null && v.literalRange && v.source !== 'credential') {
      const direct = ext.type === 'String' && !ext.interpolated;
      b.pushSecret(usage, {
        kind: 'external-id',
        range: v.literalRange && direct ? range(ext) : (v.literalRange ?? range(ext)),
        ...(direct && item.statement
          ? {
              replacement: 'env.EXTERNAL_ID',
              statement: range(item.statement),
              indent: b.indentAt(item.statement.start),
            }
          : {}),
      });
    }
  }

  const durExpr = named.get('duration');
  if (durExpr) {
    const d = b.resolver.expr(durExpr, scope);
    b.record(usage, 'duration', d, range(durExpr));
    usage.duration = toSeconds(d.value);
    if (d.value !== null && usage.duration === null) {
      usage.unresolved.push({
        arg: 'duration',
        reference: d.value,
        message: `duration: "${d.value}" is not a number of seconds.`,
        range: range(durExpr),
      });
    }
  } else {
    usage.duration = 3600;
    usage.durationDefaulted = true;
  }

  const nameExpr = named.get('roleSessionName');
  if (nameExpr) {
    const n = b.resolver.expr(nameExpr, scope);
    b.record(usage, 'roleSessionName', n, range(nameExpr));
    usage.roleSessionName = n.value ?? n.template;
  }

  const mfaExpr = named.get('iamMfaToken');
  if (mfaExpr) {
    usage.mfa = true;
    usage.args.mfa = range(mfaExpr);
    usage.origins.mfa = originOf(b.resolver.expr(mfaExpr, scope));
  }
  item.usages.push(usage);
}

/** withAWS options the pipeline-aws-plugin reads only in its assume-role path (`withRole`, run when role: is set). */
const ROLE_ONLY_OPTIONS = ['roleAccount', 'externalId', 'roleSessionName', 'policy', 'duration'] as const;

/**
 * A withAWS without role: — its role-only options are ignored by the plugin (reported), and an ExternalId
 * written in this file is still a secret in the repository (reported wherever it is written).
 */
function ignoredRoleOptions(item: Pending, named: Map<string, Expression>, b: UsageBuilder): void {
  const call = item.call;
  const options: Array<{ name: string; range: Range }> = [];
  for (const name of ROLE_ONLY_OPTIONS) {
    const e = named.get(name);
    // duration: also sets the federated user's session (federatedUserId:), which needs no role.
    if (!e || (name === 'duration' && named.has('federatedUserId'))) continue;
    const arg = call.args.find((a) => a.type === 'NamedArg' && a.name === name);
    options.push({ name, range: arg ? range(arg) : range(e) });
  }
  if (options.length > 0) {
    const anchor = stepName(call, b.text);
    b.factOnce(`ignored-role-options:${anchor.start}:${anchor.end}`, { kind: 'ignored-role-options', anchor, options });
  }
  const ext = named.get('externalId');
  if (!ext) return;
  const v = b.resolver.expr(ext, item.scope);
  if (v.value === null || !v.literalRange || v.source === 'credential') return;
  const direct = ext.type === 'String' && !ext.interpolated;
  const at = direct ? range(ext) : v.literalRange;
  b.factOnce(`external-id:${at.start}:${at.end}`, {
    kind: 'literal-secret',
    secret: 'external-id',
    range: at,
    variable: ext.type === 'Identifier' ? ext.name : null,
  });
}

export const withAws: UsageKindModule = {
  name: 'withAWS',
  steps: ['withAWS'],
  opensIdentity: true,
  candidates: () => [null],
  build: buildWithAws,
};
