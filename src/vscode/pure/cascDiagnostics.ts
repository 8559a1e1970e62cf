// Problems of a Jenkins configuration-as-code file (not YAML, a key of the wrong shape, an `inheritFrom`
// naming nothing, a `${...}` value where RoleCall needs one, an instance profile the IAM data lacks), as
// marks to show on the YAML file itself, the way the CLI prints them as `FILE:LINE:COL: error|warning: …`.
// A mark covers the rest of its line from the problem's column (the key and its value), so the squiggle
// sits where the person has to look. Pure: the texts come from the caller.
import type { CascProblem } from '../../core/jenkins/model';

export interface CascMark {
  file: string;
  severity: 'error' | 'warning';
  message: string;
  /** 0-based line and UTF-16 characters of the marked range (on one line). */
  line: number;
  start: number;
  end: number;
}

/**
 * One mark per distinct problem (a problem of a file is also in the directory built from it: it is shown
 * once), in file, line and column order. `textOf` gives a file's text as read (null: the range is the
 * problem's column alone). A mark covers the rest of its line from the problem's column; a problem on an empty
 * line (the end of the file) marks the last character written before it.
 */
export function cascMarks(problems: readonly CascProblem[], textOf: (file: string) => string | null): CascMark[] {
  const seen = new Set<string>();
  const lines = new Map<string, string[] | null>();
  const linesOf = (file: string): string[] | null => {
    if (!lines.has(file)) {
      const text = textOf(file);
      lines.set(
        file,
        text === null ? null : (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r\n|\r|\n/),
      );
    }
    return lines.get(file) ?? null;
  };
  const out: CascMark[] = [];
  for (const p of problems) {
    const key = `${p.file}\0${p.line}\0${p.column}\0${p.severity}\0${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    let line = Math.max(0, p.line - 1);
    const all = linesOf(p.file);
    let start = Math.max(0, p.column - 1);
    let end = start + 1;
    if (all !== null) {
      const written = (n: number) => (all[n] ?? '').replace(/\s+$/, '').length;
      if (written(line) === 0) {
        // An empty line (a problem at the end of the file, like an unclosed `{`): the last character written before it.
        let before = Math.min(line, all.length) - 1;
        while (before >= 0 && written(before) === 0) before--;
        if (before >= 0) [line, start] = [before, Number.MAX_SAFE_INTEGER];
      }
      const last = written(line);
      if (start < last) end = last;
      else if (last > 0)
        [start, end] = [last - 1, last]; // past the end of what is written: its last character
      else [start, end] = [0, 0]; // nothing written before it: the editor marks the place
    }
    out.push({ file: p.file, severity: p.severity, message: p.message, line, start, end });
  }
  return out.sort((a, b) =>
    a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.line !== b.line ? a.line - b.line : a.start - b.start,
  );
}
