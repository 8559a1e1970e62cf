// Where a usage's caller came from, as the hover and the Role Trust Explorer show it, and the explorer's
// grouping of a role's usages by caller. No `vscode` here: unit-tested with plain mocha.
import type { CallerSource, Usage } from '../../core/types';

/** A short label for a caller's source: "jenkins.yaml:12 (taskrole)", ".rolecall.json callers.agents.x", "inline agent (taskrole)", "--caller". */
export function callerSourceLabel(source: CallerSource | undefined): string {
  if (!source) return 'unknown source';
  switch (source.kind) {
    case 'jenkins-casc':
      return `${source.file ? baseName(source.file) : 'JCasC'}${source.line ? `:${source.line}` : ''}${source.key ? ` (${source.key})` : ''}`;
    case 'config':
      return `.rolecall.json ${source.key ?? ''}`.trim();
    case 'inline-agent':
      return `inline agent${source.key ? ` (${source.key})` : ''}`;
    case 'pipeline':
      return `enclosing ${source.key ?? 'step'}`;
    case 'caller-flag':
      return 'rolecall.caller / --caller';
    case 'none':
      return 'nothing says';
  }
}

function baseName(file: string): string {
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
}

/** A link target for a JCasC source (the file at its line), else null. */
export function callerSourceTarget(source: CallerSource | undefined): { file: string; line: number } | null {
  return source?.kind === 'jenkins-casc' && source.file ? { file: source.file, line: source.line ?? 1 } : null;
}

/** One caller of a role, with the usages that call as it (in the order given). */
export interface CallerGroup<T> {
  caller: string | null;
  /** The sources that gave this caller (distinct labels), for the group's description. */
  sources: string[];
  items: T[];
}

/**
 * Groups usages by caller: each usage under its caller, and a usage whose label may run as several
 * principals (callerChoices) under each of them. Groups keep the order of their first usage.
 */
export function groupByCaller<T>(items: readonly T[], usageOf: (item: T) => Usage): CallerGroup<T>[] {
  const groups = new Map<string, CallerGroup<T>>();
  for (const item of items) {
    const usage = usageOf(item);
    const choices =
      usage.callerChoices && usage.callerChoices.length > 1
        ? usage.callerChoices.map((c) => ({ caller: c.caller, source: c.source }))
        : [{ caller: usage.caller, source: usage.callerSource }];
    for (const c of choices) {
      const key = c.caller ?? '';
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { caller: c.caller, sources: [], items: [] }));
      const label = callerSourceLabel(c.source);
      if (!g.sources.includes(label)) g.sources.push(label);
      if (!g.items.includes(item)) g.items.push(item);
    }
  }
  return [...groups.values()];
}
