// Caller policy: who calls STS for a usage — the Jenkins controller, an agent, Vault, the keys of an AWS
// credential, or the role of an enclosing step (a chain) — and how that was decided, for hovers. One
// function answers it from the usage's place (`CallSite`) and the analysis context; extraction says
// where a call is, this module says who makes it.
//
// Precedence (docs/cli.md): the Jenkinsfile's own agent declaration (an inline ECS task role or
// Kubernetes service account), then .rolecall.json, then Jenkins configuration as code (`ctx.agents`),
// then `--caller`. A label that JCasC templates running as different principals satisfy gives every
// choice (`choices`), so the trust checks can name the one that fails.
import type { CallExpression } from '../syntax/ast';
import { credentialInfo, type AwsCredentialInfo } from '../config';
import type { AnalysisContext, CallerChoice, CallerSource } from '../types';
import { inlineAgentCaller, matchLabel, matchUnlabeled, type InlineAgent, type LabelMatch } from '../jenkins/agents';

/** What caller policy reads from the analysis context. */
export type CallerContext = Pick<AnalysisContext, 'config' | 'caller' | 'agents'>;

/** A principal and how it was chosen ("agent label linux (.rolecall.json callers.agents)", "--caller"). */
export interface CallerDecision {
  caller: string | null;
  origin: string | null;
  /** Where the caller was read from. */
  source?: CallerSource;
  /** Every principal the agent label may run as, when JCasC templates of different roles satisfy it. */
  choices?: CallerChoice[];
}

const NONE: CallerSource = { kind: 'none', file: null, line: null, key: null };
const configKey = (key: string): CallerSource => ({ kind: 'config', file: null, line: null, key });

/** The agent in effect at a call: a declarative `agent { }` / `agent any`, or a scripted `node('label')`. */
export interface AgentInScope {
  /** The label, resolved (parameters, variables), or null when none or unknown. */
  label: string | null;
  /** The directive as written (`agent { ecs { ... } }`, `node('x') { }`), for callers read from it. */
  declaration: CallExpression | null;
  /** An inline `ecs { }` / `kubernetes { }` agent's own identity, resolved, when the directive has one. */
  inline?: InlineAgent | null;
  /** The directive's line, as descriptions cite it. */
  line?: string;
  /** The directive asks for no label (`agent any`, `node { }`): any node that takes unlabeled work may run it. */
  anyNode?: boolean;
}

/** Credentials an enclosing step put in effect around a shell call (withAWS, an AWS binding, withVault). */
export interface EnclosingCredentials {
  step: string;
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
      if (ctx.config?.callers.vault)
        return {
          caller: ctx.config.callers.vault,
          origin: 'Vault server (.rolecall.json callers.vault)',
          source: configKey('callers.vault'),
        };
      return fallbackCaller(ctx);
    case 'shell':
      return shellCaller(site.agent, site.enclosing, ctx);
  }
}

/** An AWS credential described in .rolecall.json and/or JCasC (field by field, .rolecall.json first), and where each part is said. */
export interface DescribedCredential {
  info: AwsCredentialInfo;
  /** Where its role (`roleArn`) is said: ".rolecall.json awsCredentials" or "jenkins.yaml:12". */
  roleWhere: string;
  roleSource: CallerSource;
  /** Where its principal is said (only .rolecall.json can: JCasC holds the keys, which are secrets). */
  principalSource: CallerSource;
}

/** The AWS credential of that id, as .rolecall.json and JCasC describe it; null when neither does. */
export function describedCredential(credId: string | null, ctx: CallerContext): DescribedCredential | null {
  if (credId === null) return null;
  const own = ctx.config?.awsCredentials[credId];
  const casc = ctx.agents?.credentials[credId];
  const info = credentialInfo(ctx.config, ctx.agents, credId);
  if (!info) return null;
  const roleFromConfig = !!own?.roleArn || !casc?.roleArn;
  return {
    info,
    roleWhere: roleFromConfig ? '.rolecall.json awsCredentials' : `${casc!.source.file}:${casc!.source.line}`,
    roleSource: roleFromConfig ? configKey(`awsCredentials.${credId}.roleArn`) : casc!.source,
    principalSource: configKey(`awsCredentials.${credId}.principal`),
  };
}

function withAwsCaller(
  site: { agent: AgentInScope | null; useNode: boolean; credentialsId: string | null },
  ctx: CallerContext,
): CallerDecision {
  const credId = site.credentialsId;
  const described = describedCredential(credId, ctx);
  const info = described?.info;
  let decision: CallerDecision;
  if (info?.roleArn)
    decision = {
      caller: info.roleArn,
      origin: `role of AWS credential '${credId}' (${described!.roleWhere}): a role chain`,
      source: described!.roleSource,
    };
  else if (info?.principal)
    decision = {
      caller: info.principal,
      origin: `AWS credential '${credId}' (.rolecall.json awsCredentials)`,
      source: described!.principalSource,
    };
  else if (site.useNode) {
    const c = agentCaller(site.agent, ctx);
    decision = {
      ...c,
      origin: c.origin && `${c.origin}, useNode: true`,
      ...(c.choices ? { choices: c.choices.map((x) => ({ ...x, origin: `${x.origin}, useNode: true` })) } : {}),
    };
  } else if (ctx.config?.callers.controller)
    decision = {
      caller: ctx.config.callers.controller,
      origin: 'Jenkins controller (.rolecall.json callers.controller)',
      source: configKey('callers.controller'),
    };
  else decision = fallbackCaller(ctx);
  if (credId !== null && !info)
    decision = {
      ...decision,
      origin: `${decision.origin ?? 'unknown'} (AWS credential '${credId}' is not described in .rolecall.json awsCredentials)`,
    };
  return decision;
}

/**
 * The principal of agent-run code: the inline agent's own identity, the label's mapping in
 * .rolecall.json, the JCasC templates the label picks, the any-agent mapping, then the fallback.
 */
function agentCaller(agent: AgentInScope | null, ctx: CallerContext): CallerDecision {
  const agents = ctx.config?.callers.agents ?? {};
  const label = agent?.label ?? null;
  const inline = agent?.inline ? inlineCaller(agent.inline, agent.line ?? '?', ctx) : null;
  if (inline) return inline;
  if (label !== null && agents[label])
    return {
      caller: agents[label],
      origin: `agent label ${label} (.rolecall.json callers.agents)`,
      source: configKey(`callers.agents.${label}`),
    };
  let note = '';
  if (label !== null && ctx.agents) {
    const casc = cascCaller(label, ctx);
    if (casc.decision) return casc.decision;
    note = casc.note;
  } else if (label === null && agent?.anyNode && !agent.inline && ctx.agents) {
    // `agent any` / `node { }`: every template its cloud starts for unlabeled work may run it.
    const casc = cascChoices(matchUnlabeled(ctx.agents), `agent without a label (line ${agent.line ?? '?'})`, '');
    if (casc.decision) return casc.decision;
    note =
      '; no Jenkins configuration-as-code template takes work without a label (EC2 `mode: NORMAL`, Kubernetes `nodeUsageMode: NORMAL`)';
  }
  if (agents['*'])
    return {
      caller: agents['*'],
      origin:
        (label !== null
          ? `agent label ${label}, via callers.agents["*"] (.rolecall.json)`
          : `any agent (.rolecall.json callers.agents["*"])`) + note,
      source: configKey('callers.agents.*'),
    };
  const fallback = fallbackCaller(ctx);
  return note && fallback.origin ? { ...fallback, origin: fallback.origin + note } : fallback;
}

/** An inline `agent { ecs { taskrole } }` / `kubernetes { serviceAccount }`: null when it says nothing of its identity. */
function inlineCaller(inline: InlineAgent, line: string, ctx: CallerContext): CallerDecision | null {
  const r = inlineAgentCaller(ctx.agents ?? null, inline, ctx.config?.serviceAccounts ?? {});
  const key = inline.kind === 'ecs' ? 'taskrole' : 'serviceAccount';
  if (inline.identity) {
    const what = `${inline.kind} agent's ${key} '${inline.identity}' (line ${line})`;
    return r.caller
      ? { caller: r.caller, origin: `inline ${what}`, source: { kind: 'inline-agent', file: null, line: null, key } }
      : {
          caller: null,
          origin: `inline ${what}: ${r.unresolved}`,
          source: { kind: 'inline-agent', file: null, line: null, key },
        };
  }
  if (r.parent) {
    const origin = `inline ${inline.kind} agent (line ${line}) inheriting from ${r.parent.description}`;
    return { caller: r.caller, origin: r.caller ? origin : `${origin}: ${r.unresolved}`, source: r.parent.source };
  }
  return null;
}

/** The JCasC templates an agent label picks: one decision, several choices, or a note that none has it. */
function cascCaller(label: string, ctx: CallerContext): { decision: CallerDecision | null; note: string } {
  const match = matchLabel(ctx.agents!, label);
  const lax = match.parseError
    ? ` ('${label}' is not a label expression Jenkins can parse — ${match.parseError} — so Jenkins takes it as one label)`
    : '';
  if (match.choices.length === 0)
    return { decision: null, note: `; no Jenkins configuration-as-code template has label '${label}'${lax}` };
  return cascChoices(match, `agent label ${label}`, lax);
}

/** The decision for the templates a match found (several principals: each is a choice, every one checked). */
function cascChoices(match: LabelMatch, what: string, lax: string): { decision: CallerDecision | null; note: string } {
  if (match.choices.length === 0) return { decision: null, note: '' };
  const choices: CallerChoice[] = match.choices.map((c) => {
    const first = c.templates[0];
    const more =
      c.templates.length > 1
        ? ` (and ${c.templates.length - 1} more template${c.templates.length > 2 ? 's' : ''} running as the same principal)`
        : '';
    const choice = `${first.description}${more}`;
    const origin = c.caller ? `${what}: ${choice}` : `${what}: ${choice}, whose caller is unknown: ${c.unresolved}`;
    return { caller: c.caller, choice, origin, source: first.source };
  });
  const first = choices[0];
  if (choices.length === 1)
    return { decision: { caller: first.caller, origin: first.origin + lax, source: first.source }, note: '' };
  const origin = `${what} matches templates running as ${choices.length} different principals; each is checked: ${choices.map((c) => c.choice).join('; ')}`;
  return { decision: { caller: first.caller, origin, source: first.source, choices }, note: '' };
}

/**
 * Who calls STS with an AWS credential's keys: the principal .rolecall.json describes for it, else the
 * fallback caller (saying, when asked, that the credential is not described).
 */
function credentialCaller(credId: string | null, noteUndescribed: boolean, ctx: CallerContext): CallerDecision {
  const info = credId !== null ? ctx.config?.awsCredentials[credId] : undefined;
  if (info?.principal)
    return {
      caller: info.principal,
      origin: `AWS credential '${credId}' (.rolecall.json awsCredentials)`,
      source: configKey(`awsCredentials.${credId}.principal`),
    };
  const c = fallbackCaller(ctx);
  const note =
    noteUndescribed && credId !== null
      ? ` (AWS credential '${credId}' is not described in .rolecall.json awsCredentials)`
      : '';
  return { ...c, origin: c.origin && c.origin + note };
}

/** When nothing more specific applies: `.rolecall.json callers.default`, then `--caller`. */
function fallbackCaller(ctx: CallerContext): CallerDecision {
  if (ctx.config?.callers.default)
    return {
      caller: ctx.config.callers.default,
      origin: '.rolecall.json callers.default',
      source: configKey('callers.default'),
    };
  if (ctx.caller)
    return {
      caller: ctx.caller,
      origin: '--caller',
      source: { kind: 'caller-flag', file: null, line: null, key: '--caller' },
    };
  return { caller: null, origin: null, source: NONE };
}

/** Shell steps inside withAWS / a binding / withVault run with those credentials; elsewhere as the agent. */
function shellCaller(
  agent: AgentInScope | null,
  enclosing: EnclosingCredentials | null,
  ctx: CallerContext,
): CallerDecision {
  const pipeline: CallerSource = { kind: 'pipeline', file: null, line: null, key: enclosing?.step ?? null };
  if (enclosing?.assumed) {
    if (enclosing.roleArn)
      return {
        caller: enclosing.roleArn,
        origin: `role assumed by the enclosing ${enclosing.step} (line ${enclosing.line}): a role chain`,
        source: pipeline,
      };
    return {
      caller: null,
      origin: `credentials of the enclosing ${enclosing.step} (line ${enclosing.line}), whose role is unresolved`,
      source: pipeline,
    };
  }
  // The keys of an AWS credential (a binding, or withAWS(credentials:) without a role) are the caller's.
  if (enclosing && (enclosing.step === 'withCredentials' || enclosing.step === 'withAWS')) {
    const credId = enclosing.credentialsId;
    const principal = credId ? ctx.config?.awsCredentials[credId]?.principal : undefined;
    const how = enclosing.step === 'withCredentials' ? 'bound by withCredentials' : 'used by withAWS';
    if (principal)
      return {
        caller: principal,
        origin: `AWS credential '${credId}' ${how} (line ${enclosing.line}; .rolecall.json awsCredentials)`,
        source: configKey(`awsCredentials.${credId}.principal`),
      };
  }
  return agentCaller(agent, ctx);
}
