// Activation time of the bundled extension (dist/extension.js) with a stubbed `vscode` module, each run
// in a fresh Node process (load + activate, as VS Code pays it), and the size of the packaged .vsix.
// Full mode packages first (production build, as shipped); --short uses the development build.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../lib/engine.mjs';
import { median } from '../lib/stats.mjs';
import { run, tail } from '../lib/proc.mjs';
import { SHORT, progress, runMeasurement } from '../lib/child.mjs';

const VSIX = join(ROOT, 'dist', 'rolecall.vsix');

await runMeasurement(
  [
    ['activation', 'Extension activation'],
    ['vsix-size', '.vsix size'],
  ],
  async () => {
    const rows = [];
    let built = false;
    if (!SHORT) {
      progress('npm run package (production build + vsce package)…');
      const pkg = await run('npm', ['run', 'package'], { cwd: ROOT, timeoutMs: 240_000 });
      if (pkg.code === 0 && existsSync(VSIX)) {
        built = true;
        const bytes = statSync(VSIX).size;
        rows.push({
          id: 'vsix-size',
          label: '.vsix size',
          value: bytes / (1024 * 1024),
          unit: 'MB',
          target: { of: 'value', op: '<=', value: 1.5 },
          gate: { of: 'value', op: '<=', value: 5 },
          status: 'measured',
          note: `dist/rolecall.vsix, ${bytes} bytes (npm run package)`,
        });
      } else {
        rows.push({
          id: 'vsix-size',
          label: '.vsix size',
          status: 'broken',
          note: `npm run package failed (exit ${pkg.code}${pkg.timedOut ? ', timed out' : ''}): ${tail(pkg.stderr + pkg.stdout)}`,
        });
      }
    } else {
      rows.push({
        id: 'vsix-size',
        label: '.vsix size',
        status: 'not-measured',
        note: 'skipped in --short (packaging takes too long for CI); the full run measures it',
      });
    }
    if (!built) {
      progress('npm run build…');
      const b = await run('npm', ['run', 'build'], { cwd: ROOT, timeoutMs: 180_000 });
      if (b.code !== 0) {
        rows.unshift({
          id: 'activation',
          label: 'Extension activation',
          status: 'broken',
          note: `npm run build failed (exit ${b.code}): ${tail(b.stderr + b.stdout)}`,
        });
        return rows;
      }
    }

    const runs = SHORT ? 3 : 9;
    const samples = [];
    let last = null;
    for (let i = 0; i < runs + 1; i++) {
      const r = await run(process.execPath, [join(ROOT, 'bench', 'measure', 'activation-once.cjs')], {
        cwd: ROOT,
        timeoutMs: 60_000,
      });
      const line = r.stdout.trim().split('\n').pop() ?? '';
      let parsed;
      try {
        parsed = JSON.parse(line);
      } catch {
        parsed = { error: `no result (exit ${r.code}): ${tail(r.stderr)}` };
      }
      if (parsed.error) {
        rows.unshift({
          id: 'activation',
          label: 'Extension activation',
          status: 'broken',
          note: `activate() failed with the stubbed vscode API: ${parsed.error}`,
        });
        return rows;
      }
      last = parsed;
      if (i > 0) samples.push(parsed); // the first run warms the file cache
    }
    const total = median(samples.map((s) => s.loadMs + s.activateMs));
    const load = median(samples.map((s) => s.loadMs));
    const act = median(samples.map((s) => s.activateMs));
    const registered = Object.entries(last.calls)
      .map(([k, v]) => `${k.replace(/^.*\./, '')}×${v}`)
      .join(', ');
    progress(
      `activation median ${total.toFixed(1)} ms (require ${load.toFixed(1)} + activate ${act.toFixed(1)}); ${registered || 'registered nothing'}`,
    );
    rows.unshift({
      id: 'activation',
      label: `Extension activation (require + activate, ${built ? 'production' : 'dev'} build)`,
      value: total,
      unit: 'ms',
      target: { of: 'value', op: '<=', value: 50 },
      // No peer for activation: the gate only catches the pathological (a second is broken whatever the machine).
      gate: { of: 'value', op: '<=', value: 1000 },
      status: 'measured',
      note: `median of ${runs} fresh processes: require ${load.toFixed(1)} ms + activate() ${act.toFixed(1)} ms; ${last.subscriptions} subscriptions; ${registered || 'the extension registered nothing (placeholder?)'}`,
    });
    return rows;
  },
);
