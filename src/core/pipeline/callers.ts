// Caller policy: who calls STS for a usage — the Jenkins controller, an agent, Vault, the keys of an AWS
// credential, or the role of an enclosing step (a chain) — and how that was decided, for hovers. One
// function answers it from the usage's place (`CallSite`) and the analysis context; extraction says
// where a call is, this module says who makes it.
import type { CallExpression } from '../syntax/ast';
import type { AnalysisContext } from '../types';

/** What caller policy reads from the analysis context. */
export type CallerContext = Pick<AnalysisContext, 'config' | 'caller'>;

/** A principal and how it was chosen ("agent label linux (.rolecall.json callers.agents)", "--caller"). */
export interface CallerDecision {
  caller: string | null;
  origin: string | null;
}

/** The agent in effect at a call: a declarative `agent { }` / `agent any`, or a scripted `node('label')`. */
export interface AgentInScope {
  /** The label, resolved (parameters, variables), or null when none or unknown. */
  label: string | null;
  /** The directive as written (`agent { ecs { ... } }`, `node('x') { }`), for callers read from it. */
  declaration: CallExpression | null;
}

/** Credentials an enclosing step put in effect around a shell call (withAWS, an AWS binding, withVault). */
export interface EnclosingCredentials {
  step: 'withAWS' | 'withCredentials' | 'withVault';
  /** The line of the enclosing call, as descriptions cite it. */
  line: string;
  /** Whether the enclosing step yielded a usage (then `roleArn` is its role, possibly unresolved). */
  assumed: boolean;
  roleArn: string | null;
  /** The AWS credential an enclosing withCredentials binds (its keys, when it assumes no role). */
  credentialsId: string | null;
}

/** Where a usage's STS call is made: what the caller policy needs to know about the call's place. */
export type CallSite =
  /** withAWS: the controller makes the call, or the agent with `useNode: true`; an AWS credential's keys when given. */
  | { kind: 'withAWS'; agent: AgentInScope | null; useNode: boolean; credentialsId: string | null }
  /** An AWS credentials binding with its own roleArn: the credential's keys make the call. */
  | { kind: 'binding'; credentialsId: string | null }
  /** The "IAM Role To Use" of an AWS credential, assumed with its keys. */
  | { kind: 'credential-role'; credentialsId: string }
  /** Vault's AWS secrets engine: the Vault server calls STS as itself. */
  | { kind: 'vault' }
  /** A shell step (`aws sts ...`): runs on the agent, with the credentials of an enclosing step if any. */
  | { kind: 'shell'; agent: AgentInScope | null; enclosing: EnclosingCredentials | null };

/** Who calls STS for a usage at this place, and how that was decided. */
export function callerOf(site: CallSite, ctx: CallerContext): CallerDecision {
  switch (site.kind) {
    case 'withAWS':
      return withAwsCaller(site, ctx);
    case 'binding':
      return credentialCaller(site.credentialsId, true, ctx);
    case 'credential-role':
      return credentialCaller(site.credentialsId, false, ctx);
    case 'vault':
      if (ctx.config?.callers.vault) return { caller: ctx.config.callers.vault, origin: 'Vault server (.rolecall.json callers.vault)' };
      return fallbackCaller(ctx);
    case 'shell':
      return shellCaller(site.agent, site.enclosing, ctx);
  }
}

function withAwsCaller(site: { agent: AgentInScope | null; useNode: boolean; credentialsId: string | null }, ctx: CallerContext): CallerDecision {
  const credId = site.credentialsId;
  const info = credId !== null ? ctx.config?.awsCredentials[credId] : undefined;
  let decision: CallerDecision;
  if (info?.roleArn) decision = { caller: info.roleArn, origin: `role of AWS credential '${credId}' (.rolecall.json awsCredentials): a role chain` };
  else if (info?.principal) decision = { caller: info.principal, origin: `AWS credential '${credId}' (.rolecall.json awsCredentials)` };
  else if (site.useNode) {
    const c = agentCaller(site.agent, ctx);
    decision = { caller: c.caller, origin: c.origin && `${c.origin}, useNode: true` };
  } else if (ctx.config?.callers.controller) decision = { caller: ctx.config.callers.controller, origin: 'Jenkins controller (.rolecall.json callers.controller)' };
  else decision = fallbackCaller(ctx);
  if (credId !== null && !info) decision = { caller: decision.caller, origin: `${decision.origin ?? 'unknown'} (AWS credential '${credId}' is not described in .rolecall.json awsCredentials)` };
  return decision;
}

/** The principal of agent-run code: the label's mapping, then the any-agent mapping, then the fallback. */
function agentCaller(agent: AgentInScope | null, ctx: CallerContext): CallerDecision {
  const agents = ctx.config?.callers.agents ?? {};
  const label = agent?.label ?? null;
  if (label !== null && agents[label]) return { caller: agents[label], origin: `agent label ${label} (.rolecall.json callers.agents)` };
  if (agents['*']) return { caller: agents['*'], origin: label !== null ? `agent label ${label}, via callers.agents["*"] (.rolecall.json)` : `any agent (.rolecall.json callers.agents["*"])` };
  return fallbackCaller(ctx);
}

/**
 * Who calls STS with an AWS credential's keys: the principal .rolecall.json describes for it, else the
 * fallback caller (saying, when asked, that the credential is not described).
 */
function credentialCaller(credId: string | null, noteUndescribed: boolean, ctx: CallerContext): CallerDecision {
  const info = credId !== null ? ctx.config?.awsCredentials[credId] : undefined;
  if (info?.principal) return { caller: info.principal, origin: `AWS credential '${credId}' (.rolecall.json awsCredentials)` };
  const c = fallbackCaller(ctx);
  const note = noteUndescribed && credId !== null ? ` (AWS credential '${credId}' is not described in .rolecall.json awsCredentials)` : '';
  return { caller: c.caller, origin: c.origin && c.origin + note };
}

/** When nothing more specific applies: `.rolecall.json callers.default`, then `--caller`. */
function fallbackCaller(ctx: CallerContext): CallerDecision {
  if (ctx.config?.callers.default) return { caller: ctx.config.callers.default, origin: '.rolecall.json callers.default' };
  if (ctx.caller) return { caller: ctx.caller, origin: '--caller' };
  return { caller: null, origin: null };
}

/** Shell steps inside withAWS / a binding / withVault run with those credentials; elsewhere as the agent. */
function shellCaller(agent: AgentInScope | null, enclosing: EnclosingCredentials | null, ctx: CallerContext): CallerDecision {
  if (enclosing?.assumed) {
    if (enclosing.roleArn) return { caller: enclosing.roleArn, origin: `role assumed by the enclosing ${enclosing.step} (line ${enclosing.line}): a role chain` };
    return { caller: null, origin: `credentials of the enclosing ${enclosing.step} (line ${enclosing.line}), whose role is unresolved` };
  }
  if (enclosing && enclosing.step === 'withCredentials') {
    const credId = enclosing.credentialsId;
    const principal = credId ? ctx.config?.awsCredentials[credId]?.principal : undefined;
    if (principal) return { caller: principal, origin: `AWS credential '${credId}' bound by withCredentials (line ${enclosing.line}; .rolecall.json awsCredentials)` };
  }
  return agentCaller(agent, ctx);
}
