// Workspace scale: a generated workspace of 1,000 Jenkinsfiles referencing 200 roles in five accounts.
//  1. `rolecall scan` (dist/cli.js) with offline snapshots: wall time and peak RSS of the CLI process.
//  2. The same scan with --live against a local moto IAM emulator seeded with the 200 roles (the hub
//     account from its snapshot): GetRole calls counted by a proxy in front of moto. Target: exactly 200.
//     Skipped in --short. Without moto the row says so.
//  3. The same live reading in-process with every file analysed at once (Promise.all over 1,000 files),
//     so 3,000 lookups of 200 roles race: GetRole must still be exactly 200 (request coalescing).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateWorkspace, HUB_ACCOUNT, TARGET_ACCOUNTS } from '../generate.mjs';
import { loadEngine, ROOT } from '../lib/engine.mjs';
import { run, tail } from '../lib/proc.mjs';
import { FAKE_SECRET, fakeKeyFor, findMoto, seedRoles, startCountingProxy, startMoto } from '../lib/moto.mjs';
import { SHORT, progress, runMeasurement } from '../lib/child.mjs';

const FILES = SHORT ? 200 : 1000;
const ROLES = 200;
const CLI = join(ROOT, 'dist', 'cli.js');

async function scan(dir, args, env = {}) {
  const rssFile = join(dir, `rss-${Math.random().toString(36).slice(2)}.json`);
  const r = await run(
    process.execPath,
    [
      '-r',
      join(ROOT, 'bench', 'lib', 'maxrss.cjs'),
      CLI,
      'scan',
      'services',
      '--config',
      '.rolecall.json',
      '--format',
      'json',
      ...args,
    ],
    {
      cwd: dir,
      env: { BENCH_MAXRSS_FILE: rssFile, ...env },
      timeoutMs: 600_000,
    },
  );
  if (r.code !== 0 && r.code !== 1)
    throw new Error(`rolecall scan exited ${r.code}${r.timedOut ? ' (timed out)' : ''}: ${tail(r.stderr)}`);
  let out;
  try {
    out = JSON.parse(r.stdout);
  } catch {
    throw new Error(`rolecall scan printed no JSON: ${tail(r.stderr + r.stdout)}`);
  }
  const rss = JSON.parse(readFileSync(rssFile, 'utf8'));
  return {
    ms: r.ms,
    maxRssMiB: rss.maxRssKiB / 1024,
    usages: out.usages?.length ?? 0,
    findings: out.findings?.length ?? 0,
    errors: out.errors?.length ?? 0,
    codes: countCodes(out.findings ?? []),
  };
}

function countCodes(findings) {
  const c = {};
  for (const f of findings) c[f.code] = (c[f.code] ?? 0) + 1;
  return c;
}

/** Analyses every pipeline of the workspace concurrently against a fresh live reader (hub from its snapshot). */
async function concurrentLiveScan(ws, proxyPort) {
  const engine = await loadEngine(['analyze', 'config', 'snapshot', 'composite', 'aws']);
  const hubText = readFileSync(ws.hubSnapshot, 'utf8');
  const parsed = engine.snapshot.parseSnapshot(ws.hubSnapshot, hubText);
  if (!parsed.snapshot) throw new Error(`hub snapshot does not parse: ${parsed.error}`);
  const readerCounts = {};
  const live = await engine.aws.createLiveIamReader({
    region: 'us-east-1',
    endpointUrl: `http://127.0.0.1:${proxyPort}`,
    credentials: { accessKeyId: fakeKeyFor(HUB_ACCOUNT), secretAccessKey: FAKE_SECRET },
    accountCredentials: Object.fromEntries(
      TARGET_ACCOUNTS.map((a) => [a, { accessKeyId: fakeKeyFor(a), secretAccessKey: FAKE_SECRET }]),
    ),
    onRequest: (event) => {
      readerCounts[event.operation] = (readerCounts[event.operation] ?? 0) + 1;
    },
  });
  const iam = new engine.composite.CompositeIamReader([new engine.snapshot.SnapshotIamReader([parsed.snapshot]), live]);
  const config = engine.config.configFrom(JSON.parse(readFileSync(ws.configFile, 'utf8')), ws.pipelineDir).config;
  const ctx = { config, caller: null, params: {}, credentials: {}, iam };
  const files = readdirSync(ws.pipelineDir).map((d) => join(ws.pipelineDir, d, 'Jenkinsfile'));
  const texts = files.map((f) => readFileSync(f, 'utf8'));
  const t = performance.now();
  const results = await Promise.all(files.map((f, i) => engine.analyze.analyzeFile(f, texts[i], ctx)));
  const ms = performance.now() - t;
  return {
    ms,
    usages: results.reduce((n, r) => n + r.usages.length, 0),
    findings: results.reduce((n, r) => n + r.findings.length, 0),
    readerCounts,
  };
}

await runMeasurement(
  [
    ['scan-offline', 'Workspace scan'],
    ['scan-live-getrole', 'Live scan GetRole calls'],
    ['scan-live-concurrent', 'Concurrent live scan GetRole calls'],
  ],
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolecall-bench-ws-'));
    const rows = [];
    try {
      const ws = generateWorkspace(dir, FILES, ROLES);
      const snapshotArgs = ws.snapshots.flatMap((s) => ['--iam-snapshot', s]);
      progress(
        `generated ${FILES} pipelines referencing ${ROLES} roles in ${TARGET_ACCOUNTS.length} accounts under ${dir}`,
      );
      const offline = await scan(dir, snapshotArgs);
      progress(
        `offline scan: ${(offline.ms / 1000).toFixed(2)} s, peak RSS ${offline.maxRssMiB.toFixed(0)} MiB, ${offline.usages} usages, ${offline.findings} findings, ${offline.errors} errors`,
      );
      const expected = FILES * 3;
      rows.push({
        id: 'scan-offline',
        label: `Scan ${FILES} Jenkinsfiles, ${ROLES} roles (snapshots)`,
        value: offline.ms / 1000,
        unit: 's',
        extra: {
          peakRssMiB: offline.maxRssMiB,
          usages: offline.usages,
          findings: offline.findings,
          errors: offline.errors,
          findingCodes: offline.codes,
        },
        // No peer scans workspaces the same way: the gate only catches the pathological (> 100 ms per file).
        gate: { of: 'value', op: '<=', value: FILES * 0.1 },
        status: offline.usages === expected ? 'measured' : 'broken',
        note: `rolecall scan --format json (one CLI process, ${(offline.ms / FILES).toFixed(1)} ms per file): peak RSS ${offline.maxRssMiB.toFixed(0)} MiB; ${offline.usages} usages (expected ${expected}), ${offline.findings} findings, ${offline.errors} file errors`,
      });
      rows.push({
        id: 'scan-peak-rss',
        label: `Scan ${FILES} Jenkinsfiles: peak memory (RSS)`,
        value: offline.maxRssMiB,
        unit: 'MiB',
        status: 'measured',
        note: 'process.resourceUsage().maxRSS of the CLI process at exit (high-water mark)',
      });

      if (SHORT) {
        rows.push({
          id: 'scan-live-getrole',
          label: 'Live scan: GetRole calls',
          status: 'not-measured',
          note: 'skipped in --short (needs the moto emulator); the full run measures it',
        });
        rows.push({
          id: 'scan-live-concurrent',
          label: 'Concurrent live scan: GetRole calls',
          status: 'not-measured',
          note: 'skipped in --short (needs the moto emulator)',
        });
        return rows;
      }
      const moto = await findMoto();
      if (!moto.bin) {
        rows.push({
          id: 'scan-live-getrole',
          label: 'Live scan: GetRole calls',
          status: 'not-measured',
          note: moto.reason,
        });
        rows.push({
          id: 'scan-live-concurrent',
          label: 'Concurrent live scan: GetRole calls',
          status: 'not-measured',
          note: moto.reason,
        });
        return rows;
      }
      // A failure of the live part leaves the offline rows standing and marks only the live rows broken.
      try {
        const server = await startMoto(moto.bin);
        const proxy = await startCountingProxy(server.port, [HUB_ACCOUNT, ...TARGET_ACCOUNTS]);
        try {
          await seedRoles(server.port, ws.roles);
          progress(`moto on :${server.port} seeded with ${ws.roles.length} roles; counting proxy on :${proxy.port}`);
          // One fake profile per target account; the hub account comes from its snapshot.
          const credentials = [HUB_ACCOUNT, ...TARGET_ACCOUNTS]
            .map((a) => `[bench-${a}]\naws_access_key_id = ${fakeKeyFor(a)}\naws_secret_access_key = ${FAKE_SECRET}\n`)
            .join('\n');
          const credFile = join(dir, 'aws-credentials');
          const configFile = join(dir, 'aws-config');
          writeFileSync(credFile, credentials, { mode: 0o600 });
          writeFileSync(
            configFile,
            [HUB_ACCOUNT, ...TARGET_ACCOUNTS].map((a) => `[profile bench-${a}]\nregion = us-east-1\n`).join('\n'),
            { mode: 0o600 },
          );
          const env = {
            AWS_SHARED_CREDENTIALS_FILE: credFile,
            AWS_CONFIG_FILE: configFile,
            AWS_ACCESS_KEY_ID: '',
            AWS_SECRET_ACCESS_KEY: '',
            AWS_SESSION_TOKEN: '',
            AWS_PROFILE: '',
            AWS_EC2_METADATA_DISABLED: 'true',
          };
          const liveArgs = [
            '--iam-snapshot',
            ws.hubSnapshot,
            '--live',
            '--profile',
            `bench-${HUB_ACCOUNT}`,
            '--region',
            'us-east-1',
            '--endpoint-url',
            `http://127.0.0.1:${proxy.port}`,
            ...TARGET_ACCOUNTS.flatMap((a) => ['--account-profile', `${a}=bench-${a}`]),
          ];
          const live = await scan(dir, liveArgs, env);
          const getRole = Object.values(proxy.counts).reduce((n, ops) => n + (ops.GetRole ?? 0), 0);
          const perAccount = Object.entries(proxy.counts)
            .map(
              ([a, ops]) =>
                `${a}: ${Object.entries(ops)
                  .map(([op, n]) => `${op}×${n}`)
                  .join(' ')}`,
            )
            .join('; ');
          progress(
            `live scan: ${(live.ms / 1000).toFixed(2)} s, peak RSS ${live.maxRssMiB.toFixed(0)} MiB, GetRole ${getRole}; ${perAccount}`,
          );
          rows.push({
            id: 'scan-live-getrole',
            label: `Live scan: GetRole calls (${ROLES} roles)`,
            value: getRole,
            unit: 'calls',
            target: { of: 'value', op: '==', value: ROLES },
            gate: { of: 'value', op: '<=', value: ROLES * 2 },
            status: live.usages === FILES * 3 ? 'measured' : 'broken',
            extra: {
              seconds: live.ms / 1000,
              peakRssMiB: live.maxRssMiB,
              calls: proxy.counts,
              usages: live.usages,
              findings: live.findings,
              findingCodes: live.codes,
            },
            note: `rolecall scan --live against moto (counted by a proxy): ${(live.ms / 1000).toFixed(2)} s, peak RSS ${live.maxRssMiB.toFixed(0)} MiB; ${perAccount}; ${live.usages} usages, ${live.findings} findings (offline: ${offline.findings})`,
          });

          proxy.reset();
          const concurrent = await concurrentLiveScan(ws, proxy.port);
          const getRole2 = Object.values(proxy.counts).reduce((n, ops) => n + (ops.GetRole ?? 0), 0);
          progress(
            `concurrent live scan: ${(concurrent.ms / 1000).toFixed(2)} s, GetRole ${getRole2} at the proxy (${concurrent.readerCounts.GetRole ?? 0} by the reader's own count), ${concurrent.usages} usages, ${concurrent.findings} findings`,
          );
          rows.push({
            id: 'scan-live-concurrent',
            label: `Live, ${FILES} files analysed at once: GetRole calls`,
            value: getRole2,
            unit: 'calls',
            target: { of: 'value', op: '==', value: ROLES },
            gate: { of: 'value', op: '<=', value: ROLES * 2 },
            status: concurrent.usages === FILES * 3 ? 'measured' : 'broken',
            extra: {
              seconds: concurrent.ms / 1000,
              calls: proxy.counts,
              readerCounts: concurrent.readerCounts,
              usages: concurrent.usages,
              findings: concurrent.findings,
            },
            note: `in-process Promise.all over ${FILES} analyzeFile calls (${concurrent.usages} usages racing for ${ROLES} roles) in ${(concurrent.ms / 1000).toFixed(2)} s; the proxy counted ${getRole2} GetRole, the reader's onRequest ${concurrent.readerCounts.GetRole ?? 0}; ${concurrent.findings} findings`,
          });
        } finally {
          await proxy.stop();
          server.stop();
        }
      } catch (error) {
        process.stderr.write(`${error?.stack ?? error}\n`);
        const reason = `live scan against moto failed: ${error?.message ?? error}`;
        for (const [id, label] of [
          ['scan-live-getrole', 'Live scan: GetRole calls'],
          ['scan-live-concurrent', 'Concurrent live scan: GetRole calls'],
        ]) {
          if (!rows.some((r) => r.id === id)) rows.push({ id, label, status: 'broken', note: reason });
        }
      }
      return rows;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
