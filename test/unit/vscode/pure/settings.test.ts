import { strict as assert } from 'node:assert';
import { iamChanged, settingsFrom, DEFAULT_CACHE_TTL } from '../../../../src/vscode/pure/settings';

describe('vscode helpers: settings', () => {
  it('keeps well-typed values', () => {
    const values: Record<string, unknown> = {
      'iam.snapshots': ['iam/a.json', ' iam/b.json '],
      'iam.live': true,
      'iam.profile': 'hub',
      'iam.region': 'eu-west-1',
      'iam.endpointUrl': 'http://127.0.0.1:5000',
      'iam.accountProfiles': { '222222222222': 'prod' },
      'iam.assumeRoleTemplate': 'arn:aws:iam::{account}:role/rolecall-reader',
      caller: 'arn:aws:iam::111111111111:role/jenkins-slave',
      cacheTtlSeconds: 60,
    };
    const s = settingsFrom((k) => values[k]);
    assert.deepEqual(s.iam.snapshots, ['iam/a.json', 'iam/b.json']);
    assert.equal(s.iam.live, true);
    assert.equal(s.iam.profile, 'hub');
    assert.deepEqual(s.iam.accountProfiles, { '222222222222': 'prod' });
    assert.equal(s.iam.assumeRoleTemplate, 'arn:aws:iam::{account}:role/rolecall-reader');
    assert.equal(s.caller, 'arn:aws:iam::111111111111:role/jenkins-slave');
    assert.equal(s.cacheTtlSeconds, 60);
  });
  it('drops wrong types instead of trusting them', () => {
    const values: Record<string, unknown> = {
      'iam.snapshots': 'not-a-list',
      'iam.live': 'yes',
      'iam.profile': 42,
      'iam.accountProfiles': { notAnAccount: 'x', '333333333333': 5 },
      'iam.assumeRoleTemplate': 'rolecall-reader',
      caller: '',
      cacheTtlSeconds: -1,
    };
    const s = settingsFrom((k) => values[k]);
    assert.deepEqual(s.iam.snapshots, []);
    assert.equal(s.iam.live, false);
    assert.equal(s.iam.profile, null);
    assert.deepEqual(s.iam.accountProfiles, {});
    assert.equal(s.iam.assumeRoleTemplate, null, 'a role name alone is not a reader role ARN');
    assert.equal(s.caller, null);
    assert.equal(s.cacheTtlSeconds, DEFAULT_CACHE_TTL);
  });
  it('detects IAM-relevant changes', () => {
    const a = settingsFrom(() => undefined);
    const b = settingsFrom((k) => (k === 'iam.live' ? true : undefined));
    const c = settingsFrom((k) => (k === 'caller' ? 'arn:aws:iam::111111111111:user/x' : undefined));
    assert.equal(iamChanged(a, b), true);
    assert.equal(iamChanged(a, c), false);
  });
});
