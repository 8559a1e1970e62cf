// The AWS SDK implementations of the core's ports. Bundled separately (dist/aws.js) so the extension
// loads the SDK only on first live use: src/vscode imports these types with `import type` only and
// `require(path.join(__dirname, 'aws.js'))` at run time.
//
// Failures never throw out of the IAM reader: every lookup resolves to found / not-found /
// unavailable (with reason and next step). The STS client throws StsError (src/core/ports.ts).
export type { AwsClientOptions, AwsCredentialsInput, AwsRequestEvent, CallCounts } from './options';
export { createLiveIamReader } from './iamReader';
export type { LiveIamReader } from './iamReader';
export { createStsClient, findMfaSerial } from './sts';
export type { AwsStsClient, MfaSerialSource } from './sts';
export { fetchAuthorizationDetails } from './snapshot';
export type { AuthorizationDetails } from './snapshot';
export { credentialSourceNote, onCredentialSourceConflict } from './clients';
