// grant on every failing usage of a generated workspace (bench/generate.mjs: ExternalId, MFA and principal
// trusts over five accounts): each grant, applied alone to an edited copy of the snapshot JSON, makes a
// re-scan of its file drop the usage's errors, and the statement admits nobody else (explain's evaluator).
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addTrustFindings, type AnalysisContext, type FileAnalysis } from '../../../../src/core/analyze';
import { explainAssumeRole } from '../../../../src/core/iam/evaluate';
import { grantFor, OWNER_FIXABLE, type Grant } from '../../../../src/core/iam/grant';
import { parseSnapshot, SnapshotIamReader } from '../../../../src/core/iam/snapshot';
import { findingsOfUsage } from '../../../../src/cli/grant';
import { analyseFiles, scanInputs } from '../../../../src/cli/scan';
import { recordingIo } from '../../cli/helpers';
import { applyGrant } from './snapshotEdit';

const importPlain = (path: string): Promise<any> => import(path);

describe('rolecall grant on every failing usage of a generated workspace', function () {
  this.timeout(60000);
  let dir: string;
  let analyses: FileAnalysis[];
  let syntax: Map<string, FileAnalysis>;
  let ctx: AnalysisContext;
  let snapshots: Array<{ file: string; data: any }>;
  const grants: Grant[] = [];

  before(async () => {
    const gen = await importPlain(join(__dirname, '..', '..', '..', '..', 'bench', 'generate.mjs'));
    dir = mkdtempSync(join(tmpdir(), 'rolecall-grant-ws-'));
    const ws = gen.generateWorkspace(dir, 150, 40);
    const inputs = await scanInputs(
      { config: '.rolecall.json', 'iam-snapshot': ws.snapshots },
      ['services'],
      recordingIo(dir),
    );
    ({ analyses } = await analyseFiles(inputs));
    syntax = new Map((await analyseFiles(inputs, { trust: false })).analyses.map((a) => [a.file, a]));
    ctx = inputs.ctx;
    snapshots = ws.snapshots.map((file: string) => ({ file, data: JSON.parse(readFileSync(file, 'utf8')) }));
    for (const a of analyses) {
      for (const u of a.usages) {
        const own = findingsOfUsage(u, a.findings);
        if (own.some((f) => f.severity === 'error')) grants.push(await grantFor(u, own, ctx));
      }
    }
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('covers each kind of refusal the workspace has', () => {
    const codes = new Set(grants.flatMap((g) => g.errorsBefore));
    for (const code of ['external-id-missing', 'mfa-required'])
      assert.ok(codes.has(code as never), `no ${code} in the workspace`);
    assert.ok(grants.length >= 50, `${grants.length} failing usages`);
    assert.ok(
      grants.every((g) => g.sufficient && g.verified),
      "every failure here is the role owner's to fix",
    );
  });

  it('each grant alone, applied to the snapshot JSON, leaves the usage without error on a re-scan', async () => {
    let applied = 0;
    for (const g of grants) {
      const copies = snapshots.map((s) => ({ file: s.file, data: JSON.parse(JSON.stringify(s.data)) }));
      applyGrant(
        copies.map((c) => c.data),
        g,
        g.usage.roleArn!,
      );
      const reader = new SnapshotIamReader(copies.map((c) => parseSnapshot(c.file, JSON.stringify(c.data)).snapshot!));
      const base = syntax.get(g.usage.file)!;
      const rescanned = await addTrustFindings({ ...base, findings: [...base.findings] }, { ...ctx, iam: reader });
      const usage = rescanned.usages.find((u) => u.anchor.start === g.usage.anchor.start)!;
      const after = findingsOfUsage(usage, rescanned.findings)
        .filter((f) => f.severity === 'error')
        .map((f) => f.code);
      // A literal ExternalId stays a hardcoded-secret (the pipeline's hygiene, not a refusal).
      assert.deepEqual(
        after,
        g.errorsAfter,
        `${g.usage.file}@${g.usage.anchor.start} (${g.errorsBefore.join(',')}): the grant predicts the re-scan`,
      );
      assert.deepEqual(
        after.filter((c) => c !== 'hardcoded-secret'),
        [],
        `${g.usage.file}@${g.usage.anchor.start} (${g.errorsBefore.join(',')}): still ${after.join(',')}`,
      );
      assert.ok(!after.some((c) => OWNER_FIXABLE.includes(c)));
      applied++;
    }
    assert.equal(applied, grants.length);
  });

  it("the statement lets in only this call: another role of the caller's account, the root, or the call without its ExternalId / MFA is denied", () => {
    for (const g of grants.filter((x) => x.trustStatement)) {
      const st = g.trustStatement!;
      const principal = st.Principal!.AWS;
      const policy = { Version: '2012-10-17', Statement: [st] };
      const context: Record<string, string> = {};
      const ext = st.Condition?.StringEquals?.['sts:ExternalId'];
      if (ext) context['sts:ExternalId'] = ext;
      if (st.Condition?.Bool) context['aws:MultiFactorAuthPresent'] = 'true';
      const decide = (who: string, c: Record<string, string>) =>
        explainAssumeRole({ trustPolicy: policy, roleArn: g.roleArn!, principal: who, context: c }).decision;
      assert.equal(decide(principal, context), 'allow');
      const account = principal.split(':')[4];
      assert.equal(decide(`arn:aws:iam::${account}:role/jenkins-controller-other`, context), 'deny');
      assert.equal(decide(`arn:aws:iam::${account}:root`, context), 'deny');
      if (ext) {
        const { ['sts:ExternalId']: _dropped, ...rest } = context;
        assert.equal(decide(principal, rest), 'deny');
      }
      if (st.Condition?.Bool) {
        const { ['aws:MultiFactorAuthPresent']: _dropped, ...rest } = context;
        assert.equal(decide(principal, rest), 'deny');
      }
    }
    assert.ok(grants.filter((x) => x.trustStatement).length >= 50);
  });
});
