// The read-only trust policy view: pretty-prints a policy and knows where each statement sits, so a
// diagnostic's related information can select the statement that decided it.

export interface StatementSpan {
  index: number;
  sid: string | null;
  start: number;
  end: number;
}

export interface PolicyView {
  text: string;
  statements: StatementSpan[];
  /** Set when the policy is not valid JSON: the raw text is shown as is. */
  parseError: string | null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Pretty-prints policy JSON (2 spaces) and records each statement's offsets; invalid JSON is returned raw. */
export function policyView(raw: string): PolicyView {
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch (err) {
    return { text: raw, statements: [], parseError: err instanceof Error ? err.message : String(err) };
  }
  if (!isRecord(doc)) return { text: JSON.stringify(doc, null, 2), statements: [], parseError: null };
  const statements: StatementSpan[] = [];
  const entries = Object.entries(doc);
  let text = '{\n';
  entries.forEach(([key, value], i) => {
    text += `  ${JSON.stringify(key)}: `;
    if (key === 'Statement' && (Array.isArray(value) || isRecord(value))) {
      const list = Array.isArray(value) ? value : [value];
      const single = !Array.isArray(value);
      if (!single) text += '[\n';
      list.forEach((stmt, k) => {
        const pad = single ? '  ' : '    ';
        const body = JSON.stringify(stmt, null, 2).split('\n').join(`\n${pad}`);
        if (!single) text += pad;
        const start = text.length;
        text += body;
        statements.push({
          index: k,
          sid: isRecord(stmt) && typeof stmt.Sid === 'string' ? stmt.Sid : null,
          start,
          end: text.length,
        });
        if (!single) text += k < list.length - 1 ? ',\n' : '\n';
      });
      if (!single) text += '  ]';
    } else {
      text += JSON.stringify(value, null, 2).split('\n').join('\n  ');
    }
    text += i < entries.length - 1 ? ',\n' : '\n';
  });
  text += '}\n';
  return { text, statements, parseError: null };
}

/** Finds a statement by the engine's label: its Sid when non-empty, else its 0-based index as text. */
export function findStatement(view: PolicyView, label: string | undefined | null): StatementSpan | null {
  if (label === undefined || label === null || label === '') return null;
  const bySid = view.statements.find((s) => s.sid !== null && s.sid !== '' && s.sid === label);
  if (bySid) return bySid;
  return /^\d+$/.test(label) ? (view.statements[Number(label)] ?? null) : null;
}

/** Short summary of a statement for tree items: effect, principals, condition keys. */
export function describeStatement(stmt: unknown): { label: string; principals: string[]; conditions: string[] } {
  if (!isRecord(stmt)) return { label: 'statement', principals: [], conditions: [] };
  const effect = typeof stmt.Effect === 'string' ? stmt.Effect : '?';
  const principals: string[] = [];
  const pr = stmt.Principal ?? stmt.NotPrincipal;
  const prefix = stmt.NotPrincipal !== undefined ? 'NotPrincipal ' : '';
  if (pr === '*') principals.push(`${prefix}*`);
  else if (isRecord(pr)) {
    for (const [kind, v] of Object.entries(pr)) {
      for (const p of Array.isArray(v) ? v : [v]) principals.push(`${prefix}${kind}: ${String(p)}`);
    }
  }
  const conditions: string[] = [];
  if (isRecord(stmt.Condition)) {
    for (const [op, block] of Object.entries(stmt.Condition)) {
      if (!isRecord(block)) continue;
      for (const [key, v] of Object.entries(block)) {
        const values = Array.isArray(v) ? v : [v];
        // ExternalId values in a trust policy are shared secrets of a kind: show the key, not the value.
        const shown = /externalid/i.test(key)
          ? `(${values.length} value${values.length === 1 ? '' : 's'})`
          : JSON.stringify(v);
        conditions.push(`${op} ${key} ${shown}`);
      }
    }
  }
  const sid = typeof stmt.Sid === 'string' && stmt.Sid !== '' ? `${stmt.Sid}: ` : '';
  return { label: `${sid}${effect}`, principals, conditions };
}

/** The statements of a policy text as parsed objects ([] for invalid JSON). */
export function statementsOf(raw: string): unknown[] {
  try {
    const doc: unknown = JSON.parse(raw);
    if (!isRecord(doc)) return [];
    const s = doc.Statement;
    return Array.isArray(s) ? s : s === undefined ? [] : [s];
  } catch {
    return [];
  }
}
