// Turns whatever the SDK throws (service errors, credential-provider errors, socket errors, aborts,
// unparsable bodies) into one small classification the reader and the STS client can act on.

export type ErrorClass =
  | 'access-denied'
  | 'not-found'
  | 'throttled'
  | 'server'
  | 'network'
  | 'timeout'
  | 'malformed'
  | 'expired'
  | 'invalid-credentials'
  | 'no-credentials'
  | 'mfa-invalid'
  | 'invalid-input'
  | 'other';

export interface ClassifiedError {
  kind: ErrorClass;
  /** Error code/name as AWS gives it, e.g. "AccessDenied", "ECONNRESET". */
  code: string;
  /** One line, without secrets (SDK messages carry none; we cut them to one line). */
  message: string;
  httpStatus?: number;
  /** True when another attempt may succeed. */
  retryable: boolean;
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'RequestThrottled',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'EC2ThrottledException',
  'PriorRequestNotComplete',
]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_SOCKET',
]);
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired']);
const INVALID_CREDENTIALS = new Set([
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'IncompleteSignature',
  'AuthFailure',
]);

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

/** Classifies any thrown value. */
export function classifyError(error: unknown): ClassifiedError {
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as {
    name?: string;
    code?: string;
    Code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
    $fault?: string;
    $response?: { statusCode?: number };
    cause?: unknown;
  };
  const name = e.Code ?? e.name ?? 'Error';
  const sysCode = typeof e.code === 'string' ? e.code : undefined;
  const message = oneLine(e.message ?? name);
  const httpStatus = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  const base = { code: sysCode ?? name, message, ...(httpStatus !== undefined ? { httpStatus } : {}) };

  // The SDK names a reset socket "TimeoutError" with code ECONNRESET: socket codes decide first.
  if ((sysCode && NETWORK_CODES.has(sysCode)) || /socket hang up|ECONNRESET|ECONNREFUSED|EPIPE/.test(message)) {
    const code = sysCode ?? message.match(/E[A-Z]+/)?.[0] ?? 'NetworkError';
    return { ...base, code, kind: 'network', retryable: true };
  }
  if (
    name === 'AbortError' ||
    name === 'TimeoutError' ||
    sysCode === 'ETIMEDOUT' ||
    sysCode === 'ESOCKETTIMEDOUT' ||
    (/timed? ?out/i.test(message) && !/token/i.test(message))
  ) {
    return { ...base, code: sysCode ?? (name === 'Error' ? 'Timeout' : name), kind: 'timeout', retryable: true };
  }
  if (
    name === 'CredentialsProviderError' ||
    /Could not load credentials|credential.*not found|Profile .* could not be found|Unable to find .*credentials/i.test(
      message,
    )
  ) {
    return { ...base, kind: 'no-credentials', retryable: false };
  }
  if (/MultiFactorAuthentication failed/i.test(message)) {
    return { ...base, kind: 'mfa-invalid', retryable: false };
  }
  if (THROTTLING.has(name) || httpStatus === 429 || /rate exceeded|throttl/i.test(message)) {
    return { ...base, kind: 'throttled', retryable: true };
  }
  if (
    EXPIRED.has(name) ||
    /token.*expired|expired.*token|security token included in the request is expired/i.test(message)
  ) {
    return { ...base, kind: 'expired', retryable: false };
  }
  if (INVALID_CREDENTIALS.has(name) || /security token included in the request is invalid/i.test(message)) {
    return { ...base, kind: 'invalid-credentials', retryable: false };
  }
  if (
    name === 'AccessDenied' ||
    name === 'AccessDeniedException' ||
    name === 'UnauthorizedOperation' ||
    name === 'NotAuthorized' ||
    httpStatus === 403
  ) {
    return { ...base, kind: 'access-denied', retryable: false };
  }
  if (name === 'NoSuchEntity' || name === 'NoSuchEntityException') {
    return { ...base, kind: 'not-found', retryable: false };
  }
  if (
    name === 'ValidationError' ||
    name === 'InvalidParameterValue' ||
    name === 'MalformedPolicyDocument' ||
    name === 'InvalidInput' ||
    name === 'InvalidIdentityToken' ||
    name === 'RegionDisabledException' ||
    name === 'PackedPolicyTooLarge'
  ) {
    return { ...base, kind: 'invalid-input', retryable: false };
  }
  if (
    e.$fault === 'server' ||
    (httpStatus !== undefined && httpStatus >= 500) ||
    name === 'ServiceUnavailable' ||
    name === 'ServiceFailure' ||
    name === 'InternalFailure' ||
    name === 'InternalError'
  ) {
    return { ...base, kind: 'server', retryable: true };
  }
  // The SDK's XML/JSON deserializers throw plain errors on a body they cannot read (proxies, captive portals).
  if (
    /Deserialization error|Unexpected (token|end)|not well-formed|char '.*' is not expected|Invalid XML|Expected closing tag|Unterminated|Unknown XML|XML .*parse|parse .*XML/i.test(
      message,
    ) ||
    (e as { $responseBodyText?: string }).$responseBodyText !== undefined
  ) {
    return { ...base, code: 'MalformedResponse', kind: 'malformed', retryable: true };
  }
  return { ...base, kind: 'other', retryable: false };
}
