// Problems of a Jenkins configuration-as-code file are shown on the YAML file in the editor (they used to go
// only to the output log): each at its line, covering what is written there from the problem's column.
import { strict as assert } from 'node:assert';
import { resolveAgentDirectory } from '../../../../src/core/jenkins/agents';
import { parseJenkinsCasc } from '../../../../src/core/jenkins/casc';
import { cascMarks } from '../../../../src/vscode/pure/cascDiagnostics';

const BAD_SHAPE = [
  'jenkins:',
  '  clouds:',
  '    - ecs:',
  '        name: ecs',
  '        templates:',
  '          - templateName: builder',
  '            label: linux',
  '            taskrole: ${TASK_ROLE}',
  '    - amazonEC2: 42',
  '',
].join('\n');

describe('vscode helpers: JCasC problems as marks on the YAML file', () => {
  it('marks bad YAML at its line, from the column the parser names to the end of the line', async () => {
    const text = 'jenkins:\n  clouds:\n    - ecs: {name: "x"\n';
    const casc = parseJenkinsCasc('/w/jenkins.yaml', text);
    assert.ok(casc.problems.length > 0, 'the YAML is refused');
    const agents = await resolveAgentDirectory([casc], null, {});
    const marks = cascMarks(agents.problems, () => text);
    assert.ok(marks.length > 0);
    for (const m of marks) {
      assert.equal(m.file, '/w/jenkins.yaml');
      assert.equal(m.severity, 'error');
      assert.match(m.message, /not valid YAML/);
      const line = text.split('\n')[m.line];
      assert.ok(line !== undefined && line.trim() !== '', `a written line: ${JSON.stringify(m)}`);
      assert.ok(m.start < m.end && m.end <= line.length, `a non-empty range on the line: ${JSON.stringify(m)}`);
    }
  });

  it('marks a key of the wrong shape and a ${...} identity at their lines, once each', async () => {
    const casc = parseJenkinsCasc('/w/jenkins.yaml', BAD_SHAPE);
    const agents = await resolveAgentDirectory([casc], null, {});
    // The directory repeats the file's own problems: shown once.
    const marks = cascMarks([...casc.problems, ...agents.problems], () => BAD_SHAPE);
    const lines = BAD_SHAPE.split('\n');
    const shape = marks.find((m) => m.line === 8);
    assert.ok(shape, `a mark on '- amazonEC2: 42': ${JSON.stringify(marks)}`);
    assert.equal(shape.severity, 'error');
    assert.equal(lines[8].slice(shape.start, shape.end).trim().length > 0, true);
    assert.equal(shape.end, lines[8].length, 'up to the end of what is written on the line');
    const secret = marks.find((m) => m.line === 7);
    assert.ok(secret, `a mark on the taskrole line: ${JSON.stringify(marks)}`);
    assert.equal(lines[7].slice(secret.start, secret.end), '${TASK_ROLE}', 'the value RoleCall does not read');
    assert.equal(
      marks.filter((m) => m.line === 8 && m.message === shape.message).length,
      1,
      'a problem listed twice is marked once',
    );
    // The value written `${...}` is never quoted.
    for (const m of marks) assert.doesNotMatch(m.message, /TASK_ROLE/);
  });

  it('keeps a range inside the line when the problem sits past its end, on an empty line, or without text', () => {
    const text = 'jenkins:   \n\nx';
    const problems = [
      { file: '/w/a.yaml', line: 1, column: 12, severity: 'warning' as const, message: 'past the end' },
      { file: '/w/a.yaml', line: 2, column: 1, severity: 'error' as const, message: 'empty line' },
      { file: '/w/c.yaml', line: 1, column: 1, severity: 'error' as const, message: 'empty file' },
    ];
    const [past, empty, nothing] = cascMarks(problems, (f) => (f === '/w/c.yaml' ? '' : text));
    assert.deepEqual([past.line, past.start, past.end], [0, 7, 8], 'the last written character');
    assert.deepEqual([empty.line, empty.start, empty.end], [0, 7, 8], 'the last character written before it');
    assert.deepEqual([nothing.line, nothing.start, nothing.end], [0, 0, 0]);
    const [unread] = cascMarks([{ ...problems[0], file: '/w/b.yaml' }], () => null);
    assert.deepEqual([unread.line, unread.start, unread.end], [0, 11, 12]);
  });

  it('orders marks by file, line and column, and skips a leading BOM like the parser', () => {
    const text = '\ufeffa: 1\nb: 2\n';
    const marks = cascMarks(
      [
        { file: '/w/b.yaml', line: 1, column: 1, severity: 'error', message: 'b1' },
        { file: '/w/a.yaml', line: 2, column: 1, severity: 'error', message: 'a2' },
        { file: '/w/a.yaml', line: 1, column: 1, severity: 'error', message: 'a1' },
      ],
      () => text,
    );
    assert.deepEqual(
      marks.map((m) => m.message),
      ['a1', 'a2', 'b1'],
    );
    assert.deepEqual([marks[0].start, marks[0].end], [0, 4], '`a: 1` without the BOM');
  });
});
