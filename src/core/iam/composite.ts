// Several IAM sources in one scan (snapshots for some accounts, live profiles for others): each question
// goes to the first reader that covers the account, and an account nobody covers is "unavailable", never "ok".
import { accountOf, parseCaller } from './arn';
import { mappingHint } from './snapshot';
import type { IamReader, InstanceProfileRecord, Lookup, RoleRecord, UserRecord } from '../ports';

/** IamReader that asks the first reader covering the account. */
export class CompositeIamReader implements IamReader {
  constructor(private readonly readers: IamReader[]) {}

  /** The readers, in the order they are asked. */
  get readerList(): readonly IamReader[] {
    return this.readers;
  }

  coversAccount(accountId: string): boolean {
    return this.readers.some((r) => r.coversAccount(accountId));
  }

  accounts(): string[] {
    return [...new Set(this.readers.flatMap((r) => r.accounts()))].sort();
  }

  private readerFor(arn: string): { reader: IamReader } | { missing: Lookup<never> } {
    const account = parseCaller(arn)?.account ?? accountOf(arn);
    if (!account)
      return {
        missing: {
          status: 'unavailable',
          reason: `"${arn}" names no account`,
          next: 'use a full ARN with a 12-digit account id',
        },
      };
    const reader = this.readers.find((r) => r.coversAccount(account));
    return reader
      ? { reader }
      : {
          missing: { status: 'unavailable', reason: `no IAM data for account ${account}`, next: mappingHint(account) },
        };
  }

  async getRole(roleArn: string, options?: { identityPolicies?: boolean }): Promise<Lookup<RoleRecord>> {
    const r = this.readerFor(roleArn);
    return 'reader' in r ? r.reader.getRole(roleArn, options) : r.missing;
  }

  async getUser(userArn: string): Promise<Lookup<UserRecord>> {
    const r = this.readerFor(userArn);
    return 'reader' in r ? r.reader.getUser(userArn) : r.missing;
  }

  async getInstanceProfile(instanceProfileArn: string): Promise<Lookup<InstanceProfileRecord>> {
    const r = this.readerFor(instanceProfileArn);
    if (!('reader' in r)) return r.missing;
    if (!r.reader.getInstanceProfile)
      return {
        status: 'unavailable',
        reason: 'this IAM source does not read instance profiles',
        next: 'add an --iam-snapshot of the account (get-account-authorization-details lists instance profiles)',
      };
    return r.reader.getInstanceProfile(instanceProfileArn);
  }

  async listRoles(accountId: string): Promise<Lookup<RoleRecord[]>> {
    const reader = this.readers.find((r) => r.coversAccount(accountId));
    return reader
      ? reader.listRoles(accountId)
      : { status: 'unavailable', reason: `no IAM data for account ${accountId}`, next: mappingHint(accountId) };
  }
}
