// Entry VS Code loads as `extensionTestsPath`: runs the bundled *.test.js files beside it with
// mocha inside the extension host and writes the results where the runner waits for them. The
// runner cannot see this process's console, so results travel through that JSON file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

interface TestResult {
  file: string;
  title: string;
  state: 'passed' | 'failed' | 'skipped';
  ms?: number;
  error?: string;
}

export async function run(): Promise<void> {
  const resultsFile = process.env.ROLECALL_EXTHOST_RESULTS || path.join(__dirname, 'results.json');
  const started = Date.now();
  const results: TestResult[] = [];
  const write = (done: boolean, extra: Record<string, unknown> = {}) =>
    fs.writeFileSync(
      resultsFile + '.tmp',
      JSON.stringify({ done, started, finished: Date.now(), results, ...extra }, null, 2),
    );
  const publish = (done: boolean, extra: Record<string, unknown> = {}) => {
    write(done, extra);
    fs.renameSync(resultsFile + '.tmp', resultsFile);
  };
  try {
    const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
    const grep = process.env.ROLECALL_EXTHOST_GREP;
    if (grep) mocha.grep(grep);
    const files = fs
      .readdirSync(__dirname)
      .filter((f) => f.endsWith('.test.js'))
      .sort();
    for (const f of files) mocha.addFile(path.join(__dirname, f));
    await mocha.loadFilesAsync();
    const failures = await new Promise<number>((resolve) => {
      const runner = mocha.run((n) => resolve(n));
      const fileOf = (t: Mocha.Test) => path.basename(t.file ?? '');
      runner.on('pass', (t) =>
        results.push({ file: fileOf(t), title: t.fullTitle(), state: 'passed', ms: t.duration }),
      );
      runner.on('fail', (t, err: Error) =>
        results.push({
          file: fileOf(t as Mocha.Test),
          title: t.fullTitle(),
          state: 'failed',
          error: `${err?.message ?? err}`.slice(0, 4000),
        }),
      );
      runner.on('pending', (t) => results.push({ file: fileOf(t), title: t.fullTitle(), state: 'skipped' }));
      runner.on('test end', () => write(false));
    });
    publish(true, { failures });
    if (failures > 0) throw new Error(`${failures} extension-host test(s) failed`);
  } catch (err) {
    if (!fs.existsSync(resultsFile)) publish(true, { fatal: `${(err as Error)?.stack ?? err}` });
    throw err;
  }
}
