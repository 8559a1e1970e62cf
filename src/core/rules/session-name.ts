// invalid-session-name: RoleSessionName must match [\w+=,.@-]{2,64}. Parts only known at run time
// (`${BUILD_NUMBER}`) are placeholders: assumed valid, at least one character long.
import { finding, type Finding, type PipelineFact, type Usage } from '../types';

const VALID_CHAR = /[\w+=,.@-]/;
const PLACEHOLDER = /\$\{[^}]*\}/g;

/** Replaces invalid characters with `-` and cuts to 64 characters. */
export function sanitizeSessionName(name: string): string {
  let out = '';
  for (const ch of name) out += VALID_CHAR.test(ch) ? ch : '-';
  if (out.length < 2) out = (out + '-session').slice(0, 64);
  return out.slice(0, 64);
}

/** Checks the session name a usage passes, when fully or partly known. */
export function sessionNameRule(usage: Usage): Finding[] {
  const name = usage.roleSessionName;
  if (name === null) return [];
  const literal = name.replace(PLACEHOLDER, '');
  const placeholders = (name.match(PLACEHOLDER) ?? []).length;
  const minLength = literal.length + placeholders;
  const problems: string[] = [];
  const bad = [...new Set([...literal].filter((ch) => !VALID_CHAR.test(ch)))];
  if (bad.length > 0)
    problems.push(
      `it contains ${bad.map((ch) => (ch === ' ' ? 'a space' : `"${ch}"`)).join(', ')}, outside [A-Za-z0-9_+=,.@-]`,
    );
  if (minLength > 64)
    problems.push(`it is ${placeholders > 0 ? 'at least ' : ''}${minLength} characters long; at most 64 are allowed`);
  if (placeholders === 0 && literal.length < 2)
    problems.push(`it is ${literal.length} character${literal.length === 1 ? '' : 's'} long; at least 2 are needed`);
  if (problems.length === 0) return [];
  const origin = usage.origins.roleSessionName;
  const range = usage.args.roleSessionName ?? usage.anchor;
  let fixes;
  if (placeholders === 0 && origin?.source === 'literal' && origin.range) {
    const fixed = sanitizeSessionName(name);
    fixes = [
      {
        title: `Use session name "${fixed}"`,
        edits: [{ offset: origin.range.start, length: origin.range.end - origin.range.start, content: fixed }],
        isPreferred: true,
      },
    ];
  }
  return [
    finding(
      'invalid-session-name',
      usage.file,
      range,
      `Invalid role session name "${name}": ${problems.join('; ')}. STS rejects the call; use 2-64 characters of letters, digits and _+=,.@-.`,
      { roleArn: usage.roleArn, fixes },
    ),
  ];
}

/** `aws sts assume-role` without `--role-session-name`: the AWS CLI refuses to run it. */
export function missingSessionNameRule(fact: PipelineFact, file: string): Finding[] {
  if (fact.kind !== 'missing-shell-option' || fact.option !== 'role-session-name') return [];
  const anchor = fact.anchor;
  return [
    {
      anchor,
      ...finding(
        'invalid-session-name',
        file,
        anchor,
        'aws sts assume-role without --role-session-name: the AWS CLI stops with "the following arguments are required: --role-session-name". Add --role-session-name with 2-64 characters of letters, digits and _+=,.@- (e.g. jenkins-${BUILD_NUMBER}).',
        {
          roleArn: fact.roleArn,
          fixes: [
            {
              title: 'Add --role-session-name jenkins-$BUILD_NUMBER',
              edits: [{ offset: fact.insertAt, length: 0, content: ' --role-session-name jenkins-$BUILD_NUMBER' }],
            },
          ],
        },
      ),
    },
  ];
}
