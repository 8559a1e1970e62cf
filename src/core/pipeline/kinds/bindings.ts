// AWS credentials bindings of withCredentials: `aws(credentialsId:, roleArn:)` and
// `[$class: 'AmazonWebServicesCredentialsBinding', ...]`. A binding with a role is a usage that assumes it;
// one without is a usage of the credential's static keys (`assumesRole: false`).
import type { CallExpression, Expression } from '../../syntax/ast';
import { newUsage, toSeconds, type UsageBuilder, type UsageKindModule } from '../builder';
import { calleeName, mapEntries, namedArgs, plainString, positional, range, rawContent, stepName } from '../calls';
import { callerOf } from '../callers';
import type { Pending } from '../scope';

/** The AWS bindings in a withCredentials list, in order. */
function awsBindings(call: CallExpression): Expression[] {
  const list = positional(call.args)[0];
  if (!list || list.type !== 'List') return [];
  const out: Expression[] = [];
  for (const el of list.elements) {
    if (el.type === 'Call' && calleeName(el) === 'aws') out.push(el);
    else if (el.type === 'Map' && plainString(mapEntries(el).get('$class')) === 'AmazonWebServicesCredentialsBinding')
      out.push(el);
  }
  return out;
}

function buildBinding(item: Pending, b: UsageBuilder): void {
  const binding = item.part;
  if (!binding) return;
  const call = item.call;
  const scope = item.scope;
  const named =
    binding.type === 'Map'
      ? mapEntries(binding)
      : binding.type === 'Call'
        ? namedArgs(binding.args)
        : new Map<string, Expression>();
  const credExpr = named.get('credentialsId');
  const credVal = b.val(credExpr, scope);
  const credId = b.credentialsIdOf(credVal);
  const roleExpr = named.get('roleArn');
  const roleVal = b.val(roleExpr, scope);
  const credentialRole = b.credential(credId)?.roleArn;
  if ((!roleExpr || roleVal?.value === '') && credentialRole && credId !== null && credExpr && credVal) {
    const usage = b.credentialRoleUsage('credentials-binding', call, scope, credId, credentialRole, credExpr, credVal);
    usage.args.call = range(binding);
    usage.roleSessionName = 'Jenkins';
    item.usages.push(usage);
    return;
  }
  if (!roleExpr || !roleVal || roleVal.value === '') {
    // The credential's keys bound as they are: a usage that assumes no role.
    const usage = b.staticKeysUsage(
      'credentials-binding',
      call,
      scope,
      credExpr && credVal ? { expr: credExpr, val: credVal } : null,
      null,
    );
    usage.args.call = range(binding);
    item.usages.push(usage);
    return;
  }
  const usage = newUsage(b.file, 'credentials-binding', range(call), stepName(call, b.text));
  usage.args.call = range(binding);
  usage.boundStringCredentials = b.boundCredentials(scope);
  usage.agentLabel = b.label(scope.agent);
  if (credExpr && credVal) {
    b.record(usage, 'credentials', credVal, range(credExpr));
    usage.credentialsId = credId;
  }
  b.setCaller(usage, callerOf({ kind: 'binding', credentialsId: credId }, b.ctx));
  b.roleFromArn(usage, roleVal, rawContent(b.text, roleExpr), range(roleExpr));

  // The binding's defaults: session name "Jenkins" (what STS receives), duration = STS default.
  const nameExpr = named.get('roleSessionName');
  if (nameExpr) {
    const n = b.resolver.expr(nameExpr, scope);
    b.record(usage, 'roleSessionName', n, range(nameExpr));
    usage.roleSessionName = n.value ?? n.template;
  } else {
    usage.roleSessionName = 'Jenkins';
  }
  const durExpr = named.get('roleSessionDurationSeconds');
  if (durExpr) {
    const d = b.resolver.expr(durExpr, scope);
    b.record(usage, 'duration', d, range(durExpr));
    const seconds = toSeconds(d.value);
    usage.duration = seconds === 0 ? null : seconds;
  }
  item.usages.push(usage);
}

export const awsBinding: UsageKindModule = {
  name: 'withCredentials',
  steps: ['withCredentials'],
  opensIdentity: true,
  candidates: awsBindings,
  build: buildBinding,
};
