// Re-validates the parser's corpus of valid Groovy with Groovy 2.4 itself (Debian's `groovy`, what
// Jenkins runs): every test/unit/core/syntax/data/ok/*.groovy must compile to the CONVERSION phase. The
// unit tests (test/unit/core/syntax/data.test.ts) assert RoleCall's parser reports no error on the same
// files; this script checks the files really are valid Groovy. Run after adding a file to data/ok/.
//
//   npm run check:groovy-corpus        (needs `apt-get install -y groovy` and a JDK)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OK = join(ROOT, 'test', 'unit', 'core', 'syntax', 'data', 'ok');
const files = readdirSync(OK)
  .filter((f) => f.endsWith('.groovy'))
  .sort()
  .map((f) => join('test', 'unit', 'core', 'syntax', 'data', 'ok', f));

const which = spawnSync('sh', ['-c', 'command -v groovy'], { encoding: 'utf8' });
if (which.status !== 0) {
  console.error(
    "check-groovy-corpus: NOT RUN — groovy is not installed. Install Debian's Groovy 2.4 (`apt-get install -y groovy`) and run again.",
  );
  process.exit(2);
}

// Debian's groovy launcher needs JAVA_HOME when /usr/lib/jvm/default-java is absent.
const env = { ...process.env };
if (!env.JAVA_HOME && !existsSync('/usr/lib/jvm/default-java/bin/java') && existsSync('/usr/lib/jvm')) {
  const jdk = readdirSync('/usr/lib/jvm')
    .sort()
    .find((d) => existsSync(join('/usr/lib/jvm', d, 'bin', 'java')));
  if (jdk) env.JAVA_HOME = join('/usr/lib/jvm', jdk);
}

const version = spawnSync('groovy', ['--version'], { encoding: 'utf8', env });
const line = (version.stdout || version.stderr || '').trim().split('\n').pop();
if (!/Groovy Version: 2\.4\./.test(line)) {
  console.error(
    `check-groovy-corpus: NOT RUN — Groovy 2.4 is the judge (what Jenkins runs), found: ${line || 'no version'}`,
  );
  process.exit(2);
}
console.log(`${line}; ${files.length} files`);
const r = spawnSync('groovy', [join(ROOT, 'scripts', 'groovy', 'check-conversion.groovy'), ...files], {
  cwd: ROOT,
  encoding: 'utf8',
  env,
});
process.stdout.write(r.stdout);
process.stderr.write(r.stderr);
const failed = (r.stdout.match(/^FAIL /gm) ?? []).length;
console.log(
  failed === 0 && r.status === 0
    ? `all ${files.length} files are valid Groovy 2.4`
    : `${failed} of ${files.length} files are not valid Groovy 2.4`,
);
process.exit(r.status === 0 ? 0 : 1);
