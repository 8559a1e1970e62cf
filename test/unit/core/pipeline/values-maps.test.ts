// Issue 13 item 3: values through maps written in the file — `accounts.staging`, `accounts['prod']`,
// `"${cfg.role}"`, nested maps — resolve to the entry's value, with where it is written.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, lineCol } from './helpers';

describe('values through map literals (issue 13 item 3)', () => {
  it('a member or an index of a map variable resolves to the entry', () => {
    for (const access of ['accounts.staging', "accounts['staging']", '(accounts).staging']) {
      const text = `def accounts = [staging: '222222222222', prod: '333333333333']\nwithAWS(role: 'deploy', roleAccount: ${access}) { }`;
      const { usages, findings } = analyze(text);
      assert.equal(usages[0].roleArn, 'arn:aws:iam::222222222222:role/deploy', access);
      assert.deepEqual(
        findings.filter((f) => f.code === 'unresolved-reference'),
        [],
        access,
      );
      assert.match(usages[0].origins.roleAccount!.description, /accounts\)?\.staging \(line 1\)/);
    }
  });

  it('GString interpolation and nested maps', () => {
    const text = `def cfg = [role: 'deployer', env: [account: '444444444444']]\nwithAWS(role: "\${cfg.role}", roleAccount: cfg.env.account) { }`;
    const { usages } = analyze(text);
    assert.equal(usages[0].roleArn, 'arn:aws:iam::444444444444:role/deployer');
  });

  it('the map value is resolved where the map is written (a parameter default through it)', () => {
    const text = `pipeline { parameters { string(name: 'ACC', defaultValue: '555555555555') } }\ndef cfg = [account: params.ACC]\nwithAWS(role: 'r', roleAccount: cfg.account) { }`;
    assert.equal(analyze(text).usages[0].roleArn, 'arn:aws:iam::555555555555:role/r');
  });

  it('a key the map lacks, a loop variable over a list read at run time or a reassigned name stay unresolved (never a guess)', () => {
    const missing = `def cfg = [role: 'x']\nwithAWS(role: cfg.missing, roleAccount: '222222222222') { }`;
    assert.equal(analyze(missing).usages[0].roleArn, null);
    const loop = `readYaml(file: 'x.yml').each { withAWS(role: it.role, roleAccount: '222222222222') { } }`;
    assert.equal(analyze(loop).usages[0].roleArn, null);
    // The last assignment before the use wins: here it is not a map.
    const reassigned = `def cfg = [role: 'x']\ncfg = load('cfg.groovy')\nwithAWS(role: cfg.role, roleAccount: '222222222222') { }`;
    assert.equal(analyze(reassigned).usages[0].roleArn, null);
  });

  it("entries set after the literal (cfg.key = v, cfg['key'] = v), a map passed whole to withAWS, a map given again", () => {
    const text = readFileSync(join(__dirname, 'fixtures', 'values-map-members.Jenkinsfile'), 'utf8');
    const { usages, findings } = analyze(text);
    assert.deepEqual(
      usages.map((u) => [lineCol(text, u.anchor.start).line, u.roleArn, u.region]),
      [
        [8, 'arn:aws:iam::222222222222:role/from-call', 'eu-west-1'],
        [8, 'arn:aws:iam::222222222222:role/fallback-role', 'eu-west-1'],
        [15, 'arn:aws:iam::333333333333:role/second', null],
        [17, 'arn:aws:iam::444444444444:role/third', null],
      ],
    );
    assert.equal(usages[2].origins.role!.description, 'cfg.role set on line 13');
    assert.equal(usages[3].origins.role!.description, 'cfg.role (line 16)');
    assert.deepEqual(
      findings.filter((f) => f.code === 'unresolved-reference'),
      [],
    );
  });

  it('an entry set on a map the file does not write (readYaml) resolves; other keys of it stay unknown', () => {
    const text =
      "node {\n  def cfg = readYaml(file: 'aws.yaml')\n  cfg.account = '555555555555'\n  withAWS(role: cfg.role, roleAccount: cfg.account) { }\n}\n";
    const { usages } = analyze(text);
    assert.equal(usages[0].roleAccount, '555555555555');
    assert.equal(usages[0].roleArn, null);
  });
});
