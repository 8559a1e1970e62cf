// A line-preserving reader/writer for the AWS CLI's ini files: comments, blank lines, unknown keys and
// other profiles survive a rewrite byte for byte; only the section being replaced changes.

export interface IniLine {
  /** The line as written, without its line ending. */
  text: string;
  kind: 'section' | 'entry' | 'comment' | 'blank' | 'other';
  /** For `section`: the text between the brackets, trimmed. */
  section?: string;
  /** For `entry`: key and value, trimmed. */
  key?: string;
  value?: string;
}

export interface IniDocument {
  lines: IniLine[];
  /** The line ending the file used (kept on rewrite). */
  eol: '\n' | '\r\n';
}

/** Parses ini text into lines; never throws (odd lines are kept as `other`). */
export function parseIni(text: string): IniDocument {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const raw = text.split(/\r?\n/);
  if (raw.length > 0 && raw[raw.length - 1] === '') raw.pop();
  const lines: IniLine[] = raw.map((line) => {
    const trimmed = line.trim();
    if (trimmed === '') return { text: line, kind: 'blank' };
    if (trimmed.startsWith('#') || trimmed.startsWith(';')) return { text: line, kind: 'comment' };
    const section = /^\[([^\]]*)\]\s*(?:[#;].*)?$/.exec(trimmed);
    if (section) return { text: line, kind: 'section', section: section[1].trim() };
    const eq = line.indexOf('=');
    if (eq > 0) return { text: line, kind: 'entry', key: line.slice(0, eq).trim(), value: line.slice(eq + 1).trim() };
    return { text: line, kind: 'other' };
  });
  return { lines, eol };
}

/** Key/value pairs of one section (later keys win, as in the AWS CLI); null when absent. */
export function sectionEntries(doc: IniDocument, section: string): Record<string, string> | null {
  let inside = false;
  let found = false;
  const out: Record<string, string> = {};
  for (const line of doc.lines) {
    if (line.kind === 'section') {
      inside = line.section === section;
      if (inside) found = true;
    } else if (inside && line.kind === 'entry' && line.key !== undefined && !/^\s/.test(line.text)) {
      // Indented lines belong to a nested block (e.g. `s3 =` settings): not profile keys.
      out[line.key] = line.value ?? '';
    }
  }
  return found ? out : null;
}

/** Names of all sections, in file order. */
export function sectionNames(doc: IniDocument): string[] {
  return doc.lines.filter((l) => l.kind === 'section').map((l) => l.section as string);
}

/**
 * Replaces the body of `section` with `entries` (or appends the section), keeping every other line.
 * Comment lines directly inside the replaced section are kept; its old entries are dropped.
 */
export function replaceSection(doc: IniDocument, section: string, entries: Array<[string, string]>): IniDocument {
  const out: IniLine[] = [];
  const body: IniLine[] = entries.map(([key, value]) => ({ text: `${key} = ${value}`, kind: 'entry', key, value }));
  let inside = false;
  let replaced = false;
  for (const line of doc.lines) {
    if (line.kind === 'section') {
      if (inside) inside = false;
      if (line.section === section) {
        if (replaced) {
          // A duplicate section: drop it, the first one now holds the values.
          inside = true;
          continue;
        }
        out.push(line, ...body);
        inside = true;
        replaced = true;
        continue;
      }
    }
    if (inside) {
      if (line.kind === 'comment' || line.kind === 'blank') out.push(line);
      continue;
    }
    out.push(line);
  }
  if (!replaced) {
    if (out.length > 0 && out[out.length - 1].kind !== 'blank') out.push({ text: '', kind: 'blank' });
    out.push({ text: `[${section}]`, kind: 'section', section }, ...body);
  }
  return { lines: out, eol: doc.eol };
}

/** Removes a section and its lines; other lines stay. */
export function removeSection(doc: IniDocument, section: string): IniDocument {
  const out: IniLine[] = [];
  let inside = false;
  for (const line of doc.lines) {
    if (line.kind === 'section') inside = line.section === section;
    if (!inside) out.push(line);
  }
  return { lines: out, eol: doc.eol };
}

/** Serializes back to text with a final line ending. */
export function stringifyIni(doc: IniDocument): string {
  return doc.lines.length === 0 ? '' : doc.lines.map((l) => l.text).join(doc.eol) + doc.eol;
}
