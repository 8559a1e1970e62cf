// Where minting sends the MFA code and the ExternalId: AWS's own endpoints need no question; anything
// else (an emulator, a proxy, a host a settings file names) is sent to only after the person agrees.

const AWS_SUFFIXES = ['.amazonaws.com', '.amazonaws.com.cn', '.api.aws', '.c2s.ic.gov', '.sc2s.sgov.gov'];

/** True for an https URL on an AWS service domain (sts.amazonaws.com, sts.eu-west-1.amazonaws.com, ...). */
export function isAwsEndpoint(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password) return false;
  const host = parsed.hostname.toLowerCase().replace(/\.$/, '');
  return AWS_SUFFIXES.some((suffix) => host.endsWith(suffix));
}

/** The part of an endpoint URL worth showing in a question: scheme, host and port. */
export function endpointOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
