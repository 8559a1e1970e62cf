// Extraction must never throw, whatever the parser hands it, and must stay fast.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from '../../../src/core/syntax/parser';
import { extractUsages } from '../../../src/core/pipeline/extract';
import { staticRules } from '../../../src/core/rules/static';
import { ctx } from './helpers';
import { childrenOf } from '../../../src/core/pipeline/children';
import { forEachChild, type Node } from '../../../src/core/syntax/ast';

const dir = join(__dirname, 'fixtures');
const fixtures = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'));

function run(text: string): void {
  const { program } = parse(text);
  const { usages } = extractUsages(program, text, 'Jenkinsfile', ctx({ params: { role_account: '222222222222' }, credentials: { ExternalId: 'abc' } }));
  for (const u of usages) {
    staticRules(u);
    assert.ok(u.anchor.start >= 0 && u.anchor.end <= text.length && u.anchor.start <= u.anchor.end, 'anchor inside the text');
  }
}

const TOKENS = ['{', '}', '(', ')', '[', ']', "'", '"', '"""', "'''", '${', '$', '\\', '\n', '\r\n', ',', ':', 'withAWS(', 'sh ', 'aws sts assume-role ', '--role-arn ', 'withCredentials([', 'node {', '/*', '//', '=', 'def x = '];

describe('extraction robustness', () => {
  it('never throws on mutated fixtures (deletions, insertions, truncation)', function () {
    this.timeout(60000);
    fc.assert(
      fc.property(
        fc.constantFrom(...fixtures),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 40 }), fc.constantFrom(...TOKENS), fc.boolean()), { minLength: 1, maxLength: 6 }),
        (base, edits) => {
          let text = base;
          for (const [at, len, token, insert] of edits) {
            const p = at % (text.length + 1);
            text = insert ? text.slice(0, p) + token + text.slice(p) : text.slice(0, p) + text.slice(p + len);
          }
          run(text);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => run(s)), { numRuns: 300 });
    fc.assert(fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((a) => a.join('')), (s) => run(s)), { numRuns: 300 });
  });

  it('extracts from a 5,000-line pipeline in less time than parsing it takes', () => {
    const filler = ["stage('build') {", '  steps {', "    sh 'make build && make test'", '    echo "Building ${env.BRANCH_NAME}"', "    archiveArtifacts artifacts: 'dist/**', fingerprint: true", '    script {', "      def version = readFile('VERSION').trim()", '      if (version.startsWith(\'1.\')) { currentBuild.description = "v${version}" }', '    }', '  }', '}'];
    const usage = ["stage('deploy') {", '  steps {', "    withCredentials([string(credentialsId: 'ExternalId', variable: 'external_id')]) {", "      withAWS(role: 'jenkins', roleAccount: params.role_account, externalId: \"$external_id\", duration: 900, roleSessionName: 'jenkins-session') {", "        sh 'aws sts assume-role --role-arn arn:aws:iam::333333333333:role/deploy-role --role-session-name s'", '      }', '    }', '  }', '}'];
    const lines = ['pipeline {', "agent { label 'AgentAccountX' }", "parameters { string(name: 'role_account', defaultValue: '222222222222') }", 'stages {'];
    for (let k = 0; lines.length < 4990; k++) lines.push(...(k % 8 === 7 ? usage : filler));
    lines.push('}', '}');
    const text = lines.join('\n');
    const c = ctx();
    let parseMs = Infinity;
    let extractMs = Infinity;
    let found = 0;
    // Best of several runs, in CPU time: the machine running the tests may be busy.
    for (let i = 0; i < 5; i++) {
      let t0 = process.cpuUsage();
      const { program } = parse(text);
      parseMs = Math.min(parseMs, process.cpuUsage(t0).user / 1000);
      t0 = process.cpuUsage();
      found = extractUsages(program, text, 'Jenkinsfile', c).usages.length;
      extractMs = Math.min(extractMs, process.cpuUsage(t0).user / 1000);
    }
    assert.ok(found >= 100, `found ${found} usages`);
    assert.ok(extractMs <= Math.max(parseMs, 10), `extraction ${extractMs.toFixed(1)} ms vs parsing ${parseMs.toFixed(1)} ms`);
  });

  it("the typed child iteration visits exactly what ast.ts's forEachChild visits", () => {
    assert.ok(fixtures.some((f) => f.includes('switch (cfg.env)')), 'the constructs fixture is included');
    for (const text of fixtures) {
      const { program } = parse(text);
      const stack: Node[] = [program];
      while (stack.length > 0) {
        const node = stack.pop()!;
        const typed: Node[] = [];
        childrenOf(node, typed);
        const generic: Node[] = [];
        forEachChild(node, (c) => generic.push(c));
        assert.deepEqual(typed, generic, `children of ${node.type} at ${node.start}`);
        stack.push(...generic);
      }
    }
  });
});
