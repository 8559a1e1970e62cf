// Measures RoleCall on a corpus of pipeline files that you downloaded yourself (public Jenkinsfiles,
// shared-library vars/*.groovy and src/**/*.groovy): which files Groovy 2.4 (what Jenkins runs) accepts,
// which of those RoleCall's parser reports a syntax error on (a false error: the target is zero), and
// which AWS credential usages the analysis lists, next to the files whose text names an AWS credential
// step but where no usage was found (to read by hand: a miss, or a mention in a comment or a string).
// No corpus is kept in this repository: public code stays out of it.
//
//   npm run measure:corpus -- DIR [--json] [--no-groovy] [--usages]
//
// DIR: a folder of files (searched recursively; *.groovy, Jenkinsfile*, *.jenkinsfile). A file named
// `owner__repo__path` is counted under the repository `owner/repo`. `--no-groovy` skips the Groovy
// check and treats every file as valid; `--usages` lists every usage found; `--json` prints one JSON
// object instead of the text report. Groovy is installed by `node scripts/setup-groovy.mjs`.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const dir = args.find((a) => !a.startsWith('--'));
if (!dir) {
  console.error('usage: npm run measure:corpus -- DIR [--json] [--no-groovy] [--usages]');
  process.exit(2);
}

const { parse } = await import('../src/core/syntax/parser.ts');
const { analyzeText, decodePipelineText } = await import('../src/core/analyze.ts');
const { defaultConfig } = await import('../src/core/config.ts');

function walk(d) {
  const out = [];
  for (const name of readdirSync(d).sort()) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (/\.groovy$|^Jenkinsfile|\.jenkinsfile$/i.test(name)) out.push(p);
  }
  return out;
}

const files = walk(dir);
const repoOf = (file) => {
  const parts = basename(file).split('__');
  return parts.length >= 3 ? `${parts[0]}/${parts[1]}` : relative(dir, dirname(file)) || '.';
};

/** Groovy 2.4's verdict per file: compiled to the CONVERSION phase (syntax only, no class resolution). */
function groovyVerdicts() {
  const verdict = new Map();
  if (flags.has('--no-groovy')) {
    for (const f of files) verdict.set(f, { ok: true, message: '' });
    return verdict;
  }
  let env;
  try {
    const setup = spawnSync(process.execPath, [join(ROOT, 'scripts', 'setup-groovy.mjs')], { stdio: 'inherit' });
    if (setup.status !== 0) throw new Error('setup-groovy failed');
    env = { ...process.env };
    const java = spawnSync('sh', ['-c', 'readlink -f "$(command -v java)"'], { encoding: 'utf8' }).stdout.trim();
    if (!env.JAVA_HOME && java) env.JAVA_HOME = dirname(dirname(java));
  } catch (error) {
    console.error(`measure-corpus: Groovy 2.4 is the judge of validity and is not available (${error.message});`);
    console.error('install it (node scripts/setup-groovy.mjs) or pass --no-groovy.');
    process.exit(2);
  }
  // One JVM for every file (the script takes a list); a list file keeps long corpora off the command line.
  const tmp = mkdtempSync(join(tmpdir(), 'measure-corpus-'));
  const script = join(tmp, 'check.groovy');
  writeFileSync(
    script,
    readFileSync(join(ROOT, 'scripts', 'groovy', 'check-conversion.groovy'), 'utf8').replace(
      'for (String path : args) {',
      'for (String path : new File(args[0]).readLines()) {',
    ),
  );
  const list = join(tmp, 'files.txt');
  writeFileSync(list, files.join('\n') + '\n');
  const r = spawnSync('groovy', [script, list], { encoding: 'utf8', env, maxBuffer: 1 << 28 });
  rmSync(tmp, { recursive: true, force: true });
  for (const line of r.stdout.split('\n')) {
    const m = /^(ok|FAIL) +(.*?)(?:: (.*))?$/.exec(line);
    if (m && files.includes(m[2])) verdict.set(m[2], { ok: m[1] === 'ok', message: m[3] ?? '' });
  }
  const missing = files.filter((f) => !verdict.has(f));
  if (missing.length > 0) {
    console.error(`measure-corpus: Groovy gave no verdict on ${missing.length} files:\n${r.stderr.slice(0, 2000)}`);
    process.exit(2);
  }
  return verdict;
}

// What a reader would call an AWS credential step, by text (comments included, so it over-counts:
// every file it names with no usage found is for a person to read).
const AWS_TEXT =
  /\bwithAWS\b|AmazonWebServicesCredentialsBinding|\baws(?:Credentials)?\s*\(\s*credentialsId|\bsts\s+(?:assume-role|get-session-token)\b|\bwithVault\b[\s\S]{0,400}\baws\b/;

const verdicts = groovyVerdicts();
const ctx = { config: defaultConfig(), caller: null, params: {}, credentials: {}, iam: null };
const report = {
  files: files.length,
  repositories: new Set(files.map(repoOf)).size,
  validByGroovy: 0,
  validRepositories: 0,
  falseErrors: { files: 0, errors: 0, list: [] },
  usages: { total: 0, assumesRole: 0, noRole: 0, byKind: {}, files: 0 },
  awsTextWithoutUsage: [],
  usageList: [],
};
const validRepos = new Set();
for (const file of files) {
  if (!verdicts.get(file).ok) continue;
  report.validByGroovy++;
  validRepos.add(repoOf(file));
  const decoded = decodePipelineText(file, readFileSync(file));
  if ('error' in decoded) continue;
  const text = decoded.text;
  const { errors } = parse(text);
  if (errors.length > 0) {
    report.falseErrors.files++;
    report.falseErrors.errors += errors.length;
    for (const e of errors) {
      const before = text.slice(0, e.offset);
      const line = before.split('\n').length;
      const column = e.offset - before.lastIndexOf('\n');
      const source = text.split('\n')[line - 1]?.trim().slice(0, 120) ?? '';
      report.falseErrors.list.push({ file: relative(dir, file), line, column, message: e.message, source });
    }
  }
  const analysis = analyzeText(file, text, ctx);
  if (analysis.usages.length > 0) report.usages.files++;
  for (const u of analysis.usages) {
    report.usages.total++;
    // `assumesRole` is in the contract's JSON; before it existed every usage assumed a role.
    const assumes = u.assumesRole !== false;
    if (assumes) report.usages.assumesRole++;
    else report.usages.noRole++;
    report.usages.byKind[u.kind] = (report.usages.byKind[u.kind] ?? 0) + 1;
    const line = text.slice(0, u.anchor.start).split('\n').length;
    report.usageList.push({
      file: relative(dir, file),
      line,
      kind: u.kind,
      assumesRole: assumes,
      role: u.roleArn ?? u.role,
      credentialsId: u.credentialsId,
    });
  }
  if (analysis.usages.length === 0 && AWS_TEXT.test(text)) report.awsTextWithoutUsage.push(relative(dir, file));
}
report.validRepositories = validRepos.size;

if (flags.has('--json')) {
  if (!flags.has('--usages')) delete report.usageList;
  console.log(JSON.stringify(report, null, 2));
} else {
  const u = report.usages;
  console.log(`files: ${report.files} from ${report.repositories} repositories`);
  console.log(`valid by Groovy 2.4: ${report.validByGroovy} (from ${report.validRepositories} repositories)`);
  console.log(`false syntax errors: ${report.falseErrors.errors} in ${report.falseErrors.files} valid files`);
  for (const e of report.falseErrors.list)
    console.log(`  ${e.file}:${e.line}:${e.column} ${e.message}\n      ${e.source}`);
  const kinds = Object.entries(u.byKind)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  console.log(
    `usages: ${u.total} in ${u.files} files (assume a role ${u.assumesRole}, no role ${u.noRole}; ${kinds || 'none'})`,
  );
  if (flags.has('--usages'))
    for (const x of report.usageList)
      console.log(
        `  ${x.file}:${x.line} ${x.kind} ${x.assumesRole ? `role ${x.role ?? '(unresolved)'}` : 'no role'} credentials ${x.credentialsId ?? '-'}`,
      );
  console.log(
    `files naming an AWS credential step with no usage found (read them): ${report.awsTextWithoutUsage.length}`,
  );
  for (const f of report.awsTextWithoutUsage) console.log(`  ${f}`);
}
