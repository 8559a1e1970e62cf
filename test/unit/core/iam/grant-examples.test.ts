// `rolecall grant` on every failing usage of the bundled examples/: the change it prints, applied to the IAM
// snapshots by hand (an independent edit of the JSON), makes a re-scan drop the usage's trust, ExternalId,
// MFA and duration errors; and the statement lets in nobody else: another principal of the caller's account,
// or the same caller without its ExternalId or MFA, is denied by `rolecall explain`.
import { strict as assert } from 'node:assert';
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../../src/cli/main';
import { OWNER_FIXABLE } from '../../../../src/core/iam/grant';
import { recordingIo } from '../../cli/helpers';
import { applyGrant, roleEntry, trustOf, type Snapshot } from './snapshotEdit';

const EXAMPLES = join(__dirname, '..', '..', '..', '..', 'examples');
const CREDS = 'jenkins-credentials.example.json';

async function run(cwd: string, ...args: string[]) {
  const io = recordingIo(cwd);
  const code = await main(args, io);
  return { code, out: io.out, err: io.err };
}

function copyExamples(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-grant-'));
  cpSync(EXAMPLES, dir, { recursive: true });
  chmodSync(join(dir, CREDS), 0o600);
  return dir;
}

function loadSnapshots(dir: string): Array<{ file: string; data: Snapshot }> {
  return readdirSync(join(dir, 'iam')).map((f) => ({
    file: join(dir, 'iam', f),
    data: JSON.parse(readFileSync(join(dir, 'iam', f), 'utf8')),
  }));
}

/** Another principal of the same kind in the caller's account (never the caller itself). */
function otherPrincipal(arn: string): string {
  const account = arn.split(':')[4];
  return arn.includes(':user/')
    ? `arn:aws:iam::${account}:user/rolecall-someone-else`
    : `arn:aws:iam::${account}:role/rolecall-someone-else`;
}

describe('rolecall grant on the examples/ workspace', function () {
  this.timeout(60000);
  let dir: string;
  let scanned: any;
  const grants: any[] = [];

  before(async () => {
    dir = copyExamples();
    const r = await run(dir, 'scan', '.', '--format', 'json', '--credentials-file', CREDS);
    scanned = JSON.parse(r.out);
    const failing = new Set<string>(
      scanned.findings.filter((f: any) => f.severity === 'error' && !f.file.startsWith('iam/')).map((f: any) => f.file),
    );
    for (const file of [...failing].sort()) {
      const g = await run(dir, 'grant', file, '--format', 'json', '--credentials-file', CREDS);
      assert.ok(g.code === 0 || g.code === 1, `grant ${file}: exit ${g.code}: ${g.err}`);
      grants.push(...JSON.parse(g.out).grants);
    }
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives a grant for every usage with an error', () => {
    const failing = new Set(
      scanned.findings
        .filter((f: any) => f.severity === 'error' && !f.file.startsWith('iam/'))
        .map((f: any) => `${f.file}:${f.line}:${f.column}`),
    );
    assert.deepEqual(new Set(grants.map((g) => `${g.usage.file}:${g.usage.line}:${g.usage.column}`)), failing);
    assert.ok(grants.filter((g) => g.trustStatement).length >= 6, 'most failing examples get a trust statement');
  });

  it("after adding each grant, a re-scan reports none of the usage's trust, ExternalId, MFA or duration errors (and exactly the errors the grant predicts)", async () => {
    let applied = 0;
    let refused = 0;
    for (const grant of grants) {
      if (!grant.trustStatement && !grant.identityStatement && !grant.roleChanges.MaxSessionDuration) continue;
      if (!grant.verified) continue; // a role not in the IAM data (role-not-found): nothing to apply it to
      const copy = copyExamples();
      try {
        const snapshots = loadSnapshots(copy);
        applyGrant(
          snapshots.map((s) => s.data),
          grant,
          grant.usage.roleArn,
        );
        for (const s of snapshots) writeFileSync(s.file, JSON.stringify(s.data, null, 2));
        const r = await run(
          copy,
          'scan',
          grant.usage.file,
          '--config',
          '.rolecall.json',
          '--format',
          'json',
          '--credentials-file',
          CREDS,
        );
        const after = JSON.parse(r.out)
          .findings.filter(
            (f: any) =>
              f.file === grant.usage.file &&
              f.line === grant.usage.line &&
              f.column === grant.usage.column &&
              f.severity === 'error',
          )
          .map((f: any) => f.code);
        const where = `${grant.usage.file}:${grant.usage.line}`;
        assert.deepEqual(
          [...new Set(after)].sort(),
          grant.errorsAfter,
          `${where}: the grant's prediction matches the re-scan`,
        );
        let ownerLeft = after.filter((c: string) => OWNER_FIXABLE.includes(c as never));
        // A trust policy IAM refuses as stored (seed 001's arn:aws:iam:::root) lets nobody in until its owner
        // corrects it: the grant must say so (exit 1), and then the statement is all the call needs.
        if (grant.notes.some((n: string) => n.includes('a document IAM refuses'))) {
          assert.equal(grant.sufficient, false);
          refused++;
          const fixedCopy = copyExamples();
          try {
            const fixedSnapshots = loadSnapshots(fixedCopy);
            const entry = roleEntry(
              fixedSnapshots.map((s) => s.data),
              grant.usage.roleArn,
            );
            const policy = trustOf(entry);
            policy.Statement = [grant.trustStatement]; // the refused statement corrected away, the grant added
            entry.AssumeRolePolicyDocument = policy;
            for (const s of fixedSnapshots) writeFileSync(s.file, JSON.stringify(s.data, null, 2));
            const again = await run(
              fixedCopy,
              'scan',
              grant.usage.file,
              '--config',
              '.rolecall.json',
              '--format',
              'json',
              '--credentials-file',
              CREDS,
            );
            ownerLeft = JSON.parse(again.out)
              .findings.filter(
                (f: any) => f.file === grant.usage.file && f.line === grant.usage.line && f.severity === 'error',
              )
              .map((f: any) => f.code);
          } finally {
            rmSync(fixedCopy, { recursive: true, force: true });
          }
        }
        // Only what the notes give to the pipeline may stay: a role chain asks for more than one hour.
        for (const code of ownerLeft) {
          assert.equal(code, 'duration-exceeds-max', `${where}: ${code} is left after the grant`);
          assert.ok(
            after.includes('role-chaining-duration') && grant.notes.some((n: string) => n.includes('3600')),
            `${where}: a duration left only for a role chain`,
          );
        }
        applied++;
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    }
    assert.ok(applied >= 6, `applied ${applied} grants`);
    assert.equal(refused, 1, "seed 001's developer role has the one trust policy IAM refuses");
  });

  it("the statement lets in only this call: another principal of the caller's account, or no ExternalId / MFA, is denied by explain", async () => {
    let checked = 0;
    for (const grant of grants.filter((g) => g.trustStatement)) {
      const policyFile = join(dir, 'granted-trust.json');
      writeFileSync(policyFile, JSON.stringify({ Version: '2012-10-17', Statement: [grant.trustStatement] }));
      const principal = grant.trustStatement.Principal.AWS;
      const ext = grant.trustStatement.Condition?.StringEquals?.['sts:ExternalId'];
      const mfa = grant.trustStatement.Condition?.Bool?.['aws:MultiFactorAuthPresent'];
      const pairs = [...(ext ? [`sts:ExternalId=${ext}`] : []), ...(mfa ? ['aws:MultiFactorAuthPresent=true'] : [])];
      const decide = async (who: string, context: string[]) => {
        const r = await run(
          dir,
          'explain',
          '--trust-policy',
          policyFile,
          '--principal',
          who,
          '--role-arn',
          grant.usage.roleArn,
          '--format',
          'json',
          ...context.flatMap((c) => ['--context', c]),
        );
        assert.equal(r.code, 0, r.err);
        return JSON.parse(r.out).decision;
      };
      const without = (prefix: string) => pairs.filter((c) => !c.startsWith(prefix));
      const where = `${grant.usage.file}:${grant.usage.line}`;
      assert.equal(
        await decide(principal, pairs),
        'allow',
        `${where}: the caller with the call's conditions is let in`,
      );
      assert.equal(
        await decide(otherPrincipal(principal), pairs),
        'deny',
        `${where}: another principal of the account`,
      );
      assert.equal(
        await decide(`arn:aws:iam::${principal.split(':')[4]}:root`, pairs),
        'deny',
        `${where}: the account root`,
      );
      if (ext) {
        assert.equal(await decide(principal, without('sts:ExternalId')), 'deny', `${where}: without the ExternalId`);
        assert.equal(
          await decide(principal, [...without('sts:ExternalId'), 'sts:ExternalId=some-other-value']),
          'deny',
          `${where}: with another ExternalId`,
        );
      }
      if (mfa) assert.equal(await decide(principal, without('aws:MultiFactor')), 'deny', `${where}: without MFA`);
      checked++;
    }
    assert.ok(checked >= 6, `checked ${checked} statements`);
  });

  it('never names an account root or "*", and prints the ExternalId only when it was given', () => {
    for (const g of grants.filter((x) => x.trustStatement)) {
      const p = g.trustStatement.Principal.AWS;
      assert.ok(!p.endsWith(':root') && p !== '*', p);
      assert.ok(
        !JSON.stringify(g.trustStatement).includes('7KAXZ44tHx8mKsPxZnCi2X6Yz'),
        "the trust policy's own ExternalId is never copied",
      );
    }
  });
});
