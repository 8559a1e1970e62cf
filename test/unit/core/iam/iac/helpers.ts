// Reading IaC texts in tests the way the CLI does (same readers, the real HCL grammar from node_modules).
import { loadHclParser } from '../../../../../src/cli/iac';
import { readIac, type IacEntry, type IacModel } from '../../../../../src/core/iam/iac/index';
import type { RoleRecord } from '../../../../../src/core/ports';
import { LineMap, type Range } from '../../../../../src/core/types';

export const ENTRY: IacEntry = { path: 'infra', account: '333333333333', region: 'eu-west-1', parameters: {} };

/** Reads texts by file name (`.tf` files as one module). */
export async function read(
  files: Record<string, string>,
  entry: Partial<IacEntry> = {},
  /** Files file() / templatefile() may read, by path relative to the module's folder. */
  moduleFiles?: Record<string, string>,
): Promise<{ model: IacModel; errors: string[] }> {
  const texts = Object.entries(files).map(([file, text]) => ({
    file,
    text,
    entry: { ...ENTRY, ...entry },
    module: 'infra',
  }));
  const hcl = texts.some((t) => t.file.endsWith('.tf')) ? await loadHclParser() : null;
  return readIac(
    texts,
    hcl,
    moduleFiles
      ? (module, path) => {
          const key = path.replace(/^(\.\/)+/, '');
          return module === 'infra' && key in moduleFiles ? { text: moduleFiles[key] } : { error: 'no such file' };
        }
      : undefined,
  );
}

/** The one role of a model with the name, failing clearly when absent. */
export function role(model: IacModel, name: string): RoleRecord {
  const found = model.roles.find((r) => r.roleName === name);
  if (!found)
    throw new Error(
      `no role ${name}; roles: ${model.roles.map((r) => r.roleName).join(', ')}; pending: ${model.pending.map((p) => p.reason).join('; ')}; unresolved: ${model.unresolved.map((u) => u.message).join('; ')}`,
    );
  return found;
}

/** The trust policy of a role as plain JSON. */
export function trustOf(model: IacModel, name: string): any {
  return JSON.parse(role(model, name).trustPolicy.text);
}

/** The text a range covers in a file. */
export function textAt(text: string, range: Range | undefined): string {
  if (!range) throw new Error('no range');
  return text.slice(range.start, range.end);
}

export function lineAt(text: string, offset: number): number {
  return new LineMap(text).position(offset).line;
}
