import { strict as assert } from 'node:assert';
import {
  applyEdits,
  clampDuration,
  editDistance,
  insertNamedArg,
  nearest,
  replaceLiteral,
  replaceRoleName,
  sanitizeSessionName,
  stringCredentialBindings,
  wrapInWithCredentials,
} from '../../../../src/vscode/pure/edits';

describe('vscode helpers: quick-fix edits', () => {
  it('inserts a named argument first in the call', () => {
    const text = "withAWS(role: 'jenkins', roleAccount: '222222222222') {\n}";
    const edit = insertNamedArg(text, 'withAWS'.length, 'iamMfaToken: params.MFA_TOKEN');
    assert.ok(edit);
    assert.equal(
      applyEdits(text, [edit]),
      "withAWS(iamMfaToken: params.MFA_TOKEN, role: 'jenkins', roleAccount: '222222222222') {\n}",
    );
    const empty = 'withAWS( ) {}';
    assert.equal(applyEdits(empty, [insertNamedArg(empty, 7, 'duration: 900')!]), 'withAWS(duration: 900 ) {}');
    assert.equal(insertNamedArg('withAWS {', 7, 'x: 1'), null);
  });
  it('clamps durations to what STS and the role accept', () => {
    assert.equal(clampDuration(7200, 3600), 3600);
    assert.equal(clampDuration(60, 3600), 900);
    assert.equal(clampDuration(50000, 43200), 43200);
    assert.equal(clampDuration(1800, 3600), 1800);
  });
  it('sanitizes session names to [\\w+=,.@-]{2,64}', () => {
    const fixed = sanitizeSessionName('deploy session #1 (prod)');
    assert.match(fixed, /^[\w+=,.@-]{2,64}$/);
    assert.match(sanitizeSessionName('x'), /^[\w+=,.@-]{2,64}$/);
    assert.equal(sanitizeSessionName('a'.repeat(100)).length, 64);
  });
  it('finds the nearest names', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.deepEqual(nearest('jenkin', ['jenkins', 'deploy-role', 'admin']), ['jenkins']);
    assert.deepEqual(nearest('zzzzzzzzzzzz', ['jenkins']), []);
    assert.deepEqual(nearest('jenkins-deployer', ['admin', 'developer', 'jenkins']), ['jenkins']);
    assert.deepEqual(nearest('222222222223', ['111111111111', '222222222222']), ['222222222222']);
  });
  it('replaces literals and role names only in plain literals', () => {
    const text = `role: 'arn:aws:iam::222222222222:role/jenkin', x: "$v"`;
    const start = text.indexOf("'");
    const end = text.indexOf("'", start + 1) + 1;
    assert.equal(
      applyEdits(text, [replaceRoleName(text, { start, end }, 'jenkins')!]),
      `role: 'arn:aws:iam::222222222222:role/jenkins', x: "$v"`,
    );
    const s2 = text.indexOf('"');
    assert.equal(replaceLiteral(text, { start: s2, end: s2 + 4 }, 'y'), null);
  });
  it('finds string credential bindings before a call', () => {
    const text = `environment { EXT = credentials('ext-id') }\nwithCredentials([string(credentialsId: 'ExternalId', variable: 'EXTERNAL_ID')]) {\n withAWS(role: 'jenkins') {}\n}`;
    const found = stringCredentialBindings(text, text.indexOf('withAWS'));
    assert.deepEqual(
      found.map((b) => [b.credentialsId, b.variable]),
      [
        ['ExternalId', 'EXTERNAL_ID'],
        ['ext-id', 'EXT'],
      ],
    );
  });
  it('wraps a call with a literal secret in withCredentials', () => {
    const text = "node {\n  withAWS(role: 'jenkins', externalId: 'S3cr3tValue') {\n    sh 'aws s3 ls'\n  }\n}\n";
    const callStart = text.indexOf('withAWS');
    const callEnd = text.indexOf('  }\n}') + 3;
    const secretStart = text.indexOf("'S3cr3tValue'");
    const out = applyEdits(
      text,
      wrapInWithCredentials(
        text,
        { start: callStart, end: callEnd },
        { start: secretStart, end: secretStart + 13 },
        'external-id',
        'EXTERNAL_ID',
      ),
    );
    assert.equal(
      out,
      "node {\n  withCredentials([string(credentialsId: 'external-id', variable: 'EXTERNAL_ID')]) {\n      withAWS(role: 'jenkins', externalId: env.EXTERNAL_ID) {\n        sh 'aws s3 ls'\n      }\n  }\n}\n",
    );
    assert.ok(!out.includes('S3cr3tValue'));
  });
});
