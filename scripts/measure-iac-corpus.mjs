// Measures RoleCall's readers of IAM defined as code and of Jenkins configuration as code on a corpus
// you downloaded yourself (public CloudFormation templates, Terraform modules, JCasC files). No corpus is
// kept in this repository: public code stays out of it.
//
//   npm run measure:iac-corpus -- DIR [--json] [--verbose]
//
// DIR holds (searched recursively):
//   - CloudFormation templates (*.yaml, *.yml, *.json, *.template) whose text has AssumeRolePolicyDocument;
//   - Terraform modules: every folder with .tf files is one module, read together as `--iac DIR` does;
//   - JCasC files (*.yaml, *.yml) with a top-level `jenkins:` or `credentials:` key and no `Resources:`.
// Per file (module) it prints the roles read, the roles the text declares (`AWS::IAM::Role`,
// `resource "aws_iam_role"`) — a role declared but neither read nor pending is a miss to read by hand —
// the trust statements, the findings by code (as `scan --iac` reports them in the templates), and anything
// unreadable (a reader error, an exception). For JCasC: templates per cloud, identities, AWS credentials and
// problems. Every template is read in account 123456789012, region us-east-1, without parameters.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, resolve } from 'node:path';

const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const dir = args.find((a) => !a.startsWith('--'));
if (!dir) {
  console.error('usage: npm run measure:iac-corpus -- DIR [--json] [--verbose]');
  process.exit(2);
}

const { readIac } = await import('../src/core/iam/iac/index.ts');
const { loadHclParser } = await import('../src/cli/iac.ts');
const { iacFindings } = await import('../src/core/rules/iac-findings.ts');
const { compilePolicy } = await import('../src/core/iam/evaluate.ts');
const { parseJenkinsCasc } = await import('../src/core/jenkins/casc.ts');
const { resolveAgentDirectory } = await import('../src/core/jenkins/agents.ts');

const entry = { path: dir, account: '123456789012', region: 'us-east-1', parameters: {} };
const hcl = await loadHclParser();

const cfn = [];
const tf = [];
const casc = [];
(function walk(d) {
  const names = readdirSync(d).sort();
  const tfs = names.filter((n) => n.endsWith('.tf'));
  if (tfs.length > 0) tf.push({ dir: d, files: tfs.map((n) => join(d, n)) });
  for (const n of names) {
    const p = join(d, n);
    const s = statSync(p);
    if (s.isDirectory()) {
      walk(p);
      continue;
    }
    if (!['.yaml', '.yml', '.json', '.template'].includes(extname(n))) continue;
    const text = readFileSync(p, 'utf8');
    if (/AssumeRolePolicyDocument/.test(text)) cfn.push(p);
    else if (/\.ya?ml$/.test(n) && /^(jenkins|credentials):/m.test(text)) casc.push(p);
  }
})(dir);

const rel = (p) => relative(dir, p) || p;
const count = (map, key, n = 1) => map.set(key, (map.get(key) ?? 0) + n);

/** file() / templatefile() of a module: files under its folder in the corpus (as `--iac` reads them). */
function moduleFile(module, path) {
  const full = resolve(dir, module, path);
  if (relative(resolve(dir), full).startsWith('..')) return { error: 'the file is outside the corpus folder' };
  try {
    return { text: readFileSync(full, 'utf8') };
  } catch {
    return { error: 'no such file' };
  }
}

function measureIac(name, texts, declared) {
  const row = { file: name, declared, roles: 0, pending: 0, statements: 0, findings: {}, unresolved: 0, errors: [] };
  try {
    const { model, errors } = readIac(texts, hcl, moduleFile);
    row.errors.push(...errors);
    row.roles = model.roles.length;
    row.pending = model.pending.length;
    row.roleNames = model.roles.map((r) => r.roleName);
    row.pendingWhy = model.pending.map((p) => `${p.id}: ${p.reason}`);
    for (const r of model.roles) {
      const p = compilePolicy(r.trustPolicy.text, 'trust', r.roleName);
      row.statements += p.parsed.policy?.statements.length ?? 0;
    }
    const fs = iacFindings(model);
    row.details = [];
    for (const f of fs) {
      row.findings[f.code] = (row.findings[f.code] ?? 0) + 1;
      row.details.push(`${f.code} ${f.file}:${f.range?.start ?? f.line ?? ''} ${f.message}`);
    }
    row.unresolved = model.unresolved.length;
  } catch (e) {
    row.errors.push(`EXCEPTION ${e instanceof Error ? e.stack : String(e)}`);
  }
  return row;
}

const rows = [];
for (const f of cfn) {
  const text = readFileSync(f, 'utf8');
  const declared = (text.match(/AWS::IAM::Role\b(?!Policy)/g) ?? []).length;
  rows.push({ kind: 'cfn', ...measureIac(rel(f), [{ file: rel(f), text, entry }], declared) });
}
for (const m of tf) {
  const texts = m.files.map((f) => ({ file: rel(f), text: readFileSync(f, 'utf8'), entry, module: rel(m.dir) }));
  const declared = texts.reduce(
    (n, t) => n + (t.text.replace(/^\s*(#|\/\/).*$/gm, '').match(/resource\s+"aws_iam_role"/g) ?? []).length,
    0,
  );
  rows.push({ kind: 'tf', ...measureIac(rel(m.dir), texts, declared) });
}

const cascRows = [];
for (const f of casc) {
  const row = { file: rel(f), templates: {}, identities: 0, credentials: 0, roleCredentials: 0, problems: [] };
  try {
    const parsed = parseJenkinsCasc(rel(f), readFileSync(f, 'utf8'));
    for (const t of parsed.templates) {
      count({ set: (k, v) => (row.templates[k] = v), get: (k) => row.templates[k] }, t.cloudKind);
      if (t.identity) row.identities++;
    }
    row.credentials = parsed.credentials.length;
    row.roleCredentials = parsed.credentials.filter((c) => c.roleArn).length;
    const directory = await resolveAgentDirectory([parsed], null, {});
    row.problems = directory.problems.map((p) => `${p.severity} ${p.line}:${p.column} ${p.message}`);
    row.callers = directory.templates.map(
      (t) => `${t.description} -> ${t.caller ?? `(${t.unresolved ?? 'no identity'})`}`,
    );
  } catch (e) {
    row.problems.push(`EXCEPTION ${e instanceof Error ? e.stack : String(e)}`);
  }
  cascRows.push(row);
}

const totals = {
  cfnFiles: 0,
  tfModules: 0,
  declared: 0,
  roles: 0,
  pending: 0,
  missed: 0,
  statements: 0,
  unresolved: 0,
  errorFiles: 0,
  exceptions: 0,
};
const byCode = new Map();
for (const r of rows) {
  totals[r.kind === 'cfn' ? 'cfnFiles' : 'tfModules']++;
  totals.declared += r.declared;
  totals.roles += r.roles;
  totals.pending += r.pending;
  totals.missed += Math.max(0, r.declared - r.roles - r.pending);
  totals.statements += r.statements;
  totals.unresolved += r.unresolved;
  if (r.errors.length) totals.errorFiles++;
  if (r.errors.some((e) => /EXCEPTION|please report/.test(e))) totals.exceptions++;
  for (const [k, v] of Object.entries(r.findings)) count(byCode, k, v);
}
const cascTotals = {
  files: cascRows.length,
  templates: {},
  identities: 0,
  credentials: 0,
  roleCredentials: 0,
  problems: 0,
  exceptions: 0,
};
for (const r of cascRows) {
  for (const [k, v] of Object.entries(r.templates)) cascTotals.templates[k] = (cascTotals.templates[k] ?? 0) + v;
  cascTotals.identities += r.identities;
  cascTotals.credentials += r.credentials;
  cascTotals.roleCredentials += r.roleCredentials;
  cascTotals.problems += r.problems.length;
  if (r.problems.some((p) => p.includes('EXCEPTION'))) cascTotals.exceptions++;
}

if (flags.has('--json')) {
  console.log(
    JSON.stringify({ totals, findings: Object.fromEntries(byCode), casc: cascTotals, rows, cascRows }, null, 2),
  );
  process.exit(0);
}
const verbose = flags.has('--verbose');
for (const r of rows) {
  const codes = Object.entries(r.findings)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const missed = r.declared - r.roles - r.pending;
  console.log(
    `${r.kind} ${r.file}: roles ${r.roles}/${r.declared}${r.pending ? ` (+${r.pending} pending)` : ''}${missed > 0 ? ` MISSED ${missed}` : ''}, statements ${r.statements}${codes ? `, ${codes}` : ''}${r.errors.length ? `, UNREADABLE: ${r.errors.join(' | ')}` : ''}`,
  );
  if (verbose) {
    for (const d of r.details ?? []) console.log(`    ${d}`);
    for (const p of r.pendingWhy ?? []) console.log(`    pending ${p}`);
  }
}
for (const r of cascRows) {
  const t = Object.entries(r.templates)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  console.log(
    `casc ${r.file}: templates ${t || 0}, identities ${r.identities}, aws credentials ${r.credentials} (${r.roleCredentials} with a role)${r.problems.length ? `, problems ${r.problems.length}` : ''}`,
  );
  if (verbose) {
    for (const p of r.problems) console.log(`    ${p}`);
    for (const c of r.callers ?? []) console.log(`    ${c}`);
  }
}
console.log('');
console.log(
  `IaC: ${totals.cfnFiles} CloudFormation templates, ${totals.tfModules} Terraform modules; roles declared ${totals.declared}, read ${totals.roles}, pending ${totals.pending}, missed ${totals.missed}; trust statements ${totals.statements}; unreadable ${totals.errorFiles} (exceptions ${totals.exceptions})`,
);
console.log(
  `findings: ${
    [...byCode]
      .sort()
      .map(([k, v]) => `${k}=${v}`)
      .join(' ') || 'none'
  }`,
);
console.log(
  `JCasC: ${cascTotals.files} files; templates ${
    Object.entries(cascTotals.templates)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ') || 0
  }; identities ${cascTotals.identities}; aws credentials ${cascTotals.credentials} (${cascTotals.roleCredentials} with a role); problems ${cascTotals.problems} (exceptions ${cascTotals.exceptions})`,
);
