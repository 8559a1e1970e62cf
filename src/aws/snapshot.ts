// `rolecall snapshot`: the account's IAM as `aws iam get-account-authorization-details` prints it
// (documents decoded to JSON objects, as the AWS CLI does), so the offline snapshot reader reads it back.
import { GetAccountAuthorizationDetailsCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import type { GetAccountAuthorizationDetailsCommandOutput, ListRolesCommandOutput } from '@aws-sdk/client-iam';
import { StsError, silentLog } from '../core/ports';
import { makeIamClient, sendWithRetry } from './clients';
import type { AwsClientOptions, AwsRequestEvent } from './options';
import { retryPolicy } from './retry';
import type { RetryOutcome } from './retry';
import { decodePolicyDocument } from './iamReader';

/** The snapshot file shape (the subset of get-account-authorization-details that RoleCall reads, plus groups). */
export interface AuthorizationDetails {
  UserDetailList: unknown[];
  GroupDetailList: unknown[];
  RoleDetailList: unknown[];
  Policies: unknown[];
}

/** A decoded policy document: a JSON object when it parses, else the raw text as IAM gave it. */
function documentValue(encoded: unknown): unknown {
  if (typeof encoded !== 'string') return encoded;
  const text = decodePolicyDocument(encoded);
  try {
    return JSON.parse(text);
  } catch {
    // Keep IAM's URL-encoded text: the snapshot reader decodes it and reports the JSON error with a position.
    return encoded;
  }
}

const DOCUMENT_KEYS = new Set(['AssumeRolePolicyDocument', 'PolicyDocument', 'Document']);

/** Deep copy with every policy document decoded and Dates as ISO strings. */
function normalize(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      out[key] = DOCUMENT_KEYS.has(key) ? documentValue(item) : normalize(item);
    }
    return out;
  }
  return value;
}

function snapshotError(
  action: string,
  page: number,
  outcome: Extract<RetryOutcome<unknown>, { ok: false }>,
  profile: string | undefined,
): StsError {
  const e = outcome.error;
  const profileFlag = profile ? ` --profile ${profile}` : '';
  const kind =
    e.kind === 'access-denied'
      ? 'access-denied'
      : e.kind === 'expired'
        ? 'expired'
        : e.kind === 'throttled'
          ? 'throttled'
          : e.kind === 'network' || e.kind === 'timeout'
            ? 'network'
            : e.kind === 'no-credentials' || e.kind === 'invalid-credentials'
              ? 'no-credentials'
              : 'other';
  const next =
    kind === 'access-denied'
      ? `allow ${action} for the credentials (e.g. the AWS managed policy IAMReadOnlyAccess)`
      : kind === 'expired' || kind === 'no-credentials'
        ? `refresh the credentials: aws sso login${profileFlag} or aws configure${profileFlag}`
        : kind === 'throttled'
          ? 'wait a minute and try again'
          : kind === 'network'
            ? 'check the network, proxy or --endpoint-url'
            : 'check the credentials and --endpoint-url';
  return new StsError(
    kind,
    `${action} failed (page ${page}, ${outcome.attempts} attempt${outcome.attempts === 1 ? '' : 's'}): ${e.code}: ${e.message}`,
    next,
  );
}

const MAX_PAGES = 10_000;

/** A listing that never ends (a repeated marker, or runaway pages): a snapshot from it would be incomplete. */
function repeatedMarker(action: string, page: number, tooMany = false): StsError {
  return new StsError(
    'other',
    `${action} did not finish: ${tooMany ? `more than ${page} pages` : `IAM returned the same pagination marker twice (page ${page})`}; no snapshot written, as it would be incomplete`,
    'check the --endpoint-url (a proxy or emulator answering wrongly) and try again',
  );
}

/** Reads every page of GetAccountAuthorizationDetails. Throws StsError-like errors with a next step (the CLI prints them). */
export async function fetchAuthorizationDetails(options: AwsClientOptions = {}): Promise<AuthorizationDetails> {
  const policy = retryPolicy(options);
  const client = makeIamClient({
    profile: options.profile,
    region: options.region,
    endpointUrl: options.endpointUrl,
    credentials: options.credentials,
  });
  const log = options.log ?? silentLog;
  const details: AuthorizationDetails = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };
  try {
    let marker: string | undefined;
    // A marker seen before would page forever.
    const seenMarkers = new Set<string>();
    for (let page = 1; page <= MAX_PAGES; page++) {
      const outcome = await sendWithRetry<GetAccountAuthorizationDetailsCommandOutput>(
        policy,
        client,
        () => new GetAccountAuthorizationDetailsCommand({ Marker: marker }),
        { service: 'iam', operation: 'GetAccountAuthorizationDetails', account: 'default' },
        (event: AwsRequestEvent) => options.onRequest?.(event),
      );
      if (!outcome.ok) throw snapshotError('iam:GetAccountAuthorizationDetails', page, outcome, options.profile);
      const out = outcome.value;
      details.UserDetailList.push(...(normalize(out.UserDetailList ?? []) as unknown[]));
      details.GroupDetailList.push(...(normalize(out.GroupDetailList ?? []) as unknown[]));
      details.RoleDetailList.push(...(normalize(out.RoleDetailList ?? []) as unknown[]));
      details.Policies.push(...(normalize(out.Policies ?? []) as unknown[]));
      log.info(
        `snapshot: page ${page}: ${details.RoleDetailList.length} roles, ${details.UserDetailList.length} users so far`,
      );
      if (!out.IsTruncated || !out.Marker) break;
      marker = out.Marker;
      if (seenMarkers.has(marker)) throw repeatedMarker('iam:GetAccountAuthorizationDetails', page);
      seenMarkers.add(marker);
      if (page === MAX_PAGES) throw repeatedMarker('iam:GetAccountAuthorizationDetails', page, true);
    }
    // GetAccountAuthorizationDetails leaves out MaxSessionDuration; ListRoles has it. Without it a scan
    // would assume 3600 s and report durations a 12-hour role allows (seed 003).
    const maxByArn = new Map<string, number>();
    marker = undefined;
    seenMarkers.clear();
    for (let page = 1; page <= MAX_PAGES; page++) {
      const outcome = await sendWithRetry<ListRolesCommandOutput>(
        policy,
        client,
        () => new ListRolesCommand({ Marker: marker }),
        { service: 'iam', operation: 'ListRoles', account: 'default' },
        (event: AwsRequestEvent) => options.onRequest?.(event),
      );
      if (!outcome.ok) throw snapshotError('iam:ListRoles', page, outcome, options.profile);
      for (const role of outcome.value.Roles ?? [])
        if (role.Arn && role.MaxSessionDuration !== undefined) maxByArn.set(role.Arn, role.MaxSessionDuration);
      if (!outcome.value.IsTruncated || !outcome.value.Marker) break;
      marker = outcome.value.Marker;
      if (seenMarkers.has(marker)) throw repeatedMarker('iam:ListRoles', page);
      seenMarkers.add(marker);
      if (page === MAX_PAGES) throw repeatedMarker('iam:ListRoles', page, true);
    }
    for (const role of details.RoleDetailList as Array<Record<string, unknown>>) {
      const max = typeof role.Arn === 'string' ? maxByArn.get(role.Arn) : undefined;
      if (max !== undefined) role.MaxSessionDuration = max;
    }
    return details;
  } finally {
    client.destroy();
  }
}
