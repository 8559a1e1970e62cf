// Issue 13 item 5: literal secret keys and session tokens are hardcoded-secret wherever the pipeline
// writes them (withEnv entries, environment {}, sh exports, assignments to env.X or a variable), located
// at the value (the literal), and the message never contains the value.
import { strict as assert } from 'node:assert';
import { analyze } from './helpers';

const KEY = 'abcdefghijABCDEFGHIJ0123456789abcdefghij';
const TOKEN = 'FwoGZXIvYXdzE' + 'A'.repeat(120);

describe('literal secrets anywhere in the pipeline (issue 13 item 5)', () => {
  const cases: Array<[string, string, string]> = [
    ['withEnv entry', `withEnv(["AWS_SECRET_ACCESS_KEY=${KEY}"]) { sh 'make' }`, KEY],
    ['withEnv session token', `withEnv(['AWS_SESSION_TOKEN=${TOKEN}']) { sh 'make' }`, TOKEN],
    ['declarative environment', `pipeline { environment { AWS_SECRET_ACCESS_KEY = '${KEY}' } }`, KEY],
    [
      'stage environment token',
      `pipeline { stages { stage('a') { environment { AWS_SESSION_TOKEN = "${TOKEN}" } } } }`,
      TOKEN,
    ],
    ['sh export', `sh "export AWS_SECRET_ACCESS_KEY=${KEY}"`, KEY],
    ['sh export in a multi-line script', `sh """\n  export AWS_SESSION_TOKEN='${TOKEN}'\n  aws s3 ls\n"""`, TOKEN],
    ['assignment to env.X', `env.AWS_SECRET_ACCESS_KEY = '${KEY}'`, KEY],
    ['assignment to a script variable', `AWS_SESSION_TOKEN = '${TOKEN}'`, TOKEN],
    ['def variable', `def awsSecretKey = '${KEY}'`, KEY],
  ];
  for (const [what, text, value] of cases) {
    it(`${what}: hardcoded-secret at the value, without the value in the message`, () => {
      const found = analyze(text).findings.filter((f) => f.code === 'hardcoded-secret');
      assert.equal(found.length, 1, JSON.stringify(found.map((f) => f.message)));
      // At the value: inside a string, or the whole string literal a variable is assigned.
      assert.equal(text.slice(found[0].range.start, found[0].range.end).replace(/^(['"])(.*)\1$/s, '$2'), value);
      assert.ok(!found[0].message.includes(value));
    });
  }

  it('values that are not keys give nothing (short, interpolated, a credential)', () => {
    for (const text of [
      `env.AWS_SECRET_ACCESS_KEY = 'short'`,
      'env.AWS_SECRET_ACCESS_KEY = "${params.KEY}"',
      `AWS_SECRET_ACCESS_KEY = credentials('aws-key')`,
    ]) {
      assert.deepEqual(
        analyze(text).findings.filter((f) => f.code === 'hardcoded-secret'),
        [],
        text,
      );
    }
  });
});
