// Finds `aws sts assume-role` / `aws sts get-session-token` commands in shell script text. A small
// tolerant shell word scanner, not a shell: it knows enough of quoting, substitutions, separators,
// comments and heredocs to tell an executed `aws` command word from the same letters inside an
// `echo '...'` argument, and it never throws. Offsets are indices into the script text.

export type ShellDialect = 'sh' | 'bat' | 'powershell';

/**
 * Characters in this private-use range stand for Groovy `${...}` interpolations of the step's string:
 * the caller substitutes one such character per interpolation before scanning, and gets it back as
 * an `interp` segment (Groovy expands them before the shell sees the script, even inside `'...'`).
 */
export const PLACEHOLDER_BASE = 0xe000;
export const PLACEHOLDER_LIMIT = 0xf8ff;

export type ShellSegment =
  /** Literal text; `offsets[i]` is the script index of `value[i]`. */
  | { kind: 'text'; value: string; offsets: number[] }
  /** A shell variable reference: `$X`, `${X}`, `${X:-d}`, `%X%` (bat), `$env:X` (PowerShell). */
  | { kind: 'var'; name: string; start: number; end: number }
  /** A Groovy interpolation placeholder (see PLACEHOLDER_BASE); `index` counts from 0. */
  | { kind: 'interp'; index: number; start: number; end: number }
  /** Command or arithmetic substitution `$(...)`, backticks: a value only known at run time. */
  | { kind: 'subst'; start: number; end: number };

/** One shell word after quote removal, as segments. */
export interface ShellWord {
  start: number;
  end: number;
  segments: ShellSegment[];
  /** Display text: literal text, `${NAME}` for variables, `${…}` for interpolations, `$(…)` for substitutions. */
  text: string;
}

export type AwsStsOperation = 'assume-role' | 'get-session-token';

/** An `aws sts assume-role` / `aws sts get-session-token` command found in a script. */
export interface AwsStsCall {
  operation: AwsStsOperation;
  /** The `aws` command word. */
  awsStart: number;
  awsEnd: number;
  /** End of the command's last word. */
  end: number;
  /** Options after the operation, keyed without dashes (`role-arn`); `true` for flags without value. */
  options: Record<string, ShellWord | true>;
  /** Global options written before the service (`--profile`, `--region`, ...). */
  globals: Record<string, ShellWord | true>;
  /** Option names as written, for ranges: key → the `--flag` word's start. */
  optionStarts: Record<string, number>;
}

/** aws CLI options that take no value (everything else starting with `--` takes the next word). */
const AWS_BOOLEAN_FLAGS = new Set([
  'debug',
  'no-verify-ssl',
  'no-paginate',
  'no-sign-request',
  'no-cli-pager',
  'cli-auto-prompt',
  'no-cli-auto-prompt',
  'generate-cli-skeleton',
  'version',
  'help',
]);

/** Words that may precede the command word without being it. */
const COMMAND_PREFIXES = new Set([
  'env',
  'sudo',
  'time',
  'exec',
  'command',
  'nohup',
  'builtin',
  'then',
  'do',
  'else',
  'elif',
  'if',
  'while',
  'until',
  '!',
  '{',
  '}',
  'call',
  '&',
  'Invoke-Expression',
  'iex',
]);

function isPlaceholder(code: number): boolean {
  return code >= PLACEHOLDER_BASE && code <= PLACEHOLDER_LIMIT;
}

function isNameStart(c: string): boolean {
  return /[A-Za-z_]/.test(c);
}

function isNameChar(c: string): boolean {
  return /[A-Za-z0-9_]/.test(c);
}

class WordBuilder {
  segments: ShellSegment[] = [];
  private text: { value: string; offsets: number[] } | null = null;

  constructor(readonly start: number) {}

  char(c: string, offset: number): void {
    if (!this.text) {
      this.text = { value: '', offsets: [] };
      this.segments.push({ kind: 'text', value: '', offsets: this.text.offsets });
    }
    this.text.value += c;
    this.text.offsets.push(offset);
    (this.segments[this.segments.length - 1] as { value: string }).value = this.text.value;
  }

  push(segment: ShellSegment): void {
    this.text = null;
    this.segments.push(segment);
  }

  private quoted = false;

  /** Marks a quoted part, so that `''` alone still makes a (empty) word. */
  touch(): void {
    this.quoted = true;
  }

  build(end: number): ShellWord {
    if (this.segments.length === 0 && this.quoted) this.segments.push({ kind: 'text', value: '', offsets: [] });
    return { start: this.start, end, segments: this.segments, text: segmentsText(this.segments) };
  }
}

/** Display text of segments (variables as `${NAME}`). */
export function segmentsText(segments: readonly ShellSegment[]): string {
  let out = '';
  for (const s of segments) {
    if (s.kind === 'text') out += s.value;
    else if (s.kind === 'var') out += '${' + s.name + '}';
    else if (s.kind === 'interp') out += '${…}';
    else out += '$(…)';
  }
  return out;
}

/** Slices a word's segments after text index `from` (counted in display-free literal characters of text segments). */
function sliceAfterEquals(word: ShellWord): ShellWord | null {
  const out: ShellSegment[] = [];
  let found = false;
  let start = word.end;
  for (const seg of word.segments) {
    if (found) {
      out.push(seg);
      continue;
    }
    if (seg.kind !== 'text') continue;
    const k = seg.value.indexOf('=');
    if (k < 0) continue;
    found = true;
    const value = seg.value.slice(k + 1);
    const offsets = seg.offsets.slice(k + 1);
    start = offsets.length > 0 ? offsets[0] : seg.offsets[k] + 1;
    if (value.length > 0) out.push({ kind: 'text', value, offsets });
  }
  if (!found) return null;
  if (out.length === 0) out.push({ kind: 'text', value: '', offsets: [] });
  const first = out[0];
  if (first.kind !== 'text') start = first.start;
  return { start, end: word.end, segments: out, text: segmentsText(out) };
}

/** The literal text of a word when it has no variables or substitutions. */
export function literalText(word: ShellWord): string | null {
  let out = '';
  for (const s of word.segments) {
    if (s.kind !== 'text') return null;
    out += s.value;
  }
  return out;
}

/** Range of a word's content without its quotes, when it is one plain text segment; else the word's range. */
export function valueRange(word: ShellWord): { start: number; end: number } {
  if (word.segments.length === 1) {
    const s = word.segments[0];
    if (s.kind === 'text' && s.offsets.length > 0) {
      const first = s.offsets[0];
      const last = s.offsets[s.offsets.length - 1];
      if (last - first === s.offsets.length - 1) return { start: first, end: last + 1 };
    }
  }
  return { start: word.start, end: word.end };
}

type Close = ')' | '`' | null;

/** `NAME=value` in a script (`X=1`, `export X=$(...)`): shell variables a later command can use. */
export interface ShellAssignment {
  name: string;
  /** The value after `=`. */
  value: ShellWord;
  /** Script index of the assignment word. */
  at: number;
}

class Scanner {
  readonly calls: AwsStsCall[] = [];
  readonly assignments: ShellAssignment[] = [];
  private heredocs: Array<{ delimiter: string; stripTabs: boolean; executed: boolean }> = [];
  depth = 0;

  constructor(
    private readonly s: string,
    private readonly dialect: ShellDialect,
  ) {}

  private get escapeChar(): string {
    return this.dialect === 'sh' ? '\\' : this.dialect === 'powershell' ? '`' : '^';
  }

  /** Parses commands from `pos` until `close` (or the end); returns the index after `close`. */
  commands(pos: number, close: Close): number {
    const s = this.s;
    const n = s.length;
    let words: ShellWord[] = [];
    const flush = (): void => {
      if (words.length > 0) this.command(words);
      words = [];
    };
    this.depth++;
    try {
      while (pos < n) {
        const c = s[pos];
        if (c === ' ' || c === '\t' || c === '\f' || c === '\v') {
          pos++;
          continue;
        }
        if (c === this.escapeChar && (s[pos + 1] === '\n' || (s[pos + 1] === '\r' && s[pos + 2] === '\n'))) {
          pos += s[pos + 1] === '\r' ? 3 : 2;
          continue;
        }
        if (c === '\r' && s[pos + 1] === '\n') {
          pos++;
          continue;
        }
        if (c === '\n' || c === '\r') {
          flush();
          pos = this.skipHeredocs(pos + 1);
          continue;
        }
        if (c === '#' && this.dialect !== 'bat') {
          if (this.dialect === 'powershell' && s[pos - 1] === '<') {
            // `<# ... #>` block comment
          }
          while (pos < n && s[pos] !== '\n' && s[pos] !== '\r') pos++;
          continue;
        }
        if (this.dialect === 'powershell' && c === '<' && s[pos + 1] === '#') {
          const endComment = s.indexOf('#>', pos + 2);
          pos = endComment < 0 ? n : endComment + 2;
          continue;
        }
        if (
          this.dialect === 'bat' &&
          words.length === 0 &&
          (s.startsWith('::', pos) || /^rem(\s|$)/i.test(s.slice(pos, pos + 4)))
        ) {
          while (pos < n && s[pos] !== '\n' && s[pos] !== '\r') pos++;
          continue;
        }
        if (close !== null && c === close) {
          flush();
          return pos + 1;
        }
        if (
          c === ';' ||
          c === '&' ||
          c === '|' ||
          (c === '(' && this.dialect !== 'powershell') ||
          c === ')' ||
          (this.dialect === 'powershell' && (c === '{' || c === '}' || c === '('))
        ) {
          flush();
          pos++;
          continue;
        }
        if ((c === '<' && !this.placeholderAt(pos)) || c === '>') {
          if (c === '<' && s[pos + 1] === '<' && s[pos + 2] !== '<' && this.dialect === 'sh') {
            pos = this.heredocStart(
              pos + 2,
              words.length > 0 ? literalText(words[words.length - 1]) : null,
              words.length > 0 ? literalText(words[0]) : null,
            );
            continue;
          }
          while (pos < n && (s[pos] === '<' || s[pos] === '>' || s[pos] === '&' || s[pos] === '|')) pos++;
          while (pos < n && (s[pos] === ' ' || s[pos] === '\t')) pos++;
          // the redirection target is a word that is not part of the command's arguments
          if (pos < n && !/[\s;&|()<>]/.test(s[pos]) && s[pos] !== close) pos = this.word(pos, close).end;
          continue;
        }
        const w = this.word(pos, close);
        if (w.end === pos) {
          pos++;
          continue;
        }
        pos = w.end;
        // `2>&1`: a file descriptor number glued to a redirection is not an argument
        if (/^\d+$/.test(w.text) && (s[pos] === '<' || s[pos] === '>')) continue;
        words.push(w);
      }
      flush();
      return pos;
    } finally {
      this.depth--;
    }
  }

  /**
   * Length of a documentation placeholder such as `<profile>` or `<account id>` at `pos`, else 0.
   * Copied examples keep them; reading them as redirections would lose the command's arguments.
   */
  private placeholderAt(pos: number): number {
    const m = /^<[A-Za-z{][\w .{}-]{0,40}[\w}]>/.exec(this.s.slice(pos, pos + 48));
    return m ? m[0].length : 0;
  }

  /** `<<EOF` after `bash`/`sh`: the body is a script that runs; after `cat` and friends it is data. */
  private heredocStart(pos: number, lastWord: string | null, firstWord: string | null): number {
    const shells = /^(?:.*\/)?(?:ba|z|k|da)?sh$/;
    const executed =
      (lastWord !== null && shells.test(lastWord)) ||
      (firstWord !== null && shells.test(firstWord) && lastWord !== null && /^-/.test(lastWord));
    const s = this.s;
    let stripTabs = false;
    if (s[pos] === '-') {
      stripTabs = true;
      pos++;
    }
    while (pos < s.length && (s[pos] === ' ' || s[pos] === '\t')) pos++;
    const w = this.word(pos, null);
    let delimiter = '';
    for (const seg of w.segments) if (seg.kind === 'text') delimiter += seg.value;
    if (delimiter) this.heredocs.push({ delimiter, stripTabs, executed });
    return Math.max(w.end, pos);
  }

  /** After a newline: skips the bodies of heredocs started on the previous line. */
  private skipHeredocs(pos: number): number {
    const s = this.s;
    while (this.heredocs.length > 0) {
      const { delimiter, stripTabs, executed } = this.heredocs.shift()!;
      const bodyStart = pos;
      let bodyEnd = s.length;
      while (pos < s.length) {
        let lineEnd = pos;
        while (lineEnd < s.length && s[lineEnd] !== '\n' && s[lineEnd] !== '\r') lineEnd++;
        let line = s.slice(pos, lineEnd);
        if (stripTabs) line = line.replace(/^\t+/, '');
        const lineStart = pos;
        pos = lineEnd;
        if (s[pos] === '\r') pos++;
        if (s[pos] === '\n') pos++;
        if (line === delimiter) {
          bodyEnd = lineStart;
          break;
        }
      }
      if (executed && bodyEnd > bodyStart && this.depth < 8) {
        // Scan the body alone, at its own offsets: everything before it blanked out.
        const inner = new Scanner(' '.repeat(bodyStart) + s.slice(bodyStart, bodyEnd), this.dialect);
        inner.depth = this.depth + 1;
        inner.commands(bodyStart, null);
        this.calls.push(...inner.calls);
        this.assignments.push(...inner.assignments);
      }
    }
    return pos;
  }

  private isWordEnd(c: string, close: Close): boolean {
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') return true;
    if (c === close) return true;
    if (c === ';' || c === '&' || c === '|' || c === '<' || c === '>') return true;
    if (c === '(' || c === ')') return this.dialect !== 'powershell' || c === ')';
    if (this.dialect === 'powershell' && (c === '{' || c === '}')) return true;
    return false;
  }

  /** Reads one word starting at `pos`. */
  word(pos: number, close: Close): ShellWord {
    const s = this.s;
    const n = s.length;
    const b = new WordBuilder(pos);
    const esc = this.escapeChar;
    while (pos < n) {
      const c = s[pos];
      const code = s.charCodeAt(pos);
      if (isPlaceholder(code)) {
        b.push({ kind: 'interp', index: code - PLACEHOLDER_BASE, start: pos, end: pos + 1 });
        pos++;
        continue;
      }
      if (c === '<') {
        const len = this.placeholderAt(pos);
        if (len > 0) {
          for (let k = 0; k < len; k++) b.char(s[pos + k], pos + k);
          pos += len;
          continue;
        }
      }
      if (this.isWordEnd(c, close)) break;
      if (c === esc) {
        if (s[pos + 1] === '\n') {
          pos += 2;
          continue;
        }
        if (s[pos + 1] === '\r' && s[pos + 2] === '\n') {
          pos += 3;
          continue;
        }
        if (pos + 1 < n) b.char(s[pos + 1], pos + 1);
        pos += 2;
        continue;
      }
      if (c === "'" && this.dialect !== 'bat') {
        b.touch();
        pos = this.singleQuoted(pos + 1, b);
        continue;
      }
      if (c === '"') {
        b.touch();
        pos = this.doubleQuoted(pos + 1, b);
        continue;
      }
      const expanded = this.expansion(c, pos, b);
      if (expanded > pos) {
        pos = expanded;
        continue;
      }
      b.char(c, pos);
      pos++;
    }
    return b.build(pos);
  }

  private singleQuoted(pos: number, b: WordBuilder): number {
    const s = this.s;
    while (pos < s.length && s[pos] !== "'") {
      const code = s.charCodeAt(pos);
      if (isPlaceholder(code)) b.push({ kind: 'interp', index: code - PLACEHOLDER_BASE, start: pos, end: pos + 1 });
      else b.char(s[pos], pos);
      pos++;
    }
    return Math.min(pos + 1, s.length);
  }

  /**
   * An expansion starting at `pos` (command substitution, `$…` variable, batch `%VAR%`), the same in a bare
   * word and inside double quotes: records it and returns the position after it, or `pos` when none starts.
   */
  private expansion(c: string, pos: number, b: WordBuilder): number {
    if (c === '`' && this.dialect === 'sh') {
      const end = this.commands(pos + 1, '`');
      b.push({ kind: 'subst', start: pos, end });
      return end;
    }
    if (c === '$' && this.dialect !== 'bat') return this.dollar(pos, b);
    if (c === '%' && this.dialect === 'bat') {
      const m = /^%([A-Za-z_][A-Za-z0-9_]*)(?::[^%]*)?%/.exec(this.s.slice(pos, pos + 200));
      if (m) {
        b.push({ kind: 'var', name: m[1], start: pos, end: pos + m[0].length });
        return pos + m[0].length;
      }
    }
    return pos;
  }

  private doubleQuoted(pos: number, b: WordBuilder): number {
    const s = this.s;
    const esc = this.escapeChar;
    while (pos < s.length && s[pos] !== '"') {
      const c = s[pos];
      const code = s.charCodeAt(pos);
      if (isPlaceholder(code)) {
        b.push({ kind: 'interp', index: code - PLACEHOLDER_BASE, start: pos, end: pos + 1 });
        pos++;
        continue;
      }
      if (c === esc && this.dialect !== 'bat') {
        const next = s[pos + 1];
        if (next === '\n') {
          pos += 2;
          continue;
        }
        if (this.dialect === 'powershell' || next === '$' || next === '`' || next === '"' || next === '\\') {
          if (pos + 1 < s.length) b.char(next, pos + 1);
          pos += 2;
          continue;
        }
      }
      const expanded = this.expansion(c, pos, b);
      if (expanded > pos) {
        pos = expanded;
        continue;
      }
      b.char(c, pos);
      pos++;
    }
    return Math.min(pos + 1, s.length);
  }

  /** Handles `$...` at `pos`; returns the index after it, or `pos` when the `$` is a plain character. */
  private dollar(pos: number, b: WordBuilder): number {
    const s = this.s;
    const next = s[pos + 1];
    if (next === '(' && s[pos + 2] === '(' && this.dialect === 'sh') {
      const end = this.matching(pos + 3, '(', ')', 2);
      b.push({ kind: 'subst', start: pos, end });
      return end;
    }
    if (next === '(') {
      const end = this.depth > 50 ? this.matching(pos + 2, '(', ')', 1) : this.commands(pos + 2, ')');
      b.push({ kind: 'subst', start: pos, end });
      return end;
    }
    if (next === '{') {
      const end = this.matching(pos + 2, '{', '}', 1);
      const inner = s.slice(pos + 2, end - 1);
      const m = /^[#!]?([A-Za-z_][A-Za-z0-9_]*|\d+|[@*#?$!-])/.exec(inner);
      b.push({ kind: 'var', name: m ? m[1] : inner, start: pos, end });
      return end;
    }
    if (this.dialect === 'powershell' && /^env:/i.test(s.slice(pos + 1, pos + 5)) && isNameStart(s[pos + 5] ?? '')) {
      let end = pos + 5;
      while (end < s.length && isNameChar(s[end])) end++;
      b.push({ kind: 'var', name: s.slice(pos + 5, end), start: pos, end });
      return end;
    }
    if (next !== undefined && isNameStart(next)) {
      let end = pos + 1;
      while (end < s.length && isNameChar(s[end])) end++;
      b.push({ kind: 'var', name: s.slice(pos + 1, end), start: pos, end });
      return end;
    }
    if (next !== undefined && /[0-9@*#?$!-]/.test(next) && this.dialect === 'sh') {
      b.push({ kind: 'var', name: next, start: pos, end: pos + 2 });
      return pos + 2;
    }
    if (next === "'" && this.dialect === 'sh') {
      // ANSI-C quoting $'...': close enough to single quotes for our purposes
      b.touch();
      return this.singleQuoted(pos + 2, b);
    }
    return pos;
  }

  /** Index after the bracket that closes `depth` open ones (quotes skipped); the end when unbalanced. */
  private matching(pos: number, open: string, close: string, depth: number): number {
    const s = this.s;
    while (pos < s.length) {
      const c = s[pos];
      if (c === '\\') {
        pos += 2;
        continue;
      }
      if (c === "'" || c === '"') {
        const q = s.indexOf(c, pos + 1);
        pos = q < 0 ? s.length : q + 1;
        continue;
      }
      if (c === open) depth++;
      else if (c === close) {
        depth--;
        if (depth === 0) return pos + 1;
      }
      pos++;
    }
    return s.length;
  }

  private command(words: ShellWord[]): void {
    let i = 0;
    let afterPrefix = false;
    const first = literalText(words[0]);
    const declaring =
      first === 'export' || first === 'local' || first === 'declare' || first === 'readonly' || first === 'typeset';
    if (declaring) i = 1;
    // PowerShell `$creds = aws sts ...`
    if (
      this.dialect === 'powershell' &&
      words.length > 2 &&
      words[0].segments.length === 1 &&
      words[0].segments[0].kind === 'var' &&
      words[1].text === '='
    )
      i = 2;
    while (i < words.length) {
      const w = words[i];
      const t = literalText(w);
      if (declaring && t !== null && t.startsWith('-')) {
        i++;
        continue;
      }
      if (
        w.segments.length > 0 &&
        w.segments[0].kind === 'text' &&
        /^[A-Za-z_][A-Za-z0-9_]*=/.test(w.segments[0].value) &&
        this.dialect === 'sh'
      ) {
        const value = sliceAfterEquals(w);
        if (value)
          this.assignments.push({
            name: w.segments[0].value.slice(0, w.segments[0].value.indexOf('=')),
            value,
            at: w.start,
          });
        i++;
        continue;
      }
      if (declaring) return;
      if (t !== null && COMMAND_PREFIXES.has(t)) {
        afterPrefix = true;
        i++;
        continue;
      }
      if (afterPrefix && t !== null && t.startsWith('-')) {
        i++;
        continue;
      }
      break;
    }
    if (i >= words.length) return;
    const cmd = literalText(words[i]);
    if (cmd === null || !/^(?:.*[\\/])?aws(?:\.exe|\.cmd)?$/i.test(cmd)) return;
    const awsWord = words[i];
    const globals: Record<string, ShellWord | true> = {};
    const options: Record<string, ShellWord | true> = {};
    const optionStarts: Record<string, number> = {};
    const positional: string[] = [];
    let j = i + 1;
    while (j < words.length) {
      const w = words[j];
      const t = w.text;
      const target = positional.length >= 2 ? options : positional.length === 0 ? globals : options;
      if (t.startsWith('--') && t.length > 2) {
        const eq = t.indexOf('=');
        const name = (eq >= 0 ? t.slice(2, eq) : t.slice(2)).toLowerCase();
        if (positional.length >= 2) optionStarts[name] = w.start;
        if (eq >= 0) {
          target[name] = sliceAfterEquals(w) ?? true;
          j++;
          continue;
        }
        if (AWS_BOOLEAN_FLAGS.has(name)) {
          target[name] = true;
          j++;
          continue;
        }
        const value = words[j + 1];
        if (value && !(value.text.startsWith('--') && value.text.length > 2)) {
          target[name] = value;
          j += 2;
        } else {
          target[name] = true;
          j++;
        }
        continue;
      }
      positional.push(t.toLowerCase());
      j++;
    }
    if (positional[0] !== 'sts') return;
    const op = positional[1];
    if (op !== 'assume-role' && op !== 'get-session-token') return;
    this.calls.push({
      operation: op,
      awsStart: awsWord.start,
      awsEnd: awsWord.end,
      end: words[words.length - 1].end,
      options,
      globals,
      optionStarts,
    });
  }
}

/** Scans a script: its `aws sts` calls and its shell variable assignments, in script order. */
export function scanShell(
  script: string,
  dialect: ShellDialect = 'sh',
): { calls: AwsStsCall[]; assignments: ShellAssignment[] } {
  const scanner = new Scanner(script, dialect);
  try {
    scanner.commands(0, null);
  } catch {
    // A scanner bug must not take the analysis down; what was found so far stands.
  }
  return {
    calls: scanner.calls.sort((a, b) => a.awsStart - b.awsStart),
    assignments: scanner.assignments.sort((a, b) => a.at - b.at),
  };
}

/** Finds every `aws sts assume-role` / `aws sts get-session-token` command executed by a script. */
export function findAwsStsCalls(script: string, dialect: ShellDialect = 'sh'): AwsStsCall[] {
  return scanShell(script, dialect).calls;
}

/** Reads one option of a call as a word (`--role-arn X`), or null when absent or a bare flag. */
export function optionWord(call: AwsStsCall, name: string): ShellWord | null {
  const v = call.options[name] ?? (name === 'profile' || name === 'region' ? call.globals[name] : undefined);
  return v === undefined || v === true ? null : v;
}
