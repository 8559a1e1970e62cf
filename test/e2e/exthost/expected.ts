// What examples/README.md says each setup's mistakes are: (line, code) pairs the extension must report.
export const EXPECTED: Record<string, Array<[number, string]>> = {
  'seed-000-external-id/Jenkinsfile.prod': [
    [10, 'invalid-role-arn'],
    [15, 'duration-exceeds-max'],
    [15, 'role-chaining-duration'],
    [20, 'external-id-missing'],
    [20, 'invalid-session-name'],
    [26, 'hardcoded-secret'],
    [31, 'role-not-found'],
  ],
  'seed-001-mfa-users/Jenkinsfile': [
    [11, 'invalid-principal'],
    [11, 'unsatisfiable-condition'],
    [18, 'mfa-required'],
    [18, 'invalid-session-name'],
    [25, 'duration-exceeds-max'],
  ],
  'seed-002-vault/vars/ecrLogin.groovy': [[3, 'static-credentials']],
  'seed-003-ecs-agents/Jenkinsfile': [[13, 'role-chaining-duration']],
  'seed-004-session-token/Jenkinsfile': [
    [32, 'duration-out-of-range'],
    [37, 'mfa-required'],
  ],
};

/** Every pipeline file of the examples, for the CLI-equivalence check. */
export const ALL_FILES = [
  'seed-000-external-id/Jenkinsfile',
  'seed-000-external-id/Jenkinsfile.prod',
  'seed-000-external-id/Jenkinsfile.wip',
  'seed-001-mfa-users/Jenkinsfile',
  'seed-002-vault/Jenkinsfile',
  'seed-002-vault/vars/ecrLogin.groovy',
  'seed-003-ecs-agents/Jenkinsfile',
  'seed-004-session-token/Jenkinsfile',
  'seed-004-session-token/vars/getTempCreds.groovy',
];
