// unresolved-reference: one info per value the analysis could not resolve, saying how to provide it;
// out-of-scope-variable: an error where the value is a variable the method cannot see (the build fails there).
import { finding, type Finding, type Fix, type Usage } from '../types';

/** One `unresolved-reference` (or `out-of-scope-variable`) finding per unresolved value of a usage. */
export function unresolvedRule(usage: Usage): Finding[] {
  return usage.unresolved.map((u) =>
    finding(u.code ?? 'unresolved-reference', usage.file, u.range, u.message, {
      roleArn: usage.roleArn,
      ...(u.fieldFix ? { fixes: [fieldFix(u.fieldFix)] } : {}),
    }),
  );
}

/** `@Field` before a script-body local's declaration (and the import when the file lacks it): methods then see it. */
function fieldFix(f: { name: string; at: number; importAt: number | null }): Fix {
  const edits = [];
  if (f.importAt !== null) edits.push({ offset: f.importAt, length: 0, content: 'import groovy.transform.Field\n' });
  edits.push({ offset: f.at, length: 0, content: '@Field ' });
  return { title: `Annotate ${f.name} with @Field so methods see it`, edits, isPreferred: true };
}
