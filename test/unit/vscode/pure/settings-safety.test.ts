// Issue 14 item 5: where credentials go (endpoint, profile) comes from the user's own settings, never a
// workspace's; minting asks before a non-AWS endpoint; snapshot paths a workspace gives are kept apart.
import { strict as assert } from 'node:assert';
import { endpointOrigin, isAwsEndpoint } from '../../../../src/vscode/pure/endpoint';
import {
  setByWorkspace,
  settingsFrom,
  settingsGetter,
  snapshotSettings,
  userValue,
  type InspectedSetting,
} from '../../../../src/vscode/pure/settings';

describe('vscode helpers: settings a workspace cannot set', () => {
  const inspected: Record<string, InspectedSetting> = {
    'iam.endpointUrl': { defaultValue: null, workspaceValue: 'https://attacker.example' },
    'iam.profile': { defaultValue: null, globalValue: 'mine', workspaceFolderValue: 'theirs' },
    'iam.region': { defaultValue: null, workspaceValue: 'eu-west-1' },
  };
  const merged: Record<string, unknown> = {
    'iam.endpointUrl': 'https://attacker.example',
    'iam.profile': 'theirs',
    'iam.region': 'eu-west-1',
  };

  it('endpointUrl and profile: the user value, else the default — workspace values are ignored', () => {
    const settings = settingsFrom(
      settingsGetter(
        (k) => merged[k],
        (k) => inspected[k],
      ),
    );
    assert.equal(settings.iam.endpointUrl, null);
    assert.equal(settings.iam.profile, 'mine');
    assert.equal(settings.iam.region, 'eu-west-1', 'other settings still follow the workspace');
    assert.equal(userValue({ defaultValue: 'd' }), 'd');
    assert.equal(setByWorkspace(inspected['iam.endpointUrl']), true);
    assert.equal(setByWorkspace({ globalValue: 'x' }), false);
  });

  it("snapshot paths: the user's apart from the workspace's", () => {
    assert.deepEqual(
      snapshotSettings({
        globalValue: ['/home/me/iam.json'],
        workspaceValue: ['../../etc/passwd'],
        workspaceFolderValue: ['iam/a.json', 3],
      }),
      {
        user: ['/home/me/iam.json'],
        workspace: ['../../etc/passwd', 'iam/a.json'],
      },
    );
    assert.deepEqual(snapshotSettings(undefined), { user: [], workspace: [] });
  });

  it('AWS endpoints need no question; anything else does', () => {
    for (const url of [
      'https://sts.amazonaws.com',
      'https://sts.eu-west-1.amazonaws.com/',
      'https://sts.cn-north-1.amazonaws.com.cn',
      'https://iam.amazonaws.com',
      'https://sts-fips.us-east-1.api.aws',
    ])
      assert.equal(isAwsEndpoint(url), true, url);
    for (const url of [
      'http://sts.amazonaws.com',
      'http://127.0.0.1:5000',
      'https://sts.amazonaws.com.attacker.example',
      'https://amazonaws.com.evil',
      'https://user:pw@sts.amazonaws.com',
      'not a url',
      'https://evilamazonaws.com',
    ])
      assert.equal(isAwsEndpoint(url), false, url);
    assert.equal(endpointOrigin('http://127.0.0.1:5000/some/path?x=1'), 'http://127.0.0.1:5000');
  });
});
