import { strict as assert } from 'node:assert';
import {
  findAwsStsCalls,
  literalText,
  optionWord,
  PLACEHOLDER_BASE,
  scanShell,
  valueRange,
  type AwsStsCall,
} from '../../../../src/core/pipeline/shell';

function opt(call: AwsStsCall, name: string): string | null {
  const w = optionWord(call, name);
  return w ? w.text : null;
}

describe('shell: aws sts commands in scripts', () => {
  it('finds assume-role with space and = flag spellings, and gives offsets of aws and each value', () => {
    const s =
      'set -e\naws sts assume-role --role-arn arn:aws:iam::111111111111:role/a --role-session-name=build-1 --duration-seconds 900';
    const [c] = findAwsStsCalls(s);
    assert.equal(c.operation, 'assume-role');
    assert.equal(c.awsStart, s.indexOf('aws'));
    assert.equal(s.slice(c.awsStart, c.awsEnd), 'aws');
    assert.equal(opt(c, 'role-arn'), 'arn:aws:iam::111111111111:role/a');
    const name = optionWord(c, 'role-session-name')!;
    assert.equal(name.text, 'build-1');
    const r = valueRange(name);
    assert.equal(s.slice(r.start, r.end), 'build-1');
    const d = optionWord(c, 'duration-seconds')!;
    assert.equal(s.slice(valueRange(d).start, valueRange(d).end), '900');
  });

  it('removes quotes and reports the value range inside them', () => {
    const s = `aws sts assume-role --role-arn "arn:aws:iam::111111111111:role/a" --role-session-name 'my-name'`;
    const [c] = findAwsStsCalls(s);
    const arn = optionWord(c, 'role-arn')!;
    assert.equal(literalText(arn), 'arn:aws:iam::111111111111:role/a');
    assert.equal(s.slice(valueRange(arn).start, valueRange(arn).end), 'arn:aws:iam::111111111111:role/a');
    assert.equal(opt(c, 'role-session-name'), 'my-name');
  });

  it('joins backslash line continuations (LF and CRLF)', () => {
    for (const nl of ['\n', '\r\n']) {
      const s = `aws sts assume-role \\${nl}  --role-arn arn:aws:iam::111111111111:role/a \\${nl}  --role-session-name x1`;
      const [c] = findAwsStsCalls(s);
      assert.equal(opt(c, 'role-arn'), 'arn:aws:iam::111111111111:role/a');
      assert.equal(opt(c, 'role-session-name'), 'x1');
    }
  });

  it('splits commands on ; && || | & and newlines', () => {
    const s =
      'cd x; aws sts get-session-token --duration-seconds 900 | jq . && aws sts assume-role --role-arn r1 --role-session-name s || echo no\naws sts get-session-token & wait';
    const calls = findAwsStsCalls(s);
    assert.deepEqual(
      calls.map((c) => c.operation),
      ['get-session-token', 'assume-role', 'get-session-token'],
    );
    assert.equal(opt(calls[1], 'role-arn'), 'r1');
    assert.equal(opt(calls[1], 'role-session-name'), 's');
  });

  it('looks inside $(...) and backticks, assignments and export', () => {
    const s =
      'CREDS=$(aws sts assume-role --role-arn r1 --role-session-name s1)\nexport T=`aws sts get-session-token`\nexport X=$(echo "$(aws sts assume-role --role-arn r2 --role-session-name s2)")';
    const calls = findAwsStsCalls(s);
    assert.deepEqual(
      calls.map((c) => opt(c, 'role-arn')),
      ['r1', null, 'r2'],
    );
    assert.equal(s.slice(calls[0].awsStart, calls[0].awsStart + 3), 'aws');
    const { assignments } = scanShell(s);
    assert.deepEqual(
      assignments.map((a) => a.name),
      ['CREDS', 'T', 'X'],
    );
  });

  it('skips env prefixes and global options before the service', () => {
    const [a] = findAwsStsCalls(
      'env AWS_PAGER= A=b aws --profile p --region eu-west-1 --output json sts assume-role --role-arn r --role-session-name s',
    );
    assert.equal(a.operation, 'assume-role');
    assert.equal(opt(a, 'profile'), 'p');
    assert.equal(opt(a, 'region'), 'eu-west-1');
    assert.equal(opt(a, 'role-arn'), 'r');
    const [b] = findAwsStsCalls('sudo -E /usr/local/bin/aws --debug sts get-session-token');
    assert.equal(b.operation, 'get-session-token');
    assert.equal(findAwsStsCalls('if aws sts get-session-token > /dev/null 2>&1; then echo ok; fi').length, 1);
  });

  it('ignores comments, echoed text, heredoc bodies and other aws commands', () => {
    assert.deepEqual(findAwsStsCalls(`echo 'aws sts get-session-token'`), []);
    assert.deepEqual(findAwsStsCalls(`echo "aws sts assume-role --role-arn x"`), []);
    assert.deepEqual(findAwsStsCalls('# aws sts assume-role --role-arn x\necho hi # aws sts get-session-token'), []);
    assert.deepEqual(findAwsStsCalls('cat <<EOF > f\naws sts assume-role --role-arn y\nEOF\n'), []);
    assert.deepEqual(findAwsStsCalls("cat <<-'END'\n\taws sts get-session-token\n\tEND\n"), []);
    assert.deepEqual(findAwsStsCalls('aws s3 ls && aws sts get-caller-identity && awsx sts assume-role'), []);
    // the command after a heredoc still counts
    assert.equal(findAwsStsCalls('cat <<EOF\nx\nEOF\naws sts get-session-token').length, 1);
  });

  it('scans heredoc bodies fed to a shell (bash <<EOF), at their own offsets', () => {
    const s =
      'cat <<EOF > notes\naws sts get-session-token\nEOF\nbash -s <<-EOF\n\taws sts assume-role --role-arn r9 --role-session-name s9\n\tEOF\necho done';
    const calls = findAwsStsCalls(s);
    assert.equal(calls.length, 1);
    assert.equal(calls[0].awsStart, s.lastIndexOf('aws sts'));
    assert.equal(opt(calls[0], 'role-arn'), 'r9');
    assert.equal(
      findAwsStsCalls('ssh host <<EOF\naws sts get-session-token\nEOF').length,
      0,
      'a remote shell is another machine',
    );
  });

  it('keeps shell variables as references', () => {
    const [c] = findAwsStsCalls(
      'aws sts assume-role --role-arn "$DEPLOY_ROLE" --role-session-name "job-${BUILD_NUMBER}" --external-id ${EXT:-none}',
    );
    const arn = optionWord(c, 'role-arn')!;
    assert.deepEqual(
      arn.segments.map((s) => s.kind),
      ['var'],
    );
    assert.equal(arn.text, '${DEPLOY_ROLE}');
    assert.equal(opt(c, 'role-session-name'), 'job-${BUILD_NUMBER}');
    assert.equal(opt(c, 'external-id'), '${EXT}');
  });

  it('keeps documentation placeholders such as <account id> inside words', () => {
    const s =
      'CREDS=$(aws sts assume-role --profile <profile> --role-arn arn:aws:iam::<account id>:role/<role> --role-session-name <name>)';
    const [c] = findAwsStsCalls(s);
    assert.equal(opt(c, 'role-arn'), 'arn:aws:iam::<account id>:role/<role>');
    assert.equal(opt(c, 'role-session-name'), '<name>');
    assert.equal(opt(c, 'profile'), '<profile>');
  });

  it('reports Groovy interpolation placeholders as interp segments, even inside single quotes', () => {
    const p = String.fromCharCode(PLACEHOLDER_BASE + 1);
    const [c] = findAwsStsCalls(`aws sts assume-role --role-arn '${p}' --role-session-name a${p}b`);
    assert.deepEqual(
      optionWord(c, 'role-arn')!.segments.map((s) => s.kind),
      ['interp'],
    );
    const seg = optionWord(c, 'role-arn')!.segments[0];
    assert.equal(seg.kind === 'interp' ? seg.index : -1, 1);
    assert.deepEqual(
      optionWord(c, 'role-session-name')!.segments.map((s) => s.kind),
      ['text', 'interp', 'text'],
    );
  });

  it('understands bat and PowerShell variables and continuations', () => {
    const [b] = findAwsStsCalls('aws sts assume-role ^\r\n --role-arn %ROLE% --role-session-name s & echo done', 'bat');
    assert.equal(opt(b, 'role-arn'), '${ROLE}');
    const [p] = findAwsStsCalls(
      '$c = aws sts assume-role `\n --role-arn $env:ROLE --role-session-name s | ConvertFrom-Json',
      'powershell',
    );
    assert.equal(opt(p, 'role-arn'), '${ROLE}');
    assert.equal(findAwsStsCalls('REM aws sts get-session-token\r\n:: aws sts get-session-token', 'bat').length, 0);
  });

  it('never throws on garbage', () => {
    for (const s of [
      '$(',
      '`',
      '"',
      "'",
      '${',
      '$((1',
      'aws sts',
      'aws --profile',
      '<<',
      'a <<EOF',
      '))))',
      '\\',
      'aws sts assume-role --role-arn',
    ]) {
      assert.doesNotThrow(() => findAwsStsCalls(s));
    }
    assert.doesNotThrow(() => findAwsStsCalls('$('.repeat(5000)));
  });
});
