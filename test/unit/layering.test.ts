// The engine must run outside VS Code and without the AWS SDK: enforce the layering on the sources.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('layering', () => {
  it('only src/vscode imports vscode', () => {
    const offenders = files('src').filter((f) => !f.startsWith(join('src', 'vscode')) && /from ['"]vscode['"]|require\(['"]vscode['"]\)/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(offenders, []);
  });
  it('src/core never imports the AWS SDK or src/aws', () => {
    const offenders = files(join('src', 'core')).filter((f) => /from ['"](@aws-sdk\/|\.\.\/(\.\.\/)?aws)/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(offenders, []);
  });
});
