import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parseJenkinsCasc } from '../../../../src/core/jenkins/casc';

const JCASC = `jenkins:
  systemMessage: "configured by JCasC"
  clouds:
    - amazonEC2:
        name: "ec2-prod"
        region: "eu-west-1"
        templates:
          - description: "linux builder"
            labelString: "linux ec2  docker"
            iamInstanceProfile: "arn:aws:iam::111111111111:instance-profile/jenkins-agent"
          - description: "no profile"
            labelString: "bare"
    - ecs:
        name: "ecs-cloud"
        cluster: "arn:aws:ecs:eu-west-1:111111111111:cluster/jenkins"
        templates:
          - templateName: "base"
            label: "ecs-base"
            taskrole: "deploy-role-agent"
          - templateName: "child"
            label: "AgentAccountX"
            inheritFrom: "base"
          - templateName: "override"
            label: "ecs-other"
            inheritFrom: "ecs-base"
            taskRole: "arn:aws:iam::111111111111:role/other"
    - kubernetes:
        name: "k8s"
        namespace: "jenkins"
        templates:
          - name: "k8s-base"
            label: "k8s"
            serviceAccount: "builder"
          - name: "k8s-child"
            label: "k8s-deploy"
            namespace: "deploy"
            inheritFrom: "k8s-base"
    - docker:
        name: "ignored"
credentials:
  system:
    domainCredentials:
      - credentials:
          - string:
              id: "not-aws"
              secret: "\${SECRET}"
          - aws:
              id: "deployer"
              accessKey: "\${DEPLOYER_KEY}"
              secretKey: "\${DEPLOYER_SECRET}"
              iamRoleArn: "arn:aws:iam::222222222222:role/deploy"
              iamMfaSerialNumber: "arn:aws:iam::111111111111:mfa/deployer"
          - aws:
              id: "hidden"
              iamRoleArn: "\${ROLE_FROM_VAULT}"
`;

/** 1-based line of the first line containing `snippet` (after `after`, when given). */
function lineOf(snippet: string, after = 0): number {
  const lines = JCASC.split('\n');
  return lines.findIndex((l, i) => i >= after && l.includes(snippet)) + 1;
}

describe('jenkins/casc', () => {
  const casc = parseJenkinsCasc('jenkins.yaml', JCASC);
  const byName = (name: string) => casc.templates.find((t) => t.name === name)!;

  it('EC2 templates: labelString split at whitespace, iamInstanceProfile with its line', () => {
    const t = byName('linux builder');
    assert.equal(t.cloudKind, 'amazonEC2');
    assert.equal(t.cloudName, 'ec2-prod');
    assert.deepEqual(t.labels, ['linux', 'ec2', 'docker']);
    assert.deepEqual(t.identity, {
      kind: 'instance-profile',
      value: 'arn:aws:iam::111111111111:instance-profile/jenkins-agent',
    });
    assert.equal(t.identityAt?.line, lineOf('iamInstanceProfile'));
    assert.equal(t.at.line, lineOf('description: "linux builder"'));
    assert.equal(byName('no profile').identity, null, 'a template without a profile has no identity');
  });

  it('ECS templates: taskrole or taskRole, the cluster ARN gives the account, inheritFrom by templateName or label', () => {
    const base = byName('base');
    assert.deepEqual(base.identity, { kind: 'task-role', value: 'deploy-role-agent' });
    assert.equal(base.cloudAccount, '111111111111');
    assert.equal(base.cloudRegion, 'eu-west-1');
    const child = byName('child');
    assert.deepEqual(child.identity, base.identity, 'inherited from base');
    assert.equal(child.identityAt?.line, base.identityAt?.line, "points at the parent's taskrole");
    assert.deepEqual(child.inheritedFrom, ['base']);
    const override = byName('override');
    assert.deepEqual(
      override.identity,
      { kind: 'task-role', value: 'arn:aws:iam::111111111111:role/other' },
      'its own taskRole wins',
    );
    assert.equal(override.identityAt?.line, lineOf('taskRole:'));
  });

  it("Kubernetes templates: serviceAccount in the template's, else the cloud's namespace; inheritFrom", () => {
    assert.deepEqual(byName('k8s-base').identity, { kind: 'service-account', namespace: 'jenkins', name: 'builder' });
    assert.deepEqual(byName('k8s-child').identity, { kind: 'service-account', namespace: 'deploy', name: 'builder' });
  });

  it("Kubernetes templates: the service account a pod template's raw yaml names (spec.serviceAccountName), unless the template sets serviceAccount", () => {
    // The kubernetes plugin builds the agent pod from the template and its yaml; a pod spec's
    // serviceAccountName (serviceAccount is its deprecated alias) is the service account the pod runs as.
    const text = `jenkins:
  clouds:
    - kubernetes:
        name: "k8s"
        namespace: "ci"
        templates:
          - name: "from-yaml"
            label: "yaml-sa"
            yaml: |
              apiVersion: v1
              kind: Pod
              spec:
                serviceAccountName: deployer
                containers:
                  - name: aws
                    image: amazon/aws-cli
          - name: "old-alias"
            label: "yaml-old"
            yaml: "spec:\\n  serviceAccount: legacy\\n"
          - name: "field-wins"
            label: "both"
            serviceAccount: "builder"
            yaml: |
              spec:
                serviceAccountName: ignored
          - name: "hidden"
            label: "secret-sa"
            yaml: |
              spec:
                serviceAccountName: \${SA_NAME}
`;
    const parsed = parseJenkinsCasc('jenkins.yaml', text);
    const t = (name: string) => parsed.templates.find((x) => x.name === name)!;
    assert.deepEqual(t('from-yaml').identity, { kind: 'service-account', namespace: 'ci', name: 'deployer' });
    assert.equal(t('from-yaml').identityAt?.line, 9, "located at the template's yaml");
    assert.deepEqual(t('old-alias').identity, { kind: 'service-account', namespace: 'ci', name: 'legacy' });
    assert.deepEqual(t('field-wins').identity, { kind: 'service-account', namespace: 'ci', name: 'builder' });
    assert.equal(t('hidden').identity, null);
    assert.equal(t('hidden').identitySecret, true);
    assert.doesNotMatch(JSON.stringify(parsed), /SA_NAME/);
  });

  it('other clouds and credential kinds are skipped', () => {
    assert.equal(casc.templates.length, 7);
    assert.deepEqual(
      casc.credentials.map((c) => c.id),
      ['deployer', 'hidden'],
    );
  });

  it('AWS credentials: iamRoleArn and iamMfaSerialNumber with lines; ${...} values are never read', () => {
    const deployer = casc.credentials[0];
    assert.equal(deployer.roleArn, 'arn:aws:iam::222222222222:role/deploy');
    assert.equal(deployer.mfaSerial, 'arn:aws:iam::111111111111:mfa/deployer');
    assert.equal(deployer.roleArnAt?.line, lineOf('role/deploy"'));
    const hidden = casc.credentials[1];
    assert.equal(hidden.roleArn, null);
    const warning = casc.problems.find((p) => /iamRoleArn/.test(p.message))!;
    assert.equal(warning.line, lineOf('ROLE_FROM_VAULT'));
    assert.doesNotMatch(
      JSON.stringify(casc),
      /ROLE_FROM_VAULT|DEPLOYER_KEY|DEPLOYER_SECRET|SECRET\}/,
      'no secret reference is kept or printed',
    );
  });

  it('a well-formed file has no problems but the secret it cannot read', () => {
    assert.deepEqual(
      casc.problems.map((p) => p.line),
      [lineOf('ROLE_FROM_VAULT')],
    );
  });

  it('invalid YAML: positioned errors, and what can be read is still read', () => {
    const broken = parseJenkinsCasc(
      'casc.yaml',
      'jenkins:\n  clouds:\n    - ecs:\n        templates:\n          - label: "a"\n            taskrole: "arn:aws:iam::111111111111:role/a"\n          - label: "b\n',
    );
    assert.ok(broken.problems.length > 0);
    assert.ok(broken.problems.every((p) => p.file === 'casc.yaml' && p.line >= 1 && p.column >= 1));
    assert.ok(broken.problems.some((p) => p.severity === 'error' && /not valid YAML/.test(p.message)));
    const tab = parseJenkinsCasc('casc.yaml', 'jenkins:\n\tclouds: []\n');
    assert.equal(tab.problems[0].line, 2);
  });

  it('wrong shapes: positioned problems, never a crash', () => {
    const cases: Array<[string, RegExp, number]> = [
      ['- just a list\n', /expected a mapping/, 1],
      ['jenkins:\n  clouds: "ec2"\n', /`clouds` should be a list/, 2],
      ['jenkins:\n  clouds:\n    - amazonEC2: 3\n', /cloud should be a mapping/, 3],
      ['jenkins:\n  clouds:\n    - ecs:\n        templates:\n          - "x"\n', /template should be a mapping/, 5],
      [
        'jenkins:\n  clouds:\n    - ecs:\n        templates:\n          - label: a\n            inheritFrom: nothere\n',
        /names no ecs template/,
        6,
      ],
      [
        'jenkins:\n  clouds:\n    - ecs:\n        templates:\n          - templateName: a\n            inheritFrom: b\n          - templateName: b\n            inheritFrom: a\n',
        /cycle/,
        6,
      ],
      [
        'credentials:\n  system:\n    domainCredentials:\n      - credentials:\n          - aws:\n              iamRoleArn: x\n',
        /without an `id`/,
        6,
      ],
      [
        'jenkins:\n  clouds:\n    - amazonEC2:\n        templates:\n          - labelString: [a, b]\n',
        /should be a single value/,
        5,
      ],
    ];
    for (const [text, message, line] of cases) {
      const r = parseJenkinsCasc('j.yaml', text);
      const p = r.problems.find((x) => message.test(x.message) && x.line === line);
      assert.ok(p, `${JSON.stringify(text)}: ${JSON.stringify(r.problems)}`);
    }
  });

  it('anchors and aliases are followed; an empty file is empty', () => {
    const r = parseJenkinsCasc(
      'j.yaml',
      'x-role: &role "arn:aws:iam::111111111111:role/r"\njenkins:\n  clouds:\n    - ecs:\n        templates:\n          - label: a\n            taskrole: *role\n',
    );
    assert.deepEqual(r.templates[0].identity, { kind: 'task-role', value: 'arn:aws:iam::111111111111:role/r' });
    assert.deepEqual(parseJenkinsCasc('j.yaml', ''), { file: 'j.yaml', templates: [], credentials: [], problems: [] });
  });

  it('never throws on any text, and every problem has a position inside the file (property)', () => {
    const pieces = fc.constantFrom(
      'jenkins:',
      '  clouds:',
      '    - ecs:',
      '    - amazonEC2:',
      '        templates:',
      '          - label: a',
      '            taskrole: r',
      '  - x',
      ': :',
      '"',
      "'",
      '{',
      '[',
      '&a',
      '*a',
      '!!binary',
      '\t',
      '${SECRET}',
      'credentials:',
      '  system:',
      '    domainCredentials:',
      '      - credentials:',
      '          - aws:',
      '              id: x',
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 30 }), (lines) => {
        const text = lines.join('\n');
        const r = parseJenkinsCasc('f.yaml', text);
        const lineCount = text.split('\n').length;
        for (const p of r.problems) assert.ok(p.line >= 1 && p.line <= lineCount && p.column >= 1, JSON.stringify(p));
        assert.doesNotMatch(JSON.stringify(r), /SECRET/);
      }),
      { numRuns: 300 },
    );
  });
});
