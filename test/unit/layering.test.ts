// The engine must run outside VS Code and without the AWS SDK: enforce the layering on the sources.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('layering', () => {
  it('only src/vscode imports vscode', () => {
    const offenders = files('src').filter(
      (f) =>
        !f.startsWith(join('src', 'vscode')) &&
        /from ['"]vscode['"]|require\(['"]vscode['"]\)/.test(readFileSync(f, 'utf8')),
    );
    assert.deepEqual(offenders, []);
  });
  it('src/core never imports the AWS SDK or src/aws', () => {
    const offenders = files(join('src', 'core')).filter((f) =>
      /from ['"](@aws-sdk\/|\.\.\/(\.\.\/)?aws)/.test(readFileSync(f, 'utf8')),
    );
    assert.deepEqual(offenders, []);
  });
  it('src has no import cycle (type-only imports count)', () => {
    const all = files('src');
    const known = new Set(all);
    const edges = new Map<string, string[]>();
    for (const f of all) {
      const deps: string[] = [];
      for (const m of readFileSync(f, 'utf8').matchAll(
        /(?:^|\n)\s*(?:import|export)\s[^'"`;]*?from\s*['"](\.[^'"]+)['"]/g,
      )) {
        const base = join(dirname(f), m[1]);
        const target = [base, base + '.ts', join(base, 'index.ts')].find((x) => known.has(x));
        if (target && target !== f) deps.push(target);
      }
      edges.set(f, deps);
    }
    // Depth-first search: a dependency still on the stack closes a cycle.
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const stack: string[] = [];
    const visit = (f: string): void => {
      state.set(f, 'open');
      stack.push(f);
      for (const d of edges.get(f) ?? []) {
        if (state.get(d) === 'open') cycles.push([...stack.slice(stack.indexOf(d)), d].join(' -> '));
        else if (!state.has(d)) visit(d);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of all) if (!state.has(f)) visit(f);
    assert.deepEqual(cycles, []);
  });
  it('every finding is made in src/core/rules (extraction returns usages and facts)', () => {
    const makers = files('src').filter(
      (f) =>
        !f.startsWith(join('src', 'core', 'rules')) &&
        f !== join('src', 'core', 'types.ts') &&
        /\bfinding\(/.test(readFileSync(f, 'utf8')),
    );
    assert.deepEqual(makers, []);
  });
});
