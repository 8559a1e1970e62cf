// Issue 13 items 4 and 6: where the contract locates qualified calls and commands written with a path,
// and role names IAM cannot have (invalid-role-arn, never a silent null).
import { strict as assert } from 'node:assert';
import { analyze, ctx } from './helpers';

const at = (text: string, r: { start: number; end: number }): string => text.slice(r.start, r.end);

describe('locations of qualified calls and invalid role names (issue 13)', () => {
  it('steps.withAWS / this.withAWS / script.withAWS are located at withAWS', () => {
    for (const owner of ['steps', 'this', 'script']) {
      const text = `${owner}.withAWS(role: 'deploy', roleAccount: '222222222222') { }`;
      const { usages } = analyze(text);
      assert.equal(usages.length, 1, owner);
      assert.equal(at(text, usages[0].anchor), 'withAWS', owner);
      assert.equal(usages[0].anchor.start, owner.length + 1, owner);
      assert.equal(usages[0].range.start, 0, 'the call itself still spans the whole qualified call');
    }
  });

  it('a qualified withCredentials binding and withVault are located at their step names', () => {
    const binding = "steps.withCredentials([aws(credentialsId: 'c', roleArn: 'arn:aws:iam::222222222222:role/r')]) { }";
    assert.equal(at(binding, analyze(binding).usages[0].anchor), 'withCredentials');
    const vault = "this.withVault(vaultSecrets: [[path: 'aws/sts/jenkins-ecr-push']]) { }";
    assert.equal(at(vault, analyze(vault).usages[0].anchor), 'withVault');
    // A finding about static keys of a qualified call points at the step name too.
    const keys = "steps.withAWS(credentials: 'keys') { }";
    const f = analyze(keys).findings.find((x) => x.code === 'static-credentials');
    assert.ok(f);
    assert.equal(at(keys, f.range), 'withAWS');
  });

  it('`/usr/bin/aws sts assume-role` is located at aws; the usage still covers the whole command', () => {
    const text =
      "sh '/usr/bin/aws sts assume-role --role-arn arn:aws:iam::222222222222:role/x --role-session-name jenkins'";
    const { usages } = analyze(text);
    assert.equal(usages.length, 1);
    assert.equal(at(text, usages[0].anchor), 'aws');
    assert.equal(at(text, usages[0].range).slice(0, 12), '/usr/bin/aws');
    const plain = "sh 'aws sts get-session-token'";
    assert.equal(at(plain, analyze(plain).usages[0].anchor), 'aws');
  });

  it('a role name IAM cannot have is invalid-role-arn at the role argument', () => {
    for (const name of ['bad role!', 'rôle', 'x'.repeat(65), 'a;b']) {
      const text = `withAWS(role: '${name}', roleAccount: '222222222222') { }`;
      const { usages, findings } = analyze(text, ctx());
      assert.equal(usages[0].roleArn, null, name);
      const f = findings.filter((x) => x.code === 'invalid-role-arn');
      assert.equal(f.length, 1, name);
      assert.equal(at(text, f[0].range), `'${name}'`, name);
      assert.match(f[0].message, /Invalid role name/);
    }
  });

  it('valid names (with a path, every allowed character) give no invalid-role-arn', () => {
    for (const name of ['deploy', 'ops/deploy', 'A-b_c+d=e,f.g@h', 'x'.repeat(64)]) {
      const text = `withAWS(role: '${name}', roleAccount: '222222222222') { }`;
      const { usages, findings } = analyze(text);
      assert.ok(usages[0].roleArn, name);
      assert.deepEqual(
        findings.filter((x) => x.code === 'invalid-role-arn'),
        [],
        name,
      );
    }
  });
});
