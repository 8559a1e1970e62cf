import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configFrom } from '../../../src/core/config';

const root = join(__dirname, '..', '..', '..');
const schema = JSON.parse(readFileSync(join(root, 'schemas', 'rolecall.schema.json'), 'utf8'));

describe('schemas/rolecall.schema.json matches src/core/config.ts', () => {
  it('describes exactly the top-level settings configFrom accepts', () => {
    const keys = Object.keys(schema.properties).filter((k) => k !== '$schema');
    const sample: Record<string, unknown> = {
      callers: {},
      accounts: {},
      iac: [],
      iamSnapshots: [],
      parameters: {},
      env: {},
      awsCredentials: {},
      vaultRoles: {},
      jenkinsCasc: [],
      serviceAccounts: {},
    };
    assert.deepEqual(keys.sort(), Object.keys(sample).sort());
    const { problems } = configFrom({ ...sample, $schema: 'x' });
    assert.deepEqual(problems, []);
    assert.equal(schema.additionalProperties, false);
    assert.ok(configFrom({ other: 1 }).problems.some((p) => p.path === 'other'));
  });

  it('describes the callers and awsCredentials fields configFrom keeps', () => {
    assert.deepEqual(Object.keys(schema.properties.callers.properties).sort(), [
      'agents',
      'controller',
      'default',
      'vault',
    ]);
    const cred = schema.properties.awsCredentials.additionalProperties.properties;
    assert.deepEqual(Object.keys(cred).sort(), ['mfaSerial', 'principal', 'roleArn']);
    const { config } = configFrom({
      awsCredentials: {
        a: {
          principal: 'arn:aws:iam::111111111111:user/a',
          roleArn: 'arn:aws:iam::222222222222:role/r',
          mfaSerial: 'arn:aws:iam::111111111111:mfa/a',
        },
      },
    });
    assert.deepEqual(Object.keys(config.awsCredentials.a).sort(), Object.keys(cred).sort());
  });

  it('jenkinsCasc and serviceAccounts: kept when well-formed, a problem each when not', () => {
    const good = configFrom({
      jenkinsCasc: ['jenkins.yaml'],
      serviceAccounts: { 'ci/builder': 'arn:aws:iam::111111111111:role/builder' },
    });
    assert.deepEqual(good.problems, []);
    assert.deepEqual(good.config.jenkinsCasc, ['jenkins.yaml']);
    assert.deepEqual(good.config.serviceAccounts, { 'ci/builder': 'arn:aws:iam::111111111111:role/builder' });
    assert.deepEqual(
      configFrom({ jenkinsCasc: 'casc.yaml' }).config.jenkinsCasc,
      ['casc.yaml'],
      'one file may be a string',
    );
    assert.deepEqual(
      configFrom({ jenkinsCasc: [1] }).problems.map((p) => p.path),
      ['jenkinsCasc'],
    );
    assert.deepEqual(
      configFrom({ serviceAccounts: { builder: 'arn:aws:iam::111111111111:role/b' } }).problems.map((p) => p.path),
      ['serviceAccounts.builder'],
    );
    assert.match('ci/builder', new RegExp(schema.properties.serviceAccounts.propertyNames.pattern));
  });

  it('accepts the example workspace config', () => {
    const example = JSON.parse(readFileSync(join(root, 'examples', '.rolecall.json'), 'utf8'));
    assert.deepEqual(configFrom(example).problems, []);
    for (const key of Object.keys(example)) assert.ok(key in schema.properties, key);
    const arn = new RegExp(schema.definitions.principalArn.pattern);
    for (const v of Object.values(example.callers.agents as Record<string, string>)) assert.match(v, arn);
    assert.deepEqual(Object.keys(schema.properties.iac.items.properties).sort(), [
      'account',
      'parameters',
      'path',
      'region',
    ]);
  });

  it('describes accounts as a profile or { profile, assumeRole }, with "*" for every account', () => {
    const forms = schema.properties.accounts.additionalProperties.oneOf;
    assert.deepEqual(Object.keys(forms[1].properties).sort(), ['assumeRole', 'profile']);
    const pattern = new RegExp(forms[1].properties.assumeRole.pattern);
    const { config, problems } = configFrom({
      accounts: {
        '*': { assumeRole: 'arn:aws:iam::{account}:role/reader' },
        '222222222222': 'p',
        '333333333333': { profile: 'q', assumeRole: 'arn:aws:iam::333333333333:role/r' },
      },
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(config.accounts, { '222222222222': 'p', '333333333333': 'q' });
    assert.deepEqual(config.assumeRoles, {
      '*': 'arn:aws:iam::{account}:role/reader',
      '333333333333': 'arn:aws:iam::333333333333:role/r',
    });
    for (const role of Object.values(config.assumeRoles)) assert.match(role, pattern);
    assert.ok(new RegExp(schema.properties.accounts.propertyNames.pattern).test('*'));
    assert.ok(configFrom({ accounts: { '*': 'profile' } }).problems.some((p) => p.path === 'accounts.*'));
  });
});
