// Differential test of our sts:AssumeRole evaluator against @cloud-copilot/iam-simulate (AGPL: a test-only
// oracle, imported from test/ only — never from src/). Thousands of trust cases are generated from a fixed
// seed (principal forms with paths, policy variables, IfExists, ForAllValues/ForAnyValue, NotPrincipal,
// invalid principals, Deny statements, identity policies), so every run checks the same requests in a few
// seconds. Where the AWS documentation and the oracle disagree we follow the documentation: each such class
// is named in DIVERGENCES with the doc rule, excluded from the comparison by an exact test of the case, and
// checked instead against what the documentation says (and each class has its own unit test in
// evaluate.test.ts / conditions.test.ts).
import { strict as assert } from 'node:assert';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { explainAssumeRole, type RequestContext } from '../../../../src/core/iam/evaluate';
import { classifyPrincipal, parseCaller, parseRoleArn } from '../../../../src/core/iam/arn';

const ROLE = 'arn:aws:iam::222222222222:role/target';
const EXT = 'ext-7KAXZ44tHx8m';

/** Small deterministic PRNG (mulberry32) so the generated cases are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A caller, with the role ARN (path included) IAM puts in aws:PrincipalArn for a role session. */
interface CallerSpec {
  arn: string;
  principalArn?: string;
}

const callers: CallerSpec[] = [
  { arn: 'arn:aws:iam::111111111111:user/bob' },
  { arn: 'arn:aws:iam::111111111111:user/alice' },
  { arn: 'arn:aws:iam::111111111111:user/people/alice' },
  { arn: 'arn:aws:iam::111111111111:user/division/dave' },
  { arn: 'arn:aws:iam::111111111111:user/Bob' },
  { arn: 'arn:aws:iam::111111111111:role/jenkins-slave' },
  { arn: 'arn:aws:iam::111111111111:role/ci/builder' },
  {
    arn: 'arn:aws:sts::111111111111:assumed-role/jenkins-slave/i-0abc',
    principalArn: 'arn:aws:iam::111111111111:role/jenkins-slave',
  },
  {
    arn: 'arn:aws:sts::111111111111:assumed-role/builder/bob',
    principalArn: 'arn:aws:iam::111111111111:role/ci/builder',
  },
  {
    arn: 'arn:aws:sts::111111111111:assumed-role/builder/alice',
    principalArn: 'arn:aws:iam::111111111111:role/ci/builder',
  },
  { arn: 'arn:aws:iam::222222222222:user/carol' },
  { arn: 'arn:aws:iam::222222222222:role/deployer' },
  {
    arn: 'arn:aws:sts::222222222222:assumed-role/deployer/ci',
    principalArn: 'arn:aws:iam::222222222222:role/deployer',
  },
  { arn: 'arn:aws:iam::333333333333:user/mallory' },
  { arn: 'arn:aws:iam::111111111111:root' },
];

const principalValues: string[] = [
  'arn:aws:iam::111111111111:root',
  '111111111111',
  '222222222222',
  'arn:aws:iam::222222222222:root',
  'arn:aws:iam::333333333333:root',
  'arn:aws:iam::111111111111:user/bob',
  'arn:aws:iam::111111111111:user/alice',
  'arn:aws:iam::111111111111:user/people/alice',
  'arn:aws:iam::111111111111:user/other/alice',
  'arn:aws:iam::111111111111:user/division/dave',
  'arn:aws:iam::111111111111:user/dave',
  'arn:aws:iam::111111111111:user/Bob',
  'arn:aws:iam::222222222222:user/carol',
  'arn:aws:iam::111111111111:role/jenkins-slave',
  'arn:aws:iam::111111111111:role/ci/builder',
  'arn:aws:iam::111111111111:role/builder',
  'arn:aws:iam::111111111111:role/ci/jenkins-slave',
  'arn:aws:iam::222222222222:role/deployer',
  'arn:aws:sts::111111111111:assumed-role/jenkins-slave/i-0abc',
  'arn:aws:sts::111111111111:assumed-role/builder/bob',
  'arn:aws:sts::222222222222:assumed-role/deployer/other',
];

/** Values IAM rejects: a wildcard inside an ARN, no account id, a short account id. */
const invalidPrincipals = [
  'arn:aws:iam::111111111111:user/*',
  'arn:aws:iam::111111111111:role/jenkins-*',
  'arn:aws:iam:::root',
  'arn:aws:iam::1111:root',
];

/** Principals that name the caller (its ARN, its role, its account), so that allows are common. */
function near(caller: CallerSpec): string[] {
  const c = parseCaller(caller.arn);
  if (!c) return [caller.arn];
  return [caller.arn, caller.principalArn ?? c.roleArn ?? caller.arn, c.account, `arn:aws:iam::${c.account}:root`];
}

function principalElement(rnd: () => number, caller: CallerSpec): unknown {
  const r = rnd();
  if (r < 0.06) return '*';
  if (r < 0.09) return { AWS: '*' };
  if (r < 0.11) return { Service: 'ec2.amazonaws.com' };
  const own = near(caller);
  const pick = () => {
    const x = rnd();
    if (x < 0.04) return invalidPrincipals[Math.floor(rnd() * invalidPrincipals.length)];
    if (x < 0.45) return own[Math.floor(rnd() * own.length)];
    return principalValues[Math.floor(rnd() * principalValues.length)];
  };
  if (r < 0.3) return { AWS: [pick(), pick()] };
  return { AWS: pick() };
}

const actions: unknown[] = [
  'sts:AssumeRole',
  'sts:*',
  '*',
  'sts:Assume*',
  ['s3:GetObject', 'sts:AssumeRole'],
  'sts:AssumeRoleWithSAML',
];

const conditions: Array<Record<string, unknown>> = [
  { StringEquals: { 'sts:ExternalId': EXT } },
  { StringEquals: { 'sts:ExternalId': [EXT, 'other-id'] } },
  { StringNotEquals: { 'sts:ExternalId': EXT } },
  { StringLike: { 'sts:ExternalId': 'ext-*' } },
  { StringEqualsIfExists: { 'sts:ExternalId': EXT } },
  { StringNotLike: { 'sts:ExternalId': 'ext-*' } },
  { Null: { 'sts:ExternalId': 'false' } },
  { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
  { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' } },
  { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
  { Bool: { 'aws:MultiFactorAuthPresent': 'true' }, NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } },
  { NumericLessThanIfExists: { 'aws:MultiFactorAuthAge': '600' } },
  { NumericGreaterThanEquals: { 'aws:MultiFactorAuthAge': '100' } },
  { Null: { 'aws:MultiFactorAuthPresent': 'true' } },
  { StringEquals: { 'sts:ExternalId': EXT }, Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
  // Policy variables, present and missing, under positive and negated operators, with defaults.
  { StringEquals: { 'aws:username': '${aws:username}' } },
  { StringEquals: { 'sts:RoleSessionName': '${aws:username}' } },
  { StringNotEquals: { 'sts:RoleSessionName': '${aws:username}' } },
  { StringNotEqualsIfExists: { 'sts:RoleSessionName': '${aws:username}' } },
  { StringLike: { 'sts:RoleSessionName': '${aws:username}*' } },
  { StringNotLike: { 'sts:RoleSessionName': '${aws:username}-*' } },
  { StringEquals: { 'sts:RoleSessionName': ['${aws:username}', 'ci'] } },
  { StringEquals: { 'sts:RoleSessionName': "${aws:username, 'ci'}" } },
  { StringEquals: { 'sts:RoleSessionName': '${aws:PrincipalTag/team}' } },
  { StringNotEquals: { 'aws:PrincipalTag/team': '${aws:username}' } },
  { StringEqualsIgnoreCase: { 'aws:PrincipalTag/team': 'RED' } },
  { StringNotEqualsIfExists: { 'aws:PrincipalTag/team': 'red' } },
  { Null: { 'aws:PrincipalTag/team': 'true' } },
  { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/jenkins-*' } },
  { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/ci/*' } },
  { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:user/${aws:username}' } },
  { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/*' } },
  { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:user/bob' } },
  { StringLike: { 'aws:PrincipalArn': ['arn:aws:iam::111111111111:user/*', 'arn:aws:iam::222222222222:*'] } },
  { StringEquals: { 'aws:PrincipalAccount': '111111111111' } },
  { StringEquals: { 'aws:username': [] } },
  // Set operators on a multi-valued key, present and missing, with and without IfExists and negation.
  { 'ForAnyValue:StringEquals': { 'sts:TransitiveTagKeys': ['team', 'cost'] } },
  { 'ForAllValues:StringLike': { 'sts:TransitiveTagKeys': ['t*', 'env'] } },
  { 'ForAnyValue:StringNotEquals': { 'sts:TransitiveTagKeys': 'team' } },
  { 'ForAllValues:StringEquals': { 'sts:TransitiveTagKeys': ['team', 'env'] } },
  { 'ForAllValues:StringNotEquals': { 'sts:TransitiveTagKeys': ['cost'] } },
  { 'ForAnyValue:StringNotLike': { 'sts:TransitiveTagKeys': 't*' } },
  { 'ForAnyValue:StringLikeIfExists': { 'sts:TransitiveTagKeys': 'te*' } },
  { 'ForAllValues:StringLikeIfExists': { 'sts:TransitiveTagKeys': 'te*' } },
  { 'ForAllValues:StringEquals': { 'sts:TransitiveTagKeys': '${aws:PrincipalTag/team}' } },
  // Operators without a set prefix on a multi-valued key (no match when it has several values).
  { StringEquals: { 'sts:TransitiveTagKeys': 'team' } },
  { StringNotEquals: { 'sts:TransitiveTagKeys': 'cost' } },
  { StringLikeIfExists: { 'sts:TransitiveTagKeys': 't*' } },
  // Case, wildcards and variables in string and ARN operators.
  { StringEqualsIgnoreCase: { 'sts:RoleSessionName': '${aws:username}' } },
  { StringLike: { 'aws:PrincipalTag/team': 'r?d' } },
  { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:user/*/alice' } },
  { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/ci/*' } },
  { ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/jenkins-slave' } },
  // Booleans, numbers.
  { Bool: { 'aws:MultiFactorAuthPresent': 'yes' } },
  { Bool: { 'aws:MultiFactorAuthPresent': 'TRUE' } },
  { NumericLessThan: { 'aws:MultiFactorAuthAge': ['60', '3600.5'] } },
  { NumericEquals: { 'aws:MultiFactorAuthAge': '120' } },
  { NumericNotEquals: { 'aws:MultiFactorAuthAge': ['120', '10'] } },
  { NumericGreaterThanIfExists: { 'aws:MultiFactorAuthAge': '3600' } },
  // Dates in both forms, also a policy value in the other form than the request's.
  { DateGreaterThan: { 'aws:EpochTime': '2020-01-01T00:00:00Z' } },
  { DateLessThan: { 'aws:CurrentTime': '1900000000' } },
  { DateLessThanEquals: { 'aws:CurrentTime': '2026-11-23T09:00:00Z' } },
  { DateNotEquals: { 'aws:CurrentTime': ['2026-11-23T09:00:00Z'] } },
  // IP.
  { IpAddress: { 'aws:SourceIp': '10.1.2.3' } },
  { NotIpAddress: { 'aws:SourceIp': ['2001:db8::/32', '10.0.0.0/8'] } },
  { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] } },
  { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
  { IpAddressIfExists: { 'aws:SourceIp': '192.0.2.0/24' } },
  { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } },
  { DateGreaterThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } },
  { DateGreaterThan: { 'aws:EpochTime': '1700000000' } },
];

const identities: Array<{ label: string; policies: unknown[] }> = [
  {
    label: 'allow *',
    policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] }],
  },
  {
    label: 'allow this role',
    policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ROLE }] }],
  },
  {
    label: 'allow other role',
    policies: [
      {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::222222222222:role/other' }],
      },
    ],
  },
  { label: 'none', policies: [] },
  {
    label: 'allow + deny',
    policies: [
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'sts:*', Resource: '*' },
          { Effect: 'Deny', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::222222222222:role/t*' },
        ],
      },
    ],
  },
  {
    label: 'not-resource',
    policies: [
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'sts:AssumeRole', NotResource: 'arn:aws:iam::222222222222:role/admin*' },
        ],
      },
    ],
  },
  {
    label: 'conditional identity',
    policies: [
      {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Resource: '*',
            Condition: { StringEquals: { 'aws:PrincipalTag/team': 'red' } },
          },
        ],
      },
    ],
  },
  {
    label: 'allow wildcard role',
    policies: [
      {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'sts:Assume*', Resource: 'arn:aws:iam::222222222222:role/tar?et' }],
      },
    ],
  },
  {
    label: 'deny without MFA',
    policies: [
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' },
          {
            Effect: 'Deny',
            Action: '*',
            Resource: '*',
            Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
          },
        ],
      },
    ],
  },
];

const contexts: RequestContext[] = [
  {},
  { 'sts:ExternalId': EXT },
  { 'sts:ExternalId': 'wrong' },
  { 'aws:MultiFactorAuthPresent': 'true', 'aws:MultiFactorAuthAge': '120' },
  { 'aws:MultiFactorAuthPresent': 'true', 'aws:MultiFactorAuthAge': '7200' },
  { 'aws:MultiFactorAuthPresent': 'false' },
  { 'aws:PrincipalTag/team': 'red' },
  { 'aws:PrincipalTag/team': 'green', 'sts:TransitiveTagKeys': ['team', 'env'] },
  { 'sts:TransitiveTagKeys': 'team' },
  { 'sts:TransitiveTagKeys': ['cost', 'owner'] },
  { 'sts:TransitiveTagKeys': 'green', 'aws:PrincipalTag/team': 'green' },
  { 'aws:PrincipalTag/team': 'rod', 'aws:MultiFactorAuthPresent': 'true', 'aws:MultiFactorAuthAge': '3600' },
  { 'aws:SourceIp': '10.1.2.3' },
  { 'aws:SourceIp': '2001:db8::7' },
  { 'aws:SourceIp': '192.0.2.1', 'sts:ExternalId': EXT },
  { 'aws:CurrentTime': '2026-11-23T09:00:00Z', 'aws:EpochTime': '1795424400' },
  { 'aws:CurrentTime': '2031-02-01T00:00:00Z', 'aws:EpochTime': '1927929600' },
  { 'sts:ExternalId': EXT, 'aws:MultiFactorAuthPresent': 'true', 'aws:MultiFactorAuthAge': '10' },
];

/** Session names: the user's name (variables then match), a prefix of it, others. */
const sessionNames = ['bob', 'BOB', 'alice', 'alice-build-7', 'bob-1', 'ci', 'red', 'green', 'deploy'];

interface Case {
  caller: CallerSpec;
  trust: { Version: string; Statement: Array<Record<string, unknown>> };
  identity: (typeof identities)[number];
  context: RequestContext;
}

function generate(count: number, seed: number): Case[] {
  const rnd = prng(seed);
  const pick = <T>(list: T[]): T => list[Math.floor(rnd() * list.length)];
  const out: Case[] = [];
  for (let i = 0; i < count; i++) {
    const caller = pick(callers);
    const statements: Array<Record<string, unknown>> = [];
    const n = 1 + Math.floor(rnd() * 2.4);
    for (let s = 0; s < n; s++) {
      // Conditions and principals are often left permissive so that allows are common too.
      const condition =
        rnd() < 0.35 ? undefined : rnd() < 0.15 ? { ...pick(conditions), ...pick(conditions) } : pick(conditions);
      const deny = s > 0 && rnd() < 0.35;
      const notPrincipal = rnd() < 0.03;
      statements.push({
        Sid: `S${s}`,
        Effect: deny ? 'Deny' : 'Allow',
        ...(notPrincipal
          ? { NotPrincipal: principalElement(rnd, caller) }
          : { Principal: principalElement(rnd, caller) }),
        Action: deny ? pick(['sts:AssumeRole', 'sts:*']) : pick(actions),
        ...(condition ? { Condition: condition } : {}),
      });
    }
    const context: RequestContext = { ...pick(contexts) };
    // AssumeRole always carries a session name (the API requires one), most of the time in the generator too.
    if (rnd() < 0.85) context['sts:RoleSessionName'] = pick(sessionNames);
    out.push({
      caller,
      trust: { Version: '2012-10-17', Statement: statements },
      identity: rnd() < 0.35 ? identities[0] : pick(identities),
      context,
    });
  }
  return out;
}

/** The keys IAM derives from the principal, given explicitly to both evaluators (the oracle derives none). */
function derived(caller: CallerSpec): RequestContext {
  const c = parseCaller(caller.arn);
  if (!c) return {};
  const out: RequestContext = {
    'aws:PrincipalArn': caller.principalArn ?? c.roleArn ?? c.arn,
    'aws:PrincipalAccount': c.account,
  };
  if (c.kind === 'user') out['aws:username'] = c.name;
  return out;
}

async function oracle(c: Case, context: RequestContext, trust = c.trust): Promise<'allow' | 'deny' | 'error'> {
  const response = await runSimulation(
    {
      request: {
        principal: c.caller.arn,
        action: 'sts:AssumeRole',
        resource: { resource: ROLE, accountId: '222222222222' },
        contextVariables: context,
      },
      identityPolicies: c.identity.policies.map((policy, i) => ({ name: `identity-${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: trust,
    },
    {},
  );
  if (response.resultType === 'error') return 'error';
  return response.overallResult === 'Allowed' ? 'allow' : 'deny';
}

function ours(c: Case, context: RequestContext): 'allow' | 'deny' {
  // explainAssumeRole reads "no identity policy given" as "assumed to allow"; the oracle's empty list means the
  // caller has none, so give an explicit policy that allows nothing then.
  const never = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::nothing/*' }],
  };
  const docs = c.identity.policies.length > 0 ? c.identity.policies : [never];
  const r = explainAssumeRole({
    trustPolicy: c.trust,
    roleArn: ROLE,
    principal: c.caller.arn,
    context,
    identityPolicies: docs.map((document, i) => ({ name: `identity-${i}`, document })),
  });
  return r.decision === 'allow' ? 'allow' : 'deny';
}

function principalEntries(st: Record<string, unknown>, key: 'Principal' | 'NotPrincipal'): string[] {
  const p = st[key];
  if (p === undefined) return [];
  if (typeof p === 'string') return [p];
  const aws = (p as { AWS?: string | string[] }).AWS;
  return aws === undefined ? [] : Array.isArray(aws) ? aws : [aws];
}

/**
 * Where the AWS documentation decides differently from the oracle. Each class says the doc rule, recognises its
 * cases exactly, and gives what the documentation expects: either a fixed decision, or the same case rewritten
 * into one the oracle decides as AWS does (then our decision on the original must equal the oracle's on that).
 */
interface Divergence {
  name: string;
  rule: string;
  applies(c: Case): boolean;
  expected: { decision: 'deny' } | { rewrite(c: Case): Case['trust'] };
}

const DIVERGENCES: Divergence[] = [
  {
    name: 'root-user caller',
    rule: 'AWS, "Comparing the AWS STS API operations": AssumeRole is called with IAM user or role credentials, never the root user\'s (STS: "Roles may not be assumed by root accounts"); the oracle reads :root as the account',
    applies: (c) => parseCaller(c.caller.arn)?.kind === 'root',
    expected: { decision: 'deny' },
  },
  {
    name: 'NotPrincipal in a trust policy',
    rule: 'AWS, policy elements: NotPrincipal — "You cannot use the NotPrincipal element in an IAM identity-based policy nor in an IAM role trust policy": IAM refuses the document; the oracle evaluates it like a resource policy',
    applies: (c) => c.trust.Statement.some((st) => st.NotPrincipal !== undefined),
    expected: { decision: 'deny' },
  },
  {
    name: 'invalid principal value',
    rule: 'AWS, policy elements: Principal — "You cannot use a wildcard to match part of a principal name or ARN"; an ARN without a valid account id is no principal. IAM refuses such a trust policy ("Invalid principal in policy"), so it grants nothing; the oracle matches the other statements',
    applies: (c) =>
      c.trust.Statement.some((st) =>
        principalEntries(st, 'Principal').some((v) => classifyPrincipal('AWS', v).kind === 'invalid'),
      ),
    expected: { decision: 'deny' },
  },
  {
    name: "role principal whose path is not the session role's path",
    rule: 'AWS, policy elements: Principal — a role ARN in Principal is transformed to the role\'s unique id; a role\'s ARN includes its path (IAM identifiers), so "role/builder" does not name the role "role/ci/builder" and matches none of its sessions. The oracle compares a session with a role principal by name only',
    applies: (c) => pathMismatches(c).size > 0,
    expected: {
      rewrite: (c) => {
        const bad = pathMismatches(c);
        const swap = (v: string) => (bad.has(v) ? v.replace(/:role\/.*$/, ':role/no-such-role') : v);
        const fix = (p: unknown) =>
          p && typeof p === 'object' && 'AWS' in p
            ? {
                ...(p as object),
                AWS: Array.isArray((p as { AWS: unknown }).AWS)
                  ? (p as { AWS: string[] }).AWS.map(swap)
                  : swap((p as { AWS: string }).AWS),
              }
            : p;
        return {
          ...c.trust,
          Statement: c.trust.Statement.map((st) => ({
            ...st,
            ...(st.Principal ? { Principal: fix(st.Principal) } : {}),
          })),
        };
      },
    },
  },
  {
    name: 'date compared across its two forms',
    rule: 'AWS, condition operators (Date): a date is a W3C ISO 8601 date or epoch (UNIX) time, both naming an instant, so "2020-01-01T00:00:00Z" and 1577836800 are equal; the oracle compares epoch seconds with ISO milliseconds',
    applies: (c) => mixedDates(c).length > 0,
    expected: {
      rewrite: (c) => {
        const context = { ...derived(c.caller), ...c.context };
        const convert = (key: string, v: unknown) => {
          const given = context[Object.keys(context).find((k) => k.toLowerCase() === key.toLowerCase()) ?? ''];
          const requestEpoch = typeof given === 'string' && /^\d+$/.test(given);
          if (typeof v !== 'string' || /^\d+$/.test(v) === requestEpoch) return v;
          return requestEpoch ? String(Date.parse(v) / 1000) : new Date(Number(v) * 1000).toISOString();
        };
        return {
          ...c.trust,
          Statement: c.trust.Statement.map((st) => {
            const cond = st.Condition as Record<string, Record<string, unknown>> | undefined;
            if (!cond) return st;
            const next: Record<string, Record<string, unknown>> = {};
            for (const [op, keys] of Object.entries(cond)) {
              next[op] = /^Date/.test(op)
                ? Object.fromEntries(
                    Object.entries(keys).map(([k, v]) => [
                      k,
                      Array.isArray(v) ? v.map((x) => convert(k, x)) : convert(k, v),
                    ]),
                  )
                : keys;
            }
            return { ...st, Condition: next };
          }),
        };
      },
    },
  },
];

/** Date conditions whose policy value is in the other form (epoch / ISO) than the request's value. */
function mixedDates(c: Case): string[] {
  const context = { ...derived(c.caller), ...c.context };
  const out: string[] = [];
  for (const st of c.trust.Statement) {
    for (const [op, keys] of Object.entries((st.Condition ?? {}) as Record<string, Record<string, unknown>>)) {
      if (!/^Date/.test(op)) continue;
      for (const [k, v] of Object.entries(keys)) {
        const given = context[Object.keys(context).find((x) => x.toLowerCase() === k.toLowerCase()) ?? ''];
        if (typeof given !== 'string') continue;
        for (const x of Array.isArray(v) ? v : [v])
          if (typeof x === 'string' && /^\d+$/.test(x) !== /^\d+$/.test(given)) out.push(`${op} ${k}`);
      }
    }
  }
  return out;
}

/** Role principals naming the session's role by name but with another path than the role really has. */
function pathMismatches(c: Case): Set<string> {
  const out = new Set<string>();
  const caller = parseCaller(c.caller.arn);
  if (caller?.kind !== 'assumed-role' || !c.caller.principalArn) return out;
  const real = parseRoleArn(c.caller.principalArn);
  for (const st of c.trust.Statement) {
    for (const v of principalEntries(st, 'Principal')) {
      const role = parseRoleArn(v);
      if (role && real && role.account === real.account && role.name === real.name && role.path !== real.path)
        out.add(v);
    }
  }
  return out;
}

describe('iam/evaluate vs the @cloud-copilot/iam-simulate oracle (differential, seeded)', function () {
  this.timeout(120000);
  const COUNT = 4000;
  const cases = generate(COUNT, 20261207);

  it(`decides ${COUNT} generated trust cases as the oracle does, except the documented divergences`, async () => {
    const mismatches: string[] = [];
    const perClass = new Map<string, number>(DIVERGENCES.map((d) => [d.name, 0]));
    let compared = 0;
    let errors = 0;
    let allows = 0;
    for (const c of cases) {
      const context = { ...derived(c.caller), ...c.context };
      const decision = ours(c, context);
      if (decision === 'allow') allows++;
      const divergence = DIVERGENCES.find((d) => d.applies(c));
      let expected: 'allow' | 'deny' | 'error';
      if (divergence) {
        perClass.set(divergence.name, (perClass.get(divergence.name) ?? 0) + 1);
        expected =
          'decision' in divergence.expected
            ? divergence.expected.decision
            : await oracle(c, context, divergence.expected.rewrite(c));
      } else {
        expected = await oracle(c, context);
        compared++;
      }
      if (expected === 'error') {
        errors++;
        continue;
      }
      if (decision !== expected)
        mismatches.push(
          `${divergence ? `[${divergence.name}] ` : ''}${c.caller.arn} identity=${c.identity.label} context=${JSON.stringify(context)} trust=${JSON.stringify(c.trust)}: ours ${decision}, expected ${expected}`,
        );
    }
    const classes = [...perClass].map(([k, v]) => `${k}: ${v}`).join(', ');
    console.log(
      `      differential: ${COUNT} cases, ${compared} compared with the oracle, ${allows} allowed by us, ${errors} rejected by the oracle, ${mismatches.length} differ; per documented divergence: ${classes}`,
    );
    assert.deepEqual(mismatches.slice(0, 5), [], `${mismatches.length} of ${COUNT} cases differ`);
    assert.ok(errors < COUNT / 100, `the oracle rejected ${errors} cases`);
    assert.ok(compared > COUNT * 0.6, `only ${compared} cases compared with the oracle`);
    assert.ok(
      allows > COUNT * 0.1 && allows < COUNT * 0.9,
      `the generator should give a mix of allows and denies (${allows}/${COUNT})`,
    );
    for (const [name, n] of perClass) assert.ok(n >= 5, `divergence class "${name}" is exercised (${n} cases)`);
  });

  it('each documented divergence is a real disagreement with the oracle (so the exclusions are needed)', async () => {
    const examples: Array<{ name: string; c: Case }> = [
      {
        name: 'root-user caller',
        c: {
          caller: { arn: 'arn:aws:iam::111111111111:root' },
          trust: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { AWS: '111111111111' }, Action: 'sts:AssumeRole' }],
          },
          identity: identities[0],
          context: {},
        },
      },
      {
        name: 'NotPrincipal in a trust policy',
        c: {
          caller: { arn: 'arn:aws:iam::111111111111:user/bob' },
          trust: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', NotPrincipal: { AWS: '333333333333' }, Action: 'sts:AssumeRole' }],
          },
          identity: identities[0],
          context: {},
        },
      },
      {
        name: 'invalid principal value',
        c: {
          caller: { arn: 'arn:aws:iam::111111111111:user/bob' },
          trust: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: ['arn:aws:iam::111111111111:user/*', 'arn:aws:iam::111111111111:user/bob'] },
                Action: 'sts:AssumeRole',
              },
            ],
          },
          identity: identities[0],
          context: {},
        },
      },
      {
        name: "role principal whose path is not the session role's path",
        c: {
          caller: callers[8],
          trust: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: 'arn:aws:iam::111111111111:role/builder' },
                Action: 'sts:AssumeRole',
              },
            ],
          },
          identity: identities[0],
          context: {},
        },
      },
      {
        name: 'date compared across its two forms',
        c: {
          caller: callers[0],
          trust: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: '111111111111' },
                Action: 'sts:AssumeRole',
                Condition: { DateGreaterThan: { 'aws:EpochTime': '2020-01-01T00:00:00Z' } },
              },
            ],
          },
          identity: identities[0],
          context: { 'aws:EpochTime': '1795424400' },
        },
      },
    ];
    assert.deepEqual(
      examples.map((e) => e.name),
      DIVERGENCES.map((d) => d.name),
    );
    for (const { name, c } of examples) {
      const context = { ...derived(c.caller), ...c.context };
      assert.ok(DIVERGENCES.find((d) => d.name === name)?.applies(c), name);
      const theirs = await oracle(c, context);
      assert.notEqual(ours(c, context), theirs, `${name}: the oracle decides otherwise than the AWS documentation`);
      // Ours is what the documentation says: deny for the refused forms, allow for the date (2026 > 2020).
      assert.equal(ours(c, context), name === 'date compared across its two forms' ? 'allow' : 'deny', name);
    }
  });
});
