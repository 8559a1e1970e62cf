import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import {
  labelAtoms,
  labelMatches,
  parseLabelExpression,
  type LabelExpression,
} from '../../../../src/core/jenkins/labels';

const on = (...labels: string[]) => new Set(labels);
const match = (expr: string, ...labels: string[]) => {
  const parsed = parseLabelExpression(expr);
  assert.equal(parsed.error, null, `${expr}: ${parsed.error}`);
  return labelMatches(parsed.expression, on(...labels));
};

describe('jenkins/labels', () => {
  it('a plain label matches agents carrying it', () => {
    assert.equal(match('linux', 'linux', 'ec2'), true);
    assert.equal(match('linux', 'windows'), false);
    assert.equal(
      match('ec2-linux_x86.64/a', 'ec2-linux_x86.64/a'),
      true,
      'hyphens, dots, slashes are label characters',
    );
  });

  it('&&, ||, ! with Jenkins precedence (! > && > || > -> > <->)', () => {
    assert.equal(match('linux && ec2', 'linux', 'ec2'), true);
    assert.equal(match('linux && ec2', 'linux'), false);
    assert.equal(match('a || b && c', 'a'), true, 'a || (b && c)');
    assert.equal(match('a || b && c', 'b'), false);
    assert.equal(match('!a && b', 'b'), true, '(!a) && b');
    assert.equal(match('!a && b', 'a', 'b'), false);
    assert.equal(match('!(a && b)', 'a'), true);
    assert.equal(match('a && b && c', 'a', 'b', 'c'), true, 'chains of one operator');
    assert.equal(match('a && b && c', 'a', 'b'), false);
  });

  it('-> is implication and <-> equivalence, looser than ||', () => {
    assert.equal(match('a -> b'), true, 'no a: implied');
    assert.equal(match('a -> b', 'a'), false);
    assert.equal(match('a -> b', 'a', 'b'), true);
    assert.equal(match('a <-> b'), true);
    assert.equal(match('a <-> b', 'b'), false);
    assert.equal(match('a || b -> c', 'b'), false, '(a || b) -> c');
    assert.equal(match('a -> b <-> c', 'c'), true, '(a -> b) <-> c: true <-> true');
  });

  it('double-quoted atoms with escapes', () => {
    assert.equal(match('"my label" || x', 'my label'), true);
    assert.equal(match('"a\\"b"', 'a"b'), true);
  });

  it('text Jenkins cannot parse is one atom, with the reason (Jenkins.getLabel does the same)', () => {
    for (const text of ['linux ec2', 'a && ', '(a || b', 'a->b', 'a &&& b', "it's"]) {
      const parsed = parseLabelExpression(text);
      assert.ok(parsed.error, text);
      assert.deepEqual(parsed.expression, { type: 'atom', name: text });
    }
    assert.match(parseLabelExpression('linux ec2').error!, /two labels without an operator/);
  });

  it('evaluation agrees with the boolean formula for random expressions (property)', () => {
    const atom = fc.constantFrom('a', 'b', 'c');
    const expr: fc.Arbitrary<LabelExpression> = fc.letrec<{ e: LabelExpression }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        atom.map((name) => ({ type: 'atom' as const, name })),
        tie('e').map((operand) => ({ type: 'not' as const, operand })),
        fc
          .tuple(
            fc.constantFrom('and', 'or', 'implies', 'iff') as fc.Arbitrary<'and' | 'or' | 'implies' | 'iff'>,
            tie('e'),
            tie('e'),
          )
          .map(([type, left, right]) => ({ type, left, right })),
      ),
    })).e;
    const print = (e: LabelExpression): string => {
      if (e.type === 'atom') return e.name;
      if (e.type === 'not') return `!(${print(e.operand)})`;
      const op = { and: '&&', or: '||', implies: '->', iff: '<->' }[e.type];
      return `(${print(e.left)}) ${op} (${print(e.right)})`;
    };
    const truth = (e: LabelExpression, has: Set<string>): boolean => {
      if (e.type === 'atom') return has.has(e.name);
      if (e.type === 'not') return !truth(e.operand, has);
      const l = truth(e.left, has);
      const r = truth(e.right, has);
      return e.type === 'and' ? l && r : e.type === 'or' ? l || r : e.type === 'implies' ? !l || r : l === r;
    };
    fc.assert(
      fc.property(expr, fc.subarray(['a', 'b', 'c']), (e, labels) => {
        const parsed = parseLabelExpression(print(e));
        assert.equal(parsed.error, null);
        assert.equal(labelMatches(parsed.expression, new Set(labels)), truth(e, new Set(labels)));
      }),
      { numRuns: 300 },
    );
  });

  it('lists the atoms an expression names', () => {
    assert.deepEqual(labelAtoms(parseLabelExpression('linux && (ec2 || !docker)').expression), [
      'linux',
      'ec2',
      'docker',
    ]);
  });
});
