// Re-analysis sessions must give exactly what a from-scratch analysis gives, after every edit of every
// kind: the differential tests below apply random edit sequences to real pipelines and compare each
// step with analyzeText, and check that no result handed out changes afterwards. The targeted tests are
// the edits where reuse would be wrong (moved line numbers, changed variables, parameters, scopes).
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { analyzeText } from '../../../src/core/analyze';
import type { AnalysisContext } from '../../../src/core/types';
import { configFrom, defaultConfig } from '../../../src/core/config';
import { AnalysisSession } from '../../../src/core/session';
import { sharedLibrary } from '../../../src/core/library';
import { computeChange } from '../../../src/core/syntax/reparse';
import { parseJenkinsCasc } from '../../../src/core/jenkins/casc';
import { resolveAgentDirectory } from '../../../src/core/jenkins/agents';

const ROOT = join(__dirname, '..', '..', '..');
const importPlain = (path: string): Promise<any> => import(path);

function pipelineFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...pipelineFiles(p));
    else if (/Jenkinsfile|\.groovy$/.test(name)) out.push(p);
  }
  return out;
}

const examplesConfig = configFrom(
  JSON.parse(readFileSync(join(ROOT, 'examples', '.rolecall.json'), 'utf8')),
  join(ROOT, 'examples'),
).config;
const contexts: AnalysisContext[] = [
  {
    config: defaultConfig(),
    caller: 'arn:aws:iam::111111111111:role/jenkins-agent',
    params: {},
    credentials: {},
    iam: null,
  },
  {
    config: examplesConfig,
    caller: null,
    params: { ...examplesConfig.parameters, ROLE: 'deploy' },
    credentials: { 'partner-external-id': 'not-a-real-id-123' },
    iam: null,
  },
];

/** The comparable content of an analysis (what the CLI and the extension read). */
function plain(a: unknown): string {
  return JSON.stringify(a);
}

/** Every result a session handed out, with its content when handed out (results are values: it must stay so). */
const handedOut: Array<{ result: unknown; json: string; what: string }> = [];

function assertSame(session: AnalysisSession, text: string, ctx: AnalysisContext, what: string): void {
  const incremental = session.update(text, ctx);
  const scratch = analyzeText(session.file, text, ctx);
  const json = plain(incremental);
  if (json !== plain(scratch)) {
    // A readable first difference rather than two huge JSON strings.
    assert.deepEqual(JSON.parse(json), JSON.parse(plain(scratch)), what);
  }
  handedOut.push({ result: incremental, json, what });
}

/** Checks that no result handed out since the last check changed afterwards, then forgets them. */
function assertUnchanged(): number {
  for (const h of handedOut)
    assert.equal(plain(h.result), h.json, `${h.what}: a result changed after it was handed out`);
  const n = handedOut.length;
  handedOut.length = 0;
  return n;
}

const pieces = [
  ' ',
  '\n',
  '\r\n',
  '\t',
  "'",
  '"',
  '"""',
  "'''",
  '${',
  '}',
  '{',
  '(',
  ')',
  '[',
  ']',
  ',',
  ':',
  '=',
  '.',
  '//',
  '/*',
  '*/',
  '\\',
  'x',
  'env.',
  'params.',
  'def v = ',
  'role: ',
  "'arn:aws:iam::222222222222:role/r'",
  'duration: 7200',
  'withAWS(',
  'sh ',
  'node {',
  "environment { X = 'y' }",
  "agent { label 'AgentAccountX' }",
  "withCredentials([string(credentialsId: 'c', variable: 'E')]) {",
  '--external-id ',
  'aws sts assume-role --role-arn ',
  "parameters { string(name: 'P', defaultValue: 'd') }",
  'AKIAABCDEFGHIJKLMNOP',
];

/** Scope-shaping code above, between and below usages, in multi-line blocks (where edits stay local). */
const TRICKY = [
  "@Library('lib') _",
  "def ROLE_ACCOUNT = '222222222222'",
  'def helper(String account) {',
  "  withAWS(role: 'deploy', roleAccount: account, duration: 900, roleSessionName: 'helper') {",
  "    sh 'aws sts assume-role --role-arn arn:aws:iam::333333333333:role/chained --role-session-name c'",
  '  }',
  '}',
  'pipeline {',
  '  agent { label LABEL }',
  '  parameters {',
  "    string(name: 'ACCOUNT', defaultValue: '444444444444')",
  "    choice(name: 'STAGE', choices: ['dev', 'prod'])",
  '  }',
  '  stages {',
  "    stage('one') {",
  '      steps {',
  "        withAWS(role: 'deploy', roleAccount: params.ACCOUNT, externalId: env.EXT, duration: 900, roleSessionName: 'one') {",
  "          sh 'aws sts assume-role --role-arn arn:aws:iam::222222222222:role/inner --role-session-name i --external-id $EXT'",
  '        }',
  "        withCredentials([string(credentialsId: 'ext', variable: 'EID')]) {",
  "          withAWS(role: 'deploy', roleAccount: ROLE_ACCOUNT, externalId: EID, duration: 7200, roleSessionName: 'two') {",
  "            echo 'inside'",
  '          }',
  '        }',
  '      }',
  '      post {',
  '        always {',
  "          echo 'done'",
  '        }',
  '      }',
  "      environment { EXT = 'abcdefghijklmnop' }",
  '    }',
  "    stage('two') {",
  "      agent { label 'AgentAccountX' }",
  '      steps {',
  "        withEnv(['REGION=eu-west-1', 'ACCT=555555555555']) {",
  "          sh 'aws sts assume-role --role-arn arn:aws:iam::$ACCT:role/envrole --role-session-name e --duration-seconds 3600'",
  '        }',
  '        script {',
  "          LABEL = 'AgentAccountX'",
  '          helper(ROLE_ACCOUNT)',
  '        }',
  '      }',
  '    }',
  '  }',
  '}',
  '',
].join('\n');

type Edit = { at: number; del: number; ins: string };
const edit: fc.Arbitrary<Edit> = fc.record({
  at: fc.nat(),
  del: fc.oneof(fc.constant(0), fc.constant(0), fc.nat({ max: 3 }), fc.nat({ max: 60 })),
  ins: fc.oneof(
    fc.constantFrom(...pieces),
    fc.constant(''),
    fc.array(fc.constantFrom(...pieces), { maxLength: 4 }).map((p) => p.join('')),
  ),
});

/** `text` with `typed` inserted `after` characters past the first occurrence of `needle`. */
function typeAt(text: string, needle: string, typed: string, after = 0): string {
  const at = text.indexOf(needle) + after;
  assert.ok(at >= after, `${needle} is in the text`);
  return text.slice(0, at) + typed + text.slice(at);
}

function apply(text: string, e: Edit): string {
  const at = text.length === 0 ? 0 : e.at % (text.length + 1);
  return text.slice(0, at) + e.ins + text.slice(Math.min(text.length, at + e.del));
}

describe('analysis session (re-analysis after edits)', function () {
  this.timeout(120_000);
  afterEach(() => {
    assertUnchanged();
  });
  let corpus: Array<{ name: string; text: string }> = [];

  before(async () => {
    // The examples' config as the project uses it: with the callers its jenkinsCasc files give.
    const cascs = examplesConfig.jenkinsCasc.map((f) =>
      parseJenkinsCasc(f, readFileSync(join(ROOT, 'examples', f), 'utf8')),
    );
    contexts[1].agents = await resolveAgentDirectory(cascs, null, examplesConfig.serviceAccounts);
    const gen = await importPlain(join(ROOT, 'bench', 'generate.mjs'));
    const files = [
      ...pipelineFiles(join(ROOT, 'examples')),
      ...pipelineFiles(join(ROOT, 'test', 'unit', 'core', 'syntax', 'fixtures')),
      ...pipelineFiles(join(ROOT, 'test', 'unit', 'core', 'pipeline', 'fixtures')),
      ...pipelineFiles(join(ROOT, 'test', 'unit', 'core', 'pipeline', 'fixtures-library')),
    ];
    corpus = files.map((f) => ({ name: f.slice(ROOT.length + 1), text: readFileSync(f, 'utf8') }));
    // The first context follows calls into the corpus's shared-library steps (vars/*.groovy).
    contexts[0].library = sharedLibrary(corpus.map((c) => ({ file: c.name, text: c.text })));
    assert.ok(contexts[0].library.steps.size >= 6, 'library steps in the corpus');
    corpus.push({ name: 'generated 400 lines', text: gen.generateJenkinsfile(400) as string });
    corpus.push({ name: 'scopes declared around and below their usages', text: TRICKY });
  });

  it('the edit a session works from is the one edit between the two texts', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 3000 }), edit, (text, e) => {
        const next = apply(text, e);
        const c = computeChange(text, next);
        assert.equal(text.slice(0, c.start) + next.slice(c.start, c.newEnd) + text.slice(c.oldEnd), next);
        assert.ok(c.start <= c.oldEnd && c.start <= c.newEnd);
      }),
      { seed: 20261123, numRuns: 300 },
    );
  });

  it('equals a from-scratch analysis after every step of random edit sequences (all corpus files, two contexts)', () => {
    let steps = 0;
    let kept = 0;
    fc.assert(
      fc.property(fc.nat(), fc.nat({ max: 1 }), fc.array(edit, { minLength: 1, maxLength: 12 }), (pick, c, edits) => {
        const base = corpus[pick % corpus.length];
        const ctx = contexts[c];
        const session = new AnalysisSession('Jenkinsfile');
        let text = base.text;
        assertSame(session, text, ctx, `${base.name}: first analysis`);
        for (const [i, e] of edits.entries()) {
          text = apply(text, e);
          steps++;
          assertSame(session, text, ctx, `${base.name}: after edit ${i + 1} ${JSON.stringify(e)}`);
        }
        kept += assertUnchanged();
      }),
      { seed: Number(process.env.SESSION_SEED ?? 7), numRuns: Number(process.env.SESSION_RUNS ?? 250) },
    );
    assert.ok(steps > 1000, `${steps} edits checked`);
    assert.ok(kept > steps, `${kept} results checked unchanged after the later edits of their session`);
  });

  it('equals a from-scratch analysis while a long session types and deletes single characters', () => {
    const base = corpus.find((c) => c.name === 'generated 400 lines')!;
    const session = new AnalysisSession('Jenkinsfile');
    let text = base.text;
    session.update(text, contexts[0]);
    let seed = 42;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let incremental = 0;
    for (let i = 0; i < 300; i++) {
      const at = rnd(text.length);
      text =
        i % 3 === 2
          ? text.slice(0, at) + text.slice(at + 1)
          : text.slice(0, at) + (i % 3 === 0 ? ' ' : '\n') + text.slice(at);
      assertSame(session, text, contexts[0], `keystroke ${i} at ${at}`);
      if (session.lastUpdate.parse === 'incremental') incremental++;
    }
    // Most keystrokes land inside a block: the parse is incremental.
    assert.ok(incremental > 150, `${incremental} of 300 updates re-parsed one block only`);
    assert.equal(assertUnchanged(), 300, 'every result handed out is as it was');
  });

  const PIPELINE = [
    'pipeline {',
    '  agent any',
    '  parameters { string(name: "ACCOUNT", defaultValue: "222222222222") }',
    '  stages {',
    "    stage('a') {",
    '      steps {',
    "        withAWS(role: 'deploy', roleAccount: params.ACCOUNT, duration: 900, roleSessionName: 'a') { sh 'make a' }",
    '      }',
    '    }',
    "    stage('b') {",
    '      steps {',
    '        echo "building"',
    '      }',
    '    }',
    "    stage('c') {",
    '      steps {',
    "        withAWS(role: 'arn:aws:iam::333333333333:role/other', duration: 900, roleSessionName: 'c') { sh 'make c' }",
    '      }',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');

  it('an edit inside one stage: re-parsed incrementally, and the result is exact', () => {
    const session = new AnalysisSession('Jenkinsfile');
    const ctx = contexts[0];
    session.update(PIPELINE, ctx);
    const at = PIPELINE.indexOf('echo "building"') + 'echo "build'.length;
    const text = PIPELINE.slice(0, at) + 'x' + PIPELINE.slice(at);
    assertSame(session, text, ctx, 'typing in stage b');
    assert.equal(session.lastUpdate.parse, 'incremental');
    assert.equal(session.lastUpdate.usages, 2);
  });

  it('a new line before a usage moves the lines its descriptions cite', () => {
    const session = new AnalysisSession('Jenkinsfile');
    const ctx = contexts[0];
    const before = session.update(PIPELINE, ctx);
    const lineOfC = PIPELINE.slice(0, PIPELINE.indexOf("withAWS(role: 'arn")).split('\n').length;
    assert.match(before.usages[1].origins.roleArn!.description, new RegExp(`line ${lineOfC}\\b`));
    const at = PIPELINE.indexOf('echo "building"');
    const text = PIPELINE.slice(0, at) + 'echo "more"\n        ' + PIPELINE.slice(at);
    const analysis = session.update(text, ctx);
    assert.equal(plain(analysis), plain(analyzeText('Jenkinsfile', text, ctx)));
    // Both usages are carried over; stage c's now cites the line below the one it cited.
    assert.match(analysis.usages[1].origins.roleArn!.description, new RegExp(`line ${lineOfC + 1}\\b`));
  });

  it('changing a parameter default changes the usages that read it', () => {
    const session = new AnalysisSession('Jenkinsfile');
    const ctx = contexts[0];
    session.update(PIPELINE, ctx);
    const text = PIPELINE.replace('defaultValue: "222222222222"', 'defaultValue: "444444444444"');
    const analysis = session.update(text, ctx);
    assert.equal(plain(analysis), plain(analyzeText('Jenkinsfile', text, ctx)));
    assert.equal(analysis.usages[0].roleAccount, '444444444444');
    assert.equal(analysis.usages[0].roleArn, 'arn:aws:iam::444444444444:role/deploy');
  });

  it('a changed context (settings, credentials) starts afresh', () => {
    const session = new AnalysisSession('Jenkinsfile');
    session.update(PIPELINE, contexts[0]);
    const other = { ...contexts[0], params: { ACCOUNT: '555555555555' } };
    const analysis = session.update(PIPELINE, other);
    assert.equal(analysis.usages[0].roleAccount, '555555555555');
  });

  it('a variable read through an agent label: both usages under the agent follow its change', () => {
    const text = [
      'pipeline {',
      '  agent none',
      '  stages {',
      "    stage('setup') { steps { script { LABEL = 'AgentAccountX' } } }",
      "    stage('a') {",
      '      agent { label LABEL }',
      '      steps {',
      "        sh 'aws sts assume-role --role-arn arn:aws:iam::222222222222:role/one --role-session-name a'",
      "        sh 'aws sts assume-role --role-arn arn:aws:iam::222222222222:role/two --role-session-name b'",
      '      }',
      '    }',
      '  }',
      '}',
      '',
    ].join('\n');
    const ctx = contexts[1];
    const session = new AnalysisSession('Jenkinsfile');
    const first = session.update(text, ctx);
    assert.equal(first.usages.length, 2);
    for (const u of first.usages) assert.equal(u.caller, 'arn:aws:iam::111111111111:role/deploy-role-agent-account-x');
    const edited = text.replace("LABEL = 'AgentAccountX'", "LABEL = 'AgentAccountZ'");
    assertSame(session, edited, ctx, 'label variable changed');
    assert.equal(session.lastUpdate.parse, 'incremental');
    for (const u of session.update(edited, ctx).usages)
      assert.equal(u.caller, 'arn:aws:iam::111111111111:role/jenkins-slave', 'the "*" agent mapping applies now');
  });

  it('changing a variable changes the usages that read it', () => {
    const text = [
      'node {',
      "  stage('vars') {",
      "    ACCOUNT = '222222222222'",
      "    OTHER = '333333333333'",
      '  }',
      "  stage('deploy') {",
      "    withAWS(role: 'deploy', roleAccount: ACCOUNT, duration: 900, roleSessionName: 'a') { sh 'make a' }",
      "    withAWS(role: 'deploy', roleAccount: OTHER, duration: 900, roleSessionName: 'b') { sh 'make b' }",
      '  }',
      '}',
      '',
    ].join('\n');
    const ctx = contexts[0];
    const session = new AnalysisSession('Jenkinsfile');
    session.update(text, ctx);
    const edited = text.replace("ACCOUNT = '222222222222'", "ACCOUNT = '444444444444'");
    assertSame(session, edited, ctx, 'ACCOUNT changed');
    assert.equal(session.lastUpdate.parse, 'incremental');
    assert.equal(session.update(edited, ctx).usages[0].roleAccount, '444444444444');
  });

  it('breaking a parameters declaration inside the edited block drops the parameter for every usage (found by the random test)', () => {
    const base = corpus.find((c) => c.name.endsWith('seed-000-external-id/Jenkinsfile'))!;
    const ctx = contexts[0];
    const session = new AnalysisSession('Jenkinsfile');
    const before = session.update(base.text, ctx);
    assert.equal(before.usages[0].origins.roleAccount?.source, 'parameter');
    // `parameters([...])` becomes `p arameters([...])`: no parameter is declared any more.
    const text = typeAt(base.text, 'parameters([', ' ', 1);
    assertSame(session, text, ctx, 'parameters call broken');
    assert.equal(session.update(text, ctx).usages[0].origins.roleAccount?.source, 'unresolved');
  });

  it('an edit inside an environment directive (it shapes other blocks) stays exact', () => {
    const text = [
      'pipeline {',
      '  agent any',
      "  environment { ACCOUNT = '222222222222' }",
      '  stages {',
      "    stage('a') { steps { withAWS(role: 'deploy', roleAccount: env.ACCOUNT, duration: 900, roleSessionName: 'a') { sh 'x' } } }",
      '  }',
      '}',
      '',
    ].join('\n');
    const ctx = contexts[0];
    const session = new AnalysisSession('Jenkinsfile');
    session.update(text, ctx);
    const edited = text.replace("ACCOUNT = '222222222222'", "ACCOUNT = '333333333333'");
    assertSame(session, edited, ctx, 'environment value changed');
    assert.equal(session.update(edited, ctx).usages[0].roleAccount, '333333333333');
    // A keystroke inside a stage walks only that stage.
    const typed = edited.replace("sh 'x'", "sh 'xy'");
    assertSame(session, typed, ctx, 'typing in the stage');
  });

  it('a new line in one stage moves the lines cited by descriptions below it (environment, bindings)', () => {
    const text = [
      'pipeline {',
      '  agent any',
      "  environment { EXT = credentials('partner-external-id') }",
      '  stages {',
      "    stage('a') { steps { echo 'a' } }",
      "    stage('b') {",
      "      environment { ACCOUNT = '222222222222' }",
      '      steps {',
      "        withCredentials([string(credentialsId: 'ext', variable: 'EID')]) {",
      "          withAWS(role: 'deploy', roleAccount: env.ACCOUNT, externalId: EID, duration: 900, roleSessionName: 'b') { sh 'x' }",
      '        }',
      "        sh 'aws sts assume-role --role-arn arn:aws:iam::222222222222:role/r --role-session-name s --external-id $EXT'",
      '      }',
      '    }',
      '  }',
      '}',
      '',
    ].join('\n');
    const ctx = contexts[1];
    const session = new AnalysisSession('Jenkinsfile');
    const first = session.update(text, ctx);
    assert.match(first.usages[0].origins.roleAccount?.description ?? '', /line 7/);
    const edited = typeAt(text, "echo 'a'", "echo 'z'\n        ");
    assertSame(session, edited, ctx, 'new line in stage a');
    const now = session.update(edited, ctx);
    assert.match(now.usages[0].origins.roleAccount?.description ?? '', /line 8/);
  });

  it('a usage before the edit that cites a parameter default written after it gets the moved line', () => {
    const text = [
      "def helper() { withAWS(role: 'deploy', roleAccount: params.ACCOUNT, duration: 900, roleSessionName: 'h') { sh 'x' } }",
      "node { stage('x') { echo 'a' } }",
      "properties([parameters([string(name: 'ACCOUNT', defaultValue: '222222222222')])])",
      '',
    ].join('\n');
    const ctx = contexts[0];
    const session = new AnalysisSession('Jenkinsfile');
    const first = session.update(text, ctx);
    assert.ok(first.usages[0].origins.roleAccount?.range, 'the origin points at the default');
    const edited = typeAt(text, "echo 'a'", 'bc', 6);
    assertSame(session, edited, ctx, 'typing before the parameters');
    assert.equal(session.lastUpdate.parse, 'incremental');
  });

  it('a literal secret shared by two usages is reported once, by the first, across edits', () => {
    const text = [
      'pipeline {',
      '  agent any',
      "  environment { EXT = 'literal-external-id-1234' }",
      '  stages {',
      "    stage('a') { steps { withAWS(role: 'arn:aws:iam::222222222222:role/r', externalId: env.EXT, duration: 900, roleSessionName: 'a') { sh 'x' } } }",
      "    stage('b') { steps { echo 'b' } }",
      "    stage('c') { steps { withAWS(role: 'arn:aws:iam::222222222222:role/r', externalId: env.EXT, duration: 900, roleSessionName: 'c') { sh 'y' } } }",
      '  }',
      '}',
      '',
    ].join('\n');
    const ctx = contexts[0];
    const session = new AnalysisSession('Jenkinsfile');
    const first = session.update(text, ctx);
    assert.equal(first.usages[0].secrets.length, 1, 'the first usage reports the literal');
    assert.equal(first.usages[1].secrets.length, 0, 'the second does not report it again');
    // Typing in stage b: both usages carried over, the decision replayed.
    const typed = text.replace("echo 'b'", "echo 'bb'");
    assertSame(session, typed, ctx, 'typing between them');
    // Stage a's usage stops using the literal: now stage c's reports it (recomputed, not carried over).
    const moved = typed.replace(
      "externalId: env.EXT, duration: 900, roleSessionName: 'a'",
      "externalId: params.X, duration: 900, roleSessionName: 'a'",
    );
    assertSame(session, moved, ctx, 'first usage no longer uses the literal');
    const now = session.update(moved, ctx);
    assert.equal(now.usages[1].secrets.length, 1, 'the remaining usage reports the literal now');
  });

  it('a key typed into a string inside a stage is found as by a full analysis', () => {
    const session = new AnalysisSession('Jenkinsfile');
    const ctx = contexts[0];
    session.update(PIPELINE, ctx);
    const edited = PIPELINE.replace(
      'echo "building"',
      'echo "key AKIAABCDEFGHIJKLMNOP and secretKey = abcdefghijABCDEFGHIJ0123456789abcdefghij"',
    );
    assertSame(session, edited, ctx, 'a key typed');
    const now = session.update(edited, ctx);
    assert.ok(now.findings.some((f) => f.code === 'static-credentials'));
    assert.ok(now.findings.some((f) => f.code === 'hardcoded-secret'));
  });

  it('a usage before the edit whose environment is declared below it gets the moved line', () => {
    const text = [
      'pipeline {',
      '  agent any',
      '  stages {',
      "    stage('a') {",
      "      steps { sh 'aws sts assume-role --role-arn arn:aws:iam::222222222222:role/r --role-session-name s --external-id $EXT' }",
      '      post {',
      '        always {',
      "          echo 'done'",
      '        }',
      '      }',
      "      environment { EXT = 'abcdefghijklmnop' }",
      '    }',
      '  }',
      '}',
      '',
    ].join('\n');
    const ctx = contexts[0];
    const session = new AnalysisSession('Jenkinsfile');
    const first = session.update(text, ctx);
    assert.match(first.usages[0].origins.externalId?.description ?? '', /line 11/);
    const edited = typeAt(text, "echo 'done'", "echo 'more'\n          ");
    assertSame(session, edited, ctx, 'new line between the usage and the environment below it');
    assert.match(session.update(edited, ctx).usages[0].origins.externalId?.description ?? '', /line 12/);
  });

  it('a usage inside a withAWS block is recomputed when the enclosing call is (its caller is that role; found by review)', () => {
    const text = [
      'node {',
      "  stage('a') {",
      "    R = 'arn:aws:iam::222222222222:role/first'",
      '  }',
      '  withAWS(role: R) {',
      "    sh 'aws sts assume-role --role-arn arn:aws:iam::333333333333:role/chained --role-session-name c'",
      '  }',
      '}',
      '',
    ].join('\n');
    for (const ctx of contexts) {
      const session = new AnalysisSession('Jenkinsfile');
      assertSame(session, text, ctx, 'first analysis');
      assertSame(
        session,
        text.replace('role/first', 'role/second'),
        ctx,
        'the enclosing role changed in another stage',
      );
      const chained = session
        .update(text.replace('role/first', 'role/second'), ctx)
        .usages.find((u) => u.kind === 'sh-assume-role');
      assert.equal(chained?.caller, 'arn:aws:iam::222222222222:role/second');
    }
  });

  it('a variable whose value holds the edited block is read again (the kept node has new contents; found by review)', () => {
    const texts = [
      [
        'node {',
        '  def R = foo {',
        "    'abc'",
        '  }',
        '  withAWS(role: R, duration: 900) {',
        "    echo 'x'",
        '  }',
        '}',
        '',
      ],
      [
        'node {',
        "  R = 'arn:aws:iam::222222222222:role/' + foo {",
        "    'abc'",
        '  }',
        '  withAWS(role: R, duration: 900) {',
        "    echo 'x'",
        '  }',
        '}',
        '',
      ],
      [
        'node {',
        "  stage('s') {",
        '    R = bar {',
        "      'abc'",
        '    }',
        '  }',
        '  withAWS(role: R) {',
        "    echo 'x'",
        '  }',
        '}',
        '',
      ],
      [
        'pipeline {',
        '  agent any',
        '  environment { R = foo {',
        "      'abc'",
        '    } }',
        '  stages {',
        "    stage('a') { steps { withAWS(role: env.R) { echo 'x' } } }",
        '  }',
        '}',
        '',
      ],
    ].map((lines) => lines.join('\n'));
    for (const text of texts) {
      for (const ctx of contexts) {
        const session = new AnalysisSession('Jenkinsfile');
        assertSame(session, text, ctx, 'first analysis');
        assertSame(
          session,
          text.replace("'abc'", "'abd'"),
          ctx,
          `typing inside the value of R in ${JSON.stringify(text.slice(0, 60))}`,
        );
      }
    }
  });

  it('a usage above the edit that cites a line below it gets the moved line, also with control characters in the text', () => {
    const text = [
      '// \u0001 odd char',
      'def deploy() {',
      '  withAWS(role: params.ROLE, duration: 900) {',
      "    echo 'x'",
      '  }',
      '}',
      'pipeline {',
      '  agent any',
      '  stages {',
      "    stage('a') {",
      '      steps {',
      "        echo 'hi'",
      '      }',
      '    }',
      '  }',
      '  parameters {',
      "    string(name: 'ROLE')",
      '  }',
      '}',
      '',
    ].join('\n');
    const session = new AnalysisSession('Jenkinsfile');
    assertSame(session, text, contexts[0], 'first analysis');
    assertSame(
      session,
      text.replace("echo 'hi'", "echo 'hi'\n"),
      contexts[0],
      'a new line between the usage and the parameter it cites',
    );
  });

  it('escapes that decode to control characters stay values', () => {
    const texts = [
      [
        'node {',
        "  withAWS(role: 'arn:aws:iam::222222222222:role/x\\u00010\\u0002y', duration: 900) {",
        "    echo 'x'",
        '  }',
        '}',
        '',
      ],
      [
        'node {',
        '  def R = "arn:aws:iam::222222222222:role/x\\u00017\\u0002y"',
        '  withAWS(role: R, duration: 900) {',
        "    echo 'x'",
        '  }',
        '}',
        '',
      ],
      [
        'node {',
        "  withAWS(role: 'arn:aws:iam::222222222222:role/x\\1\\2y', roleSessionName: 'a\\0010\\002b', duration: 900) {",
        "    echo 'x'",
        '  }',
        '}',
        '',
      ],
    ].map((lines) => lines.join('\n'));
    for (const text of texts) {
      for (const ctx of contexts) {
        const session = new AnalysisSession('Jenkinsfile');
        assertSame(session, text, ctx, `first analysis of ${JSON.stringify(text.slice(0, 90))}`);
        assertSame(session, '\n' + text, ctx, 'a new line above');
      }
    }
  });

  it('values given for the scan that contain control characters stay values (parameters, credentials)', () => {
    const text = [
      'node {',
      '  withAWS(role: params.ROLE, externalId: params.EXT, duration: 900) {',
      "    echo 'x'",
      '  }',
      '}',
      '',
    ].join('\n');
    const ctx: AnalysisContext = {
      ...contexts[0],
      params: { ROLE: 'arn:aws:iam::222222222222:role/a\u00010\u0002b', EXT: 'e\u00010\u0002x' },
    };
    const session = new AnalysisSession('Jenkinsfile');
    assertSame(session, text, ctx, 'first analysis');
    assertSame(session, '\n' + text, ctx, 'a new line above');
  });

  it('a secret assigned in a later stage is reported at its moved place', () => {
    const text = [
      'pipeline {',
      '  agent any',
      '  stages {',
      "    stage('a') { steps { echo 'a' } }",
      "    stage('b') {",
      '      steps {',
      '        script {',
      "          def AWS_SECRET_ACCESS_KEY = 'abcdefghijABCDEFGHIJabcdefghijABCDEFGHIJ'",
      '        }',
      '      }',
      '    }',
      '  }',
      '}',
      '',
    ].join('\n');
    const ctx = contexts[0];
    const session = new AnalysisSession('Jenkinsfile');
    assertSame(session, text, ctx, 'first analysis');
    assert.ok(
      session.update(text, ctx).findings.some((f) => f.code === 'hardcoded-secret'),
      'the walk reports the secret',
    );
    assertSame(session, typeAt(text, "echo 'a'", 'a', 6), ctx, 'typing in stage a');
  });

  it('text that contains control characters stays exact when lines move', () => {
    const ctx = contexts[0];
    const text = [
      'node {',
      "  withCredentials([string(credentialsId: 'x\u00010\u0002y', variable: 'EID')]) {",
      "    withAWS(role: 'arn:aws:iam::222222222222:role/r', externalId: EID, duration: 900, roleSessionName: 's') { sh 'x' }",
      '  }',
      '}',
      '',
    ].join('\n');
    const session = new AnalysisSession('Jenkinsfile');
    assertSame(session, text, ctx, 'first analysis');
    assert.ok(
      session.update(text, ctx).usages[0].origins.externalId!.description.includes('\u0001'),
      'the description quotes the odd credential id',
    );
    assertSame(session, '\n' + text, ctx, 'a new line above everything');
    assertSame(session, '\n\n' + text, ctx, 'another one');
  });

  it("damage typed into an already damaged file stays exact (found by the random test: an unterminated ''' after a stray }*/)", () => {
    const edits: Edit[] = [
      { at: 0, del: 0, ins: "parameters { string(name: 'P', defaultValue: 'd') }" },
      { at: 0, del: 23, ins: ' ' },
      { at: 0, del: 0, ins: 'duration: 7200   ' },
      { at: 668628522, del: 0, ins: '}*/AKIAABCDEFGHIJKLMNOP ' },
      { at: 2038100638, del: 0, ins: ' ' },
      { at: 415420293, del: 0, ins: "'''" },
    ];
    const session = new AnalysisSession('Jenkinsfile');
    let text = TRICKY;
    assertSame(session, text, contexts[0], 'start');
    for (const [i, e] of edits.entries()) {
      text = apply(text, e);
      assertSame(session, text, contexts[0], `edit ${i + 1}`);
    }
  });
});
