// `impact` equals the difference between two scans, for every role of a generated workspace (bench/generate.mjs)
// and five kinds of change each: a statement removed, the ExternalId rotated, MFA added, the principal
// narrowed, MaxSessionDuration lowered. The second scan reads a re-parsed, edited snapshot (impactOracle.ts).
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnalysisContext, FileAnalysis } from '../../../../src/core/analyze';
import { impactOf } from '../../../../src/core/iam/impact';
import { analyseFiles, scanInputs } from '../../../../src/cli/scan';
import { recordingIo } from '../../cli/helpers';
import { CHANGE_KINDS, changedReader, diffScans, scanErrors, usageKey } from './impactOracle';

const importPlain = (path: string): Promise<any> => import(path);
// The unit suite runs a small workspace; ROLECALL_IMPACT_FILES=1000 ROLECALL_IMPACT_ROLES=200 runs the full one
// (1,000 changes, each compared with a whole second scan: minutes).
const FILES = Number(process.env.ROLECALL_IMPACT_FILES ?? 200);
const ROLES = Number(process.env.ROLECALL_IMPACT_ROLES ?? 20);

describe(`rolecall impact = the difference of two scans (generated workspace: ${FILES} files, every one of ${ROLES} roles, 5 changes each)`, function () {
  this.timeout(Math.max(60000, FILES * ROLES * 20));
  let dir: string;
  let gen: any;
  let ws: any;
  let analyses: FileAnalysis[];
  let ctx: AnalysisContext;
  let snapshots: Array<{ file: string; data: any }>;

  before(async () => {
    gen = await importPlain(join(__dirname, '..', '..', '..', '..', 'bench', 'generate.mjs'));
    dir = mkdtempSync(join(tmpdir(), 'rolecall-impact-'));
    ws = gen.generateWorkspace(dir, FILES, ROLES);
    const inputs = await scanInputs(
      { config: '.rolecall.json', 'iam-snapshot': ws.snapshots },
      ['services'],
      recordingIo(dir),
    );
    ({ analyses } = await analyseFiles(inputs, { trust: false }));
    ctx = inputs.ctx;
    snapshots = ws.snapshots.map((file: string) => ({ file, data: JSON.parse(readFileSync(file, 'utf8')) }));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reports exactly the usages whose errors the change adds or removes, with those codes', async () => {
    const before = await scanErrors(analyses, { ...ctx });
    let impactMs = 0;
    let nonEmpty = 0;
    let cases = 0;
    const kinds = new Map<string, number>();
    for (const role of ws.roles) {
      for (const kind of CHANGE_KINDS) {
        const { reader, change } = changedReader(snapshots, role.arn, kind, gen.CONTROLLER_ROLE);
        const expected = diffScans(before, await scanErrors(analyses, { ...ctx, iam: reader }));
        const t0 = performance.now();
        const impact = await impactOf(analyses, ctx, change);
        impactMs += performance.now() - t0;
        const got = {
          breaks: new Map(
            impact.breaks.map((u) => [usageKey(u.usage.file, u.usage.anchor.start), u.codesAdded as string[]]),
          ),
          fixes: new Map(
            impact.fixes.map((u) => [usageKey(u.usage.file, u.usage.anchor.start), u.codesRemoved as string[]]),
          ),
        };
        const what = `${role.name} / ${kind}`;
        assert.deepEqual(got.breaks, expected.breaks, `${what}: breaks`);
        assert.deepEqual(got.fixes, expected.fixes, `${what}: fixes`);
        assert.equal(impact.unchanged, expected.unchanged, `${what}: unchanged`);
        cases++;
        if (expected.breaks.size + expected.fixes.size > 0) {
          nonEmpty++;
          kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        }
      }
    }
    // The comparison means something only if changes do break and fix usages, for each kind of trust change.
    assert.ok(nonEmpty > cases / 3, `${nonEmpty} of ${cases} changes alter some usage`);
    for (const kind of CHANGE_KINDS.filter((k) => k !== 'max-session-lowered'))
      assert.ok((kinds.get(kind) ?? 0) > 0, `${kind} never altered a usage`);
    const usages = analyses.reduce((n, a) => n + a.usages.length, 0);
    console.log(
      `      impact over ${usages} usages: ${cases} changes in ${impactMs.toFixed(0)} ms (${(impactMs / cases).toFixed(2)} ms per change)`,
    );
  });
});
