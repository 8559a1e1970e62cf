// `rolecall explain` through its Subcommand function with a fake CliIo (no process spawned).
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseContextPairs, runExplain } from '../../../src/cli/explain';
import { UsageError, type CliIo } from '../../../src/cli/io';

const FIXTURES = join(__dirname, '..', 'core', 'iam', 'fixtures');

function fakeIo(cwd = FIXTURES): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    cwd,
    env: {},
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
  };
  return io;
}

const SLAVE_SESSION = 'arn:aws:sts::111111111111:assumed-role/jenkins-slave/i-0abc';
const JENKINS = 'arn:aws:iam::222222222222:role/jenkins';

async function run(
  args: string[],
  io = fakeIo(),
): Promise<{ code: number | 'usage-error'; io: ReturnType<typeof fakeIo>; message?: string }> {
  try {
    return { code: await runExplain(args, io), io };
  } catch (e) {
    if (e instanceof UsageError) return { code: 'usage-error', io, message: e.message };
    throw e;
  }
}

describe('rolecall explain', () => {
  it('allows seed 000 with the right ExternalId and the identity policy (json)', async () => {
    const r = await run([
      '--trust-policy',
      'seed000-jenkins-trust.json',
      '--principal',
      SLAVE_SESSION,
      '--role-arn',
      JENKINS,
      '--identity-policy',
      'seed000-jenkins-slave-policy.json',
      '--context',
      'sts:ExternalId=7KAXZ44tHx8mKsPxZnCi2X6Yz',
      '--format',
      'json',
    ]);
    assert.equal(r.code, 0);
    const out = JSON.parse(r.io.out);
    assert.equal(out.decision, 'allow');
    assert.deepEqual(Object.keys(out), ['decision', 'reasons']);
    for (const reason of out.reasons) {
      assert.deepEqual(Object.keys(reason).sort(), ['detail', 'effect', 'matched', 'source', 'statement']);
      assert.ok(['trust-policy', 'identity-policy'].includes(reason.source));
      assert.equal(typeof reason.statement, 'string');
    }
    assert.deepEqual(
      out.reasons.map((x: { source: string; matched: boolean }) => [x.source, x.matched]),
      [
        ['trust-policy', true],
        ['identity-policy', true],
      ],
    );
  });

  it('denies a wrong ExternalId with exit 0 and never prints the values', async () => {
    const r = await run([
      '--trust-policy',
      'seed000-jenkins-trust.json',
      '--principal',
      SLAVE_SESSION,
      '--role-arn',
      JENKINS,
      '--context',
      'sts:ExternalId=guess',
      '--format',
      'json',
    ]);
    assert.equal(r.code, 0);
    const out = JSON.parse(r.io.out);
    assert.equal(out.decision, 'deny');
    assert.equal(out.reasons[0].matched, false);
    assert.ok(!r.io.out.includes('7KAXZ44tHx8mKsPxZnCi2X6Yz'));
    assert.ok(
      out.reasons.some(
        (x: { source: string; detail: string }) => x.source === 'identity-policy' && /assumed/.test(x.detail),
      ),
      'no --identity-policy: assumed to allow',
    );
  });

  it('reads the raw URL-encoded text GetRole returns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolecall-explain-'));
    writeFileSync(
      join(dir, 'trust.txt'),
      encodeURIComponent(readFileSync(join(FIXTURES, 'seed003-deploy-role-trust.json'), 'utf8')),
    );
    writeFileSync(join(dir, 'agent.json'), readFileSync(join(FIXTURES, 'seed003-agent-policy.json')));
    const r = await run(
      [
        '--trust-policy',
        'trust.txt',
        '--principal',
        'arn:aws:sts::111111111111:assumed-role/deploy-role-agent-account-x/task',
        '--role-arn',
        'arn:aws:iam::333333333333:role/deploy-role',
        '--identity-policy',
        'agent.json',
      ],
      fakeIo(dir),
    );
    assert.equal(r.code, 0);
    assert.match(r.io.out, /^ALLOW: /);
  });

  it('text output: decision line and one line per reason', async () => {
    const r = await run([
      '--trust-policy',
      'seed004-secrets-reader-trust.json',
      '--principal',
      'arn:aws:iam::444444444444:user/ken',
      '--role-arn',
      'arn:aws:iam::444444444444:role/secrets-reader',
    ]);
    assert.equal(r.code, 0);
    const lines = r.io.out.trim().split('\n');
    assert.match(lines[0], /^DENY: arn:aws:iam::444444444444:user\/ken may not assume/);
    assert.match(lines[1], /KenWithMFA.*aws:MultiFactorAuthPresent is not in the request/);
  });

  it('fills aws:username from a user principal and takes multi-valued keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolecall-explain-'));
    writeFileSync(
      join(dir, 't.json'),
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: '*',
            Action: 'sts:AssumeRole',
            Condition: {
              StringEquals: { 'aws:username': 'ken' },
              'ForAllValues:StringEquals': { 'aws:PrincipalTag/team': ['red', 'blue'] },
            },
          },
        ],
      }),
    );
    const base = ['--trust-policy', 't.json', '--role-arn', 'arn:aws:iam::444444444444:role/r', '--format', 'json'];
    const ok = await run(
      [
        ...base,
        '--principal',
        'arn:aws:iam::444444444444:user/ken',
        '--context',
        'aws:PrincipalTag/team=red',
        '--context',
        'aws:PrincipalTag/team=blue',
      ],
      fakeIo(dir),
    );
    assert.equal(JSON.parse(ok.io.out).decision, 'allow');
    const no = await run(
      [
        ...base,
        '--principal',
        'arn:aws:iam::444444444444:user/ken',
        '--context',
        'aws:PrincipalTag/team=red',
        '--context',
        'aws:principaltag/team=green',
      ],
      fakeIo(dir),
    );
    assert.equal(JSON.parse(no.io.out).decision, 'deny');
    const other = await run([...base, '--principal', 'arn:aws:iam::444444444444:user/bob'], fakeIo(dir));
    assert.equal(JSON.parse(other.io.out).decision, 'deny');
  });

  it('decides NotPrincipal with Allow as deny with the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolecall-explain-'));
    writeFileSync(
      join(dir, 't.json'),
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', NotPrincipal: { AWS: '333333333333' }, Action: 'sts:AssumeRole' }],
      }),
    );
    const r = await run(
      [
        '--trust-policy',
        't.json',
        '--principal',
        'arn:aws:iam::111111111111:user/bob',
        '--role-arn',
        JENKINS,
        '--format',
        'json',
      ],
      fakeIo(dir),
    );
    assert.equal(r.code, 0);
    const out = JSON.parse(r.io.out);
    assert.equal(out.decision, 'deny');
    assert.match(out.reasons[0].detail, /NotPrincipal/);
  });

  it('bad input is a UsageError (exit 2) with one line', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--principal', SLAVE_SESSION, '--role-arn', JENKINS], /--trust-policy FILE is required/],
      [['--trust-policy', 'seed000-jenkins-trust.json', '--role-arn', JENKINS], /--principal ARN is required/],
      [['--trust-policy', 'seed000-jenkins-trust.json', '--principal', SLAVE_SESSION], /--role-arn ARN is required/],
      [
        ['--trust-policy', 'missing.json', '--principal', SLAVE_SESSION, '--role-arn', JENKINS],
        /missing\.json: no such file/,
      ],
      [
        ['--trust-policy', 'seed000-jenkins-policy.json', '--principal', SLAVE_SESSION, '--role-arn', JENKINS],
        /seed000-jenkins-policy\.json:9:31: not valid policy JSON: trailing comma/,
      ],
      [
        ['--trust-policy', 'seed000-jenkins-trust.json', '--principal', 'jenkins', '--role-arn', JENKINS],
        /--principal 'jenkins' is not/,
      ],
      [
        [
          '--trust-policy',
          'seed000-jenkins-trust.json',
          '--principal',
          SLAVE_SESSION,
          '--role-arn',
          'arn:aws:iam::22222222222:role/jenkins',
        ],
        /--role-arn .* is not a role ARN/,
      ],
      [
        [
          '--trust-policy',
          'seed000-jenkins-trust.json',
          '--principal',
          SLAVE_SESSION,
          '--role-arn',
          JENKINS,
          '--context',
          'novalue',
        ],
        /--context expects KEY=VALUE/,
      ],
      [
        [
          '--trust-policy',
          'seed000-jenkins-trust.json',
          '--principal',
          SLAVE_SESSION,
          '--role-arn',
          JENKINS,
          '--format',
          'xml',
        ],
        /--format must be json or text/,
      ],
      [['--trust-policy', 'seed000-jenkins-trust.json', '--bogus'], /Unknown option '--bogus'/],
      [
        [
          '--trust-policy',
          'seed000-jenkins-trust.json',
          '--principal',
          SLAVE_SESSION,
          '--role-arn',
          JENKINS,
          '--identity-policy',
          'seed000-jenkins-policy.json',
        ],
        /--identity-policy .*trailing comma/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      assert.equal(r.code, 'usage-error', args.join(' '));
      assert.match(r.message ?? '', message);
      assert.ok(!(r.message ?? '').includes('\n'), 'one line');
      assert.equal(r.io.out, '');
    }
  });

  it('a root principal is denied with the reason: STS refuses AssumeRole with root user credentials', async () => {
    const base = [
      '--trust-policy',
      'seed000-jenkins-trust.json',
      '--principal',
      'arn:aws:iam::111111111111:root',
      '--role-arn',
      JENKINS,
      '--context',
      'sts:ExternalId=7KAXZ44tHx8mKsPxZnCi2X6Yz',
    ];
    const json = await run([...base, '--format', 'json']);
    assert.equal(json.code, 0);
    const out = JSON.parse(json.io.out) as { decision: string; reasons: Array<{ detail: string }> };
    assert.equal(
      out.decision,
      'deny',
      'the trust policy names the account, but the root user itself cannot call AssumeRole',
    );
    assert.match(out.reasons[0].detail, /account root user: STS refuses AssumeRole with root user credentials/);
    const text = await run(base);
    assert.match(text.io.out, /^DENY: /);
  });

  it('--help prints usage and exits 0', async () => {
    const r = await run(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.io.out, /rolecall explain --trust-policy FILE/);
  });

  it('parses context pairs: repeated keys (any case) are multi-valued, values may hold "="', () => {
    assert.deepEqual(parseContextPairs(['a:b=1', 'A:B=2', 'c:d=x=y', 'aws:PrincipalTag/cost center=42']), {
      'a:b': ['1', '2'],
      'c:d': 'x=y',
      'aws:PrincipalTag/cost center': '42',
    });
    assert.throws(() => parseContextPairs(['ExternalId=x']), /not a condition key/);
  });
});
