// Builds SDK clients and sends commands through our retry loop. The SDK's own retries are off
// (maxAttempts: 1) so that attempts, backoff and the deadline are ours and countable.
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialsInput, AwsRequestEvent } from './options';
import { withRetry } from './retry';
import type { RetryOutcome, RetryPolicy } from './retry';

export interface ClientSettings {
  profile?: string;
  region?: string;
  endpointUrl?: string;
  credentials?: AwsCredentialsInput;
}

let conflictSink: ((line: string) => void) | null = null;
let conflictNoted = false;

/**
 * Where the one line about a profile and environment keys both being set goes (the CLI's stderr, the
 * extension's log). The SDK's own multi-line warning about it is never printed.
 */
export function onCredentialSourceConflict(sink: ((line: string) => void) | null): void {
  conflictSink = sink;
}

/**
 * Our line for the SDK's choice when a profile (a client's `profile`, else AWS_PROFILE) and the static keys
 * AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are both set: the SDK's default chain uses the profile.
 */
export function credentialSourceNote(profile: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const name = profile ?? env.AWS_PROFILE;
  const from = profile !== undefined ? `profile ${name}` : `profile ${name} (AWS_PROFILE)`;
  return `${from} is used; AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the environment are ignored (the AWS SDK prefers the profile)`;
}

/**
 * The logger the SDK gets: like its default (nothing is printed), except that its warning about a profile
 * next to environment keys — which it prints to the console when it has no logger of its own — becomes one
 * line of ours through the sink, once per process.
 */
class SdkLogger {
  constructor(private readonly profile: string | undefined) {}
  trace(): void {}
  debug(): void {}
  info(): void {}
  error(): void {}
  warn(...content: unknown[]): void {
    if (!content.some((c) => typeof c === 'string' && c.includes('Multiple credential sources detected'))) return;
    if (conflictNoted) return;
    conflictNoted = true;
    conflictSink?.(credentialSourceNote(this.profile));
  }
}

function baseConfig(settings: ClientSettings) {
  // The SDK warns on every run under Node < 22 about its 2027 plans: noise on a CLI's stderr that users
  // cannot act on. The package's `engines` field is where that concern belongs. An explicit setting wins.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return {
    region: settings.region ?? 'us-east-1',
    maxAttempts: 1,
    logger: new SdkLogger(settings.credentials ? undefined : settings.profile),
    ...(settings.endpointUrl ? { endpoint: settings.endpointUrl } : {}),
    ...(settings.credentials
      ? { credentials: settings.credentials }
      : settings.profile
        ? { profile: settings.profile }
        : {}),
  };
}

/** An IAM client for one account's credentials. */
export function makeIamClient(settings: ClientSettings): IAMClient {
  return new IAMClient(baseConfig(settings));
}

/** An STS client for one set of credentials. */
export function makeStsClient(settings: ClientSettings): STSClient {
  return new STSClient(baseConfig(settings));
}

/** Minimal shape of an SDK command: its own middleware stack lets us observe each HTTP attempt. */
interface CommandLike {
  middlewareStack: { add: (mw: any, options: { step: 'finalizeRequest'; name: string; override?: boolean }) => void };
}

/** Minimal shape of an SDK client's `send`. */
interface SendLike {
  send(command: any, options?: { abortSignal?: AbortSignal }): Promise<any>;
}

/**
 * Sends a freshly built command per attempt (commands are not reusable across aborts), reporting each
 * HTTP attempt to `onRequest` from a finalizeRequest middleware, i.e. only when a request really leaves.
 */
export function sendWithRetry<T>(
  policy: RetryPolicy,
  client: SendLike,
  build: () => CommandLike,
  event: Omit<AwsRequestEvent, 'attempt'>,
  onRequest: (event: AwsRequestEvent) => void,
): Promise<RetryOutcome<T>> {
  return withRetry<T>(policy, (attempt, signal) => {
    const command = build();
    command.middlewareStack.add(
      (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
        onRequest({ ...event, attempt });
        return next(args);
      },
      { step: 'finalizeRequest', name: 'rolecallRequestCounter', override: true },
    );
    return client.send(command, { abortSignal: signal }) as Promise<T>;
  });
}
