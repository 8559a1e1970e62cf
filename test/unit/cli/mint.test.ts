// `rolecall mint` / `rolecall snapshot` argument handling, in-process (STS itself is covered by the
// integration tests against moto).
import { strict as assert } from 'node:assert';
import { parseMintArgs, runMint } from '../../../src/cli/mint';
import { runSnapshot } from '../../../src/cli/snapshot';
import { UsageError } from '../../../src/cli/io';
import type { CliIo } from '../../../src/cli/io';

function io(): CliIo & { out: string; err: string } {
  const state = { out: '', err: '' };
  return Object.assign(state, {
    stdout: (t: string) => void (state.out += t),
    stderr: (t: string) => void (state.err += t),
    cwd: process.cwd(),
    env: {},
  });
}

describe('rolecall mint arguments', () => {
  it('parses the contract flags into a request', () => {
    const args = parseMintArgs([
      '--role-arn',
      'arn:aws:iam::222222222222:role/jenkins',
      '--external-id',
      'abc123',
      '--duration',
      '900',
      '--session-name',
      'jenkins-session',
      '--serial-number',
      'arn:aws:iam::111111111111:mfa/alice',
      '--token-code',
      '012345',
      '--profile',
      'hub',
      '--region',
      'eu-west-1',
      '--endpoint-url',
      'http://127.0.0.1:5000',
      '--format',
      'credential-process',
    ]);
    assert.deepEqual(args.request, {
      roleArn: 'arn:aws:iam::222222222222:role/jenkins',
      externalId: 'abc123',
      durationSeconds: 900,
      roleSessionName: 'jenkins-session',
      mfaSerial: 'arn:aws:iam::111111111111:mfa/alice',
      tokenCode: '012345',
    });
    assert.equal(args.format, 'credential-process');
    assert.equal(args.profile, 'hub');
    assert.equal(args.endpointUrl, 'http://127.0.0.1:5000');
  });

  it('without --role-arn ⇒ GetSessionToken (roleArn null); default format env', () => {
    const args = parseMintArgs(['--duration', '900']);
    assert.equal(args.request.roleArn, null);
    assert.equal(args.format, 'env');
  });

  const bad: Array<[string[], RegExp]> = [
    [
      ['--token-code', '12345', '--serial-number', 'arn:aws:iam::111111111111:mfa/a'],
      /--token-code must be exactly 6 digits/,
    ],
    [['--token-code', '1234567', '--serial-number', 'arn:aws:iam::111111111111:mfa/a'], /exactly 6 digits/],
    [['--token-code', 'abcdef'], /exactly 6 digits .*, or - to read it from standard input/],
    [['--external-id', 'a1', '--external-id-env', 'EXT'], /do not go together/],
    [['--external-id-env', 'not a name'], /expects an environment variable name/],
    [['--force'], /--force goes with --write-profile NAME/],
    [['--duration', '15m'], /whole number of seconds/],
    [['--format', 'yaml'], /--format must be one of env, json, credential-process, ini/],
    [['--role'], /Unknown option|unknown/i],
    [['extra'], /positional|Unexpected argument/i],
    [['--endpoint-url', 'localhost:5000'], /http\(s\) URL/],
    [['--write-profile', 'a b'], /invalid profile name/],
  ];
  for (const [argv, message] of bad) {
    it(`rejects ${argv.join(' ')} as bad usage`, () => {
      assert.throws(
        () => parseMintArgs(argv),
        (e: unknown) => e instanceof UsageError && message.test(e.message) && !e.message.includes('\n'),
      );
    });
  }

  it('values STS would refuse are bad usage (exit 2 via UsageError) before any call', async () => {
    for (const argv of [
      ['--role-arn', 'arn:aws:iam::22222222222:role/jenkins'],
      ['--role-arn', 'arn:aws:iam::222222222222:role/jenkins', '--session-name', 'bob admin'],
      ['--role-arn', 'arn:aws:iam::222222222222:role/jenkins', '--duration', '600'],
      ['--duration', '200000'],
      ['--external-id', 'x'],
    ]) {
      // An endpoint nobody listens on: reaching STS would fail differently (exit 1).
      await assert.rejects(
        runMint([...argv, '--endpoint-url', 'http://127.0.0.1:9'], io()),
        (e: unknown) => e instanceof UsageError,
        argv.join(' '),
      );
    }
  });

  it('--token-code alone is accepted: the device is looked up (config, then IAM) at run time', () => {
    const args = parseMintArgs(['--token-code', '123456']);
    assert.equal(args.request.tokenCode, '123456');
    assert.equal(args.request.mfaSerial, undefined);
  });

  it('--help prints the usage and exits 0', async () => {
    const out = io();
    assert.equal(await runMint(['--help'], out), 0);
    assert.match(out.out, /^Usage: rolecall mint/);
    const snap = io();
    assert.equal(await runSnapshot(['--help'], snap), 0);
    assert.match(snap.out, /^Usage: rolecall snapshot --out FILE/);
  });

  it('snapshot needs --out or --check', async () => {
    await assert.rejects(
      runSnapshot([], io()),
      (e: unknown) =>
        e instanceof UsageError &&
        /--out FILE \(write a snapshot\) or --check FILE \(check one\) is required/.test(e.message),
    );
    await assert.rejects(
      runSnapshot(['--out', 'x.json', '--check', 'y.json'], io()),
      (e: unknown) => e instanceof UsageError && /do not go together/.test(e.message),
    );
    await assert.rejects(runSnapshot(['--out', 'x.json', '--bogus'], io()), (e: unknown) => e instanceof UsageError);
  });
});

describe('rolecall mint: secrets off the command line', () => {
  // An endpoint nobody listens on: reaching STS is exit 1 (network), bad input is a UsageError before any call.
  const NOWHERE = ['--endpoint-url', 'http://127.0.0.1:9'];
  const ROLE = ['--role-arn', 'arn:aws:iam::222222222222:role/jenkins'];

  it('--serial-number without --token-code: bad usage without a terminal, a prompt with one', async () => {
    await assert.rejects(
      runMint([...ROLE, '--serial-number', 'arn:aws:iam::111111111111:mfa/a', ...NOWHERE], io()),
      (e: unknown) =>
        e instanceof UsageError &&
        /needs --token-code .*or - to read it from standard input\); on a terminal the code is asked for/.test(
          e.message,
        ),
    );
    const asked: string[] = [];
    const tty = Object.assign(io(), { prompt: async (q: string) => (asked.push(q), '123456') });
    // The prompt answers, then STS is unreachable: exit 1, and the question named the device and the role.
    assert.equal(await runMint([...ROLE, '--serial-number', 'arn:aws:iam::111111111111:mfa/a', ...NOWHERE], tty), 1);
    assert.deepEqual(asked, [
      'MFA code from arn:aws:iam::111111111111:mfa/a to assume arn:aws:iam::222222222222:role/jenkins: ',
    ]);
    const cancelled = Object.assign(io(), { prompt: async () => undefined });
    await assert.rejects(
      runMint([...ROLE, '--serial-number', 'arn:aws:iam::111111111111:mfa/a', ...NOWHERE], cancelled),
      (e: unknown) => e instanceof UsageError && /cancelled/.test(e.message),
    );
  });

  it('--token-code - reads the code from standard input; anything but 6 digits there is bad usage', async () => {
    const withStdin = (line: string) => Object.assign(io(), { readLine: async () => line });
    assert.equal(
      await runMint(
        [...ROLE, '--serial-number', 'arn:aws:iam::111111111111:mfa/a', '--token-code', '-', ...NOWHERE],
        withStdin('654321\n'),
      ),
      1,
      'read, then STS unreachable',
    );
    for (const line of ['65432', 'abcdef', '']) {
      await assert.rejects(
        runMint(
          [...ROLE, '--serial-number', 'arn:aws:iam::111111111111:mfa/a', '--token-code', '-', ...NOWHERE],
          withStdin(line),
        ),
        (e: unknown) =>
          e instanceof UsageError &&
          /standard input must start with the 6-digit MFA code/.test(e.message) &&
          (line === '' || !e.message.includes(line)),
      );
    }
  });

  it('--external-id-env VAR reads the ExternalId from the environment and never prints it', async () => {
    const out = Object.assign(io(), { env: { RC_EXT: 'x' } });
    // A 1-character ExternalId is refused before any call: proof the value was read from the variable.
    await assert.rejects(
      runMint([...ROLE, '--external-id-env', 'RC_EXT', ...NOWHERE], out),
      (e: unknown) => e instanceof UsageError && /ExternalId/.test(e.message),
    );
    await assert.rejects(
      runMint([...ROLE, '--external-id-env', 'RC_MISSING', ...NOWHERE], io()),
      (e: unknown) => e instanceof UsageError && /environment variable RC_MISSING is not set/.test(e.message),
    );
    const good = Object.assign(io(), { env: { RC_EXT: 'secret-external-id-42' } });
    assert.equal(await runMint([...ROLE, '--external-id-env', 'RC_EXT', ...NOWHERE], good), 1);
    assert.ok(!good.err.includes('secret-external-id-42') && !good.out.includes('secret-external-id-42'), good.err);
  });
});
