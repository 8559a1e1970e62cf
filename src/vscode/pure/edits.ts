// Source edits behind the UI-only quick fixes. Plain `{offset, length, content}` records (as in
// node-jsonc-parser) so they are tested without an editor; codeActions.ts turns them into WorkspaceEdits.
import type { Range, TextEdit } from '../../core/types';

export const MIN_DURATION = 900;
export const MAX_DURATION = 43_200;
export const ROLE_CHAINING_MAX = 3600;

/** Inserts `name: value` as the first named argument of the call whose identifier ends at `anchorEnd`. */
export function insertNamedArg(text: string, anchorEnd: number, arg: string): TextEdit | null {
  let i = anchorEnd;
  while (i < text.length && /\s/.test(text[i])) i++;
  if (text[i] !== '(') return null;
  let j = i + 1;
  while (j < text.length && /[ \t]/.test(text[j])) j++;
  const empty = text[j] === ')';
  return { offset: i + 1, length: 0, content: empty ? arg : `${arg}, ` };
}

/** A duration STS and the role accept: within 900..min(max, 43200). */
export function clampDuration(seconds: number, max: number): number {
  const upper = Math.max(MIN_DURATION, Math.min(max, MAX_DURATION));
  return Math.max(MIN_DURATION, Math.min(Math.floor(seconds), upper));
}

/** Turns any text into a valid role session name (`[\w+=,.@-]{2,64}`). */
export function sanitizeSessionName(name: string): string {
  let out = name.replace(/[^\w+=,.@-]/g, '-').replace(/-{2,}/g, '-');
  if (out.length < 2) out = (out + 'rolecall').slice(0, Math.max(2, out.length + 8));
  return out.slice(0, 64);
}

/** Levenshtein distance, for "did you mean" replacements. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/**
 * The closest candidates to `name`, best first, at most `limit`: names sharing a prefix or contained
 * in one another first (`jenkins-deployer` → `jenkins`), then by case-insensitive edit distance.
 */
export function nearest(name: string, candidates: string[], limit = 3): string[] {
  const lower = name.toLowerCase();
  const related = (c: string): boolean => {
    const l = c.toLowerCase();
    return l.length > 1 && (lower.includes(l) || l.includes(lower));
  };
  return [...new Set(candidates)]
    .filter((c) => c !== name)
    .map((c) => ({ c, d: editDistance(lower, c.toLowerCase()), r: related(c) ? 0 : 1 }))
    .filter(({ d, r, c }) => r === 0 || d <= Math.max(3, Math.ceil(Math.max(c.length, name.length) / 2)))
    .sort((x, y) => x.r - y.r || x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, limit)
    .map(({ c }) => c);
}

/** A plain quoted literal (`'x'` or `"x"` without interpolation) at the range, with its inner value. */
export function literalAt(text: string, range: Range): { quote: string; value: string } | null {
  const raw = text.slice(range.start, range.end);
  const m = /^(['"])([^'"\\$\n]*)\1$/.exec(raw);
  return m ? { quote: m[1], value: m[2] } : null;
}

/** Replaces a quoted literal's inner value, keeping its quotes. Null when the range is not a plain literal. */
export function replaceLiteral(text: string, range: Range, value: string): TextEdit | null {
  const lit = literalAt(text, range);
  if (!lit) return null;
  return { offset: range.start, length: range.end - range.start, content: `${lit.quote}${value}${lit.quote}` };
}

/** Replaces the role name inside a literal that is either a bare name or a role ARN. */
export function replaceRoleName(text: string, range: Range, newName: string): TextEdit | null {
  const lit = literalAt(text, range);
  if (!lit) return null;
  const m = /^(arn:[\w-]+:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*)([\w+=,.@-]+)$/.exec(lit.value);
  return replaceLiteral(text, range, m ? m[1] + newName : newName);
}

/** A Jenkins string credential bound in the text: `string(credentialsId: 'id', variable: 'VAR')` or `X = credentials('id')`. */
export interface StringCredentialBinding {
  credentialsId: string;
  variable: string;
  offset: number;
}

/** String credential bindings written before `before` (the ones that may be in scope at a call). */
export function stringCredentialBindings(text: string, before = text.length): StringCredentialBinding[] {
  const out: StringCredentialBinding[] = [];
  const head = text.slice(0, before);
  const call = /\bstring\s*\(([^()]*)\)/g;
  for (let m = call.exec(head); m; m = call.exec(head)) {
    const id = /credentialsId\s*:\s*['"]([^'"]+)['"]/.exec(m[1]);
    const variable = /variable\s*:\s*['"](\w+)['"]/.exec(m[1]);
    if (id && variable) out.push({ credentialsId: id[1], variable: variable[1], offset: m.index });
  }
  const env = /\b([A-Za-z_]\w*)\s*=\s*credentials\s*\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (let m = env.exec(head); m; m = env.exec(head))
    out.push({ credentialsId: m[2], variable: m[1], offset: m.index });
  return out.sort((a, b) => b.offset - a.offset);
}

function lineStart(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r') i--;
  return i;
}

function lineEnd(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  return i;
}

/**
 * Moves a literal secret out of the call: wraps the call's lines in `withCredentials([string(...)])`
 * and puts the variable where the literal was. The value itself goes into Jenkins' credential store,
 * by hand; the edit never repeats it.
 */
export function wrapInWithCredentials(
  text: string,
  call: Range,
  secret: Range,
  credentialsId: string,
  variable: string,
): TextEdit[] {
  const first = lineStart(text, call.start);
  const last = lineEnd(text, Math.max(call.start, call.end - 1));
  const indent = /^[ \t]*/.exec(text.slice(first, call.start))?.[0] ?? '';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const unit = indent.includes('\t') ? '\t' : '    ';
  const raw = text.slice(secret.start, secret.end);
  const whole = /^(['"]).*\1$/s.test(raw);
  const replacement = whole ? `env.${variable}` : `\${${variable}}`;
  const edits: TextEdit[] = [
    {
      offset: first,
      length: 0,
      content: `${indent}withCredentials([string(credentialsId: '${credentialsId}', variable: '${variable}')]) {${eol}`,
    },
  ];
  // Indent every line of the call one level, replacing the secret on the way.
  let pos = first;
  while (pos <= last) {
    edits.push({ offset: pos, length: 0, content: unit });
    const end = lineEnd(text, pos);
    pos = end + (text.startsWith('\r\n', end) ? 2 : 1);
  }
  edits.push({ offset: secret.start, length: secret.end - secret.start, content: replacement });
  edits.push({ offset: last, length: 0, content: `${eol}${indent}}` });
  // Stable sort: at one offset the `withCredentials` line must come before the indent.
  return edits.sort((a, b) => a.offset - b.offset);
}

/** Applies edits (non-overlapping) to text: used by tests and by previews. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].map((e, i) => ({ e, i })).sort((a, b) => b.e.offset - a.e.offset || b.i - a.i);
  let out = text;
  for (const { e } of sorted) out = out.slice(0, e.offset) + e.content + out.slice(e.offset + e.length);
  return out;
}
