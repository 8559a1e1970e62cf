// Policy documents: from an object, JSON text or the URL-encoded text IAM's API returns, into a typed model
// whose statements and condition clauses keep their positions. Parsing never throws; grammar problems IAM
// would reject are reported as positioned errors (offsets into the decoded text; `toSource` maps them back
// to the text as given, e.g. inside a URL-encoded snapshot string).
import { classifyPrincipal, type PolicyPrincipal } from './arn';
import { type JsonError, type JsonNode, type JsonProperty, parseJsonTree } from './json';
import type { Range } from '../types';

export type { JsonError } from './json';

export type PolicyError = JsonError;

/** A principal value in a statement, with where it is written. */
export interface PrincipalEntry extends PolicyPrincipal {
  range: Range;
}

/** One operator → key → values clause of a Condition block. */
export interface ConditionClause {
  /** The operator as written, e.g. "ForAnyValue:StringLikeIfExists". */
  operator: string;
  /** Without set prefix and IfExists suffix, e.g. "StringLike". */
  baseOperator: string;
  setOperator: 'ForAnyValue' | 'ForAllValues' | null;
  ifExists: boolean;
  /** The condition key as written; IAM compares keys case-insensitively. */
  key: string;
  /** The values, as strings (IAM accepts numbers and booleans too). An empty list never matches. */
  values: string[];
  /** Where the key and its values are written. */
  range: Range;
}

export type Effect = 'Allow' | 'Deny';

export interface PolicyStatement {
  index: number;
  sid: string | null;
  /** The Sid when present and non-empty, else the 0-based index as text (the explain JSON's `statement`). */
  label: string;
  effect: Effect;
  /** Null when the statement has no Principal; `["*"]`-style wildcard is a single wildcard entry. */
  principal: PrincipalEntry[] | null;
  notPrincipal: PrincipalEntry[] | null;
  action: string[] | null;
  notAction: string[] | null;
  resource: string[] | null;
  notResource: string[] | null;
  conditions: ConditionClause[];
  range: Range;
}

export interface PolicyDocument {
  version: string | null;
  statements: PolicyStatement[];
}

export interface ParsedPolicy {
  /** The best-effort model; null when no JSON object could be recovered. Valid only when `errors` is empty. */
  policy: PolicyDocument | null;
  errors: PolicyError[];
  /** The JSON syntax errors alone (not grammar): the text is not JSON at all when this is non-empty. */
  syntaxErrors: PolicyError[];
  /** The decoded JSON text that offsets refer to. */
  text: string;
  /** True when the input was URL-encoded. */
  decoded: boolean;
  /** Maps an offset in `text` to an offset in the text as given (identity unless URL-decoded). */
  toSource(offset: number): number;
}

export type PolicyKind = 'trust' | 'identity' | 'any';

/** Condition operators IAM knows (without IfExists / set prefixes). */
export const CONDITION_OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Null',
] as const;

const OPERATOR_BY_LOWER = new Map<string, string>(CONDITION_OPERATORS.map((op) => [op.toLowerCase(), op]));

/** Splits an operator into set prefix, base operator and IfExists; null when IAM does not know it. */
export function splitOperator(
  operator: string,
): { base: string; set: 'ForAnyValue' | 'ForAllValues' | null; ifExists: boolean } | null {
  let rest = operator;
  let set: 'ForAnyValue' | 'ForAllValues' | null = null;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const prefix = rest.slice(0, colon).toLowerCase();
    if (prefix === 'foranyvalue') set = 'ForAnyValue';
    else if (prefix === 'forallvalues') set = 'ForAllValues';
    else return null;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  if (rest.toLowerCase().endsWith('ifexists')) {
    ifExists = true;
    rest = rest.slice(0, -8);
  }
  const base = OPERATOR_BY_LOWER.get(rest.toLowerCase());
  if (!base || (base === 'Null' && ifExists)) return null;
  return { base, set, ifExists };
}

/**
 * Decodes percent-encoding while recording, for each decoded UTF-16 unit, the offset it came from,
 * so errors in a decoded document can be shown in the encoded text.
 */
export function percentDecode(text: string): { text: string; map: number[] } | null {
  const bytes: number[] = [];
  const byteSource: number[] = [];
  for (let i = 0; i < text.length;) {
    const c = text.charCodeAt(i);
    if (c === 37 /* % */) {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return null;
      bytes.push(parseInt(hex, 16));
      byteSource.push(i);
      i += 3;
    } else {
      // Encode the (possibly non-ASCII) character as UTF-8 so it decodes alongside percent-escapes.
      const cp = text.codePointAt(i) as number;
      const width = cp > 0xffff ? 2 : 1;
      for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) {
        bytes.push(b);
        byteSource.push(i);
      }
      i += width;
    }
  }
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return null;
  }
  // Walk the decoded string and the bytes together to build the offset map.
  const map: number[] = [];
  let b = 0;
  for (let i = 0; i < decoded.length;) {
    const cp = decoded.codePointAt(i) as number;
    const width = cp > 0xffff ? 2 : 1;
    const nbytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (let k = 0; k < width; k++) map.push(byteSource[b]);
    b += nbytes;
    i += width;
  }
  map.push(text.length);
  return { text: decoded, map };
}

/** True when text looks URL-encoded (IAM's GetRole form) rather than JSON. */
export function looksUrlEncoded(text: string): boolean {
  return /^\s*%(7B|7b|5B|5b|20|0A|0a|0D|0d|09)/.test(text);
}

/** Parses a policy from an object, JSON text or URL-encoded JSON text. Never throws. */
export function parsePolicy(input: unknown, kind: PolicyKind = 'any'): ParsedPolicy {
  let text: string;
  let decoded = false;
  let toSource = (offset: number) => offset;
  if (typeof input === 'string') {
    text = input;
    if (looksUrlEncoded(input)) {
      const result = percentDecode(input);
      if (!result) {
        const errors = [
          {
            message: 'the policy looks URL-encoded but is not valid percent-encoding',
            offset: 0,
            length: input.length,
          },
        ];
        return { policy: null, errors, syntaxErrors: errors, text: input, decoded: false, toSource };
      }
      text = result.text;
      decoded = true;
      const map = result.map;
      toSource = (offset: number) => map[Math.max(0, Math.min(offset, map.length - 1))];
    }
  } else if (input !== null && typeof input === 'object') {
    text = JSON.stringify(input, null, 2);
  } else {
    const errors = [{ message: 'a policy document must be a JSON object', offset: 0, length: 0 }];
    return { policy: null, errors, syntaxErrors: errors, text: '', decoded: false, toSource };
  }
  const { root, errors } = parseJsonTree(text);
  const syntaxErrors = [...errors];
  const policy = root ? buildPolicy(root, kind, errors) : null;
  return { policy, errors, syntaxErrors, text, decoded, toSource };
}

function rangeOf(node: { offset: number; length: number }): Range {
  return { start: node.offset, end: node.offset + node.length };
}

function err(errors: PolicyError[], node: { offset: number; length: number }, message: string): void {
  errors.push({ message, offset: node.offset, length: node.length });
}

function keyNode(p: JsonProperty): { offset: number; length: number } {
  return { offset: p.keyOffset, length: p.keyLength };
}

function stringList(node: JsonNode | null, what: string, errors: PolicyError[]): string[] | null {
  if (!node) return null;
  if (node.type === 'string') return [node.value];
  if (node.type === 'array') {
    const out: string[] = [];
    for (const item of node.items) {
      if (item.type === 'string') out.push(item.value);
      else err(errors, item, `${what} values must be strings`);
    }
    return out;
  }
  err(errors, node, `${what} must be a string or an array of strings`);
  return null;
}

function buildPolicy(root: JsonNode, kind: PolicyKind, errors: PolicyError[]): PolicyDocument | null {
  if (root.type !== 'object') {
    err(errors, root, 'a policy document must be a JSON object');
    return null;
  }
  let version: string | null = null;
  let statementNode: JsonNode | null = null;
  let sawStatement = false;
  for (const p of root.properties) {
    if (p.key === 'Version') {
      if (p.value?.type === 'string' && (p.value.value === '2012-10-17' || p.value.value === '2008-10-17'))
        version = p.value.value;
      else if (p.value) err(errors, p.value, 'Version must be "2012-10-17" (or the legacy "2008-10-17")');
    } else if (p.key === 'Statement') {
      sawStatement = true;
      statementNode = p.value;
    } else if (p.key !== 'Id') {
      err(errors, keyNode(p), `unknown top-level field "${p.key}" (expected Version, Id, Statement)`);
    }
  }
  const statements: PolicyStatement[] = [];
  if (!sawStatement) err(errors, { offset: root.offset, length: 1 }, 'the policy has no Statement');
  else if (statementNode) {
    const nodes = statementNode.type === 'array' ? statementNode.items : [statementNode];
    if (statementNode.type === 'array' && nodes.length === 0) err(errors, statementNode, 'Statement is an empty list');
    const sids = new Set<string>();
    nodes.forEach((node, i) => {
      const statement = buildStatement(node, statements.length === i ? i : statements.length, kind, errors);
      if (!statement) return;
      if (statement.sid) {
        if (sids.has(statement.sid))
          err(errors, node, `duplicate Sid "${statement.sid}": Sids must be unique in a policy`);
        sids.add(statement.sid);
      }
      statements.push(statement);
    });
  }
  return { version, statements };
}

const STATEMENT_KEYS = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);

function buildStatement(
  node: JsonNode,
  index: number,
  kind: PolicyKind,
  errors: PolicyError[],
): PolicyStatement | null {
  if (node.type !== 'object') {
    err(errors, node, 'each Statement must be a JSON object');
    return null;
  }
  const st: PolicyStatement = {
    index,
    sid: null,
    label: String(index),
    effect: 'Allow',
    principal: null,
    notPrincipal: null,
    action: null,
    notAction: null,
    resource: null,
    notResource: null,
    conditions: [],
    range: rangeOf(node),
  };
  let effectSeen = false;
  const props = new Map<string, JsonProperty>();
  for (const p of node.properties) {
    if (!STATEMENT_KEYS.has(p.key)) {
      err(
        errors,
        keyNode(p),
        `unknown statement field "${p.key}"${Array.from(STATEMENT_KEYS).find((k) => k.toLowerCase() === p.key.toLowerCase()) ? ' (field names are case-sensitive)' : ''}`,
      );
      continue;
    }
    if (props.has(p.key)) err(errors, keyNode(p), `"${p.key}" appears twice in the statement`);
    props.set(p.key, p);
  }
  const sid = props.get('Sid');
  if (sid?.value) {
    if (sid.value.type === 'string') {
      st.sid = sid.value.value;
      if (st.sid !== '') st.label = st.sid;
    } else err(errors, sid.value, 'Sid must be a string');
  }
  const effect = props.get('Effect');
  if (effect?.value) {
    if (effect.value.type === 'string' && (effect.value.value === 'Allow' || effect.value.value === 'Deny')) {
      st.effect = effect.value.value;
      effectSeen = true;
    } else err(errors, effect.value, 'Effect must be "Allow" or "Deny" (case-sensitive)');
  } else if (!effect) err(errors, { offset: node.offset, length: 1 }, `statement ${st.label} has no Effect`);
  void effectSeen;
  const principal = props.get('Principal');
  const notPrincipal = props.get('NotPrincipal');
  if (principal && notPrincipal)
    err(errors, keyNode(notPrincipal), 'a statement cannot have both Principal and NotPrincipal');
  if (principal?.value) st.principal = buildPrincipal(principal.value, errors);
  if (notPrincipal?.value) st.notPrincipal = buildPrincipal(notPrincipal.value, errors);
  if (kind === 'trust' && !principal && !notPrincipal)
    err(errors, { offset: node.offset, length: 1 }, `statement ${st.label} of a trust policy has no Principal`);
  if (kind === 'identity' && (principal || notPrincipal))
    err(
      errors,
      keyNode((principal ?? notPrincipal) as JsonProperty),
      'an identity policy statement cannot have a Principal',
    );

  const action = props.get('Action');
  const notAction = props.get('NotAction');
  if (action && notAction) err(errors, keyNode(notAction), 'a statement cannot have both Action and NotAction');
  if (!action && !notAction) err(errors, { offset: node.offset, length: 1 }, `statement ${st.label} has no Action`);
  if (action) st.action = checkActions(stringList(action.value, 'Action', errors), action.value, errors);
  if (notAction) st.notAction = checkActions(stringList(notAction.value, 'NotAction', errors), notAction.value, errors);

  const resource = props.get('Resource');
  const notResource = props.get('NotResource');
  if (resource && notResource)
    err(errors, keyNode(notResource), 'a statement cannot have both Resource and NotResource');
  if (kind === 'trust' && (resource || notResource))
    err(
      errors,
      keyNode((resource ?? notResource) as JsonProperty),
      'a trust policy statement cannot have a Resource (IAM: "Has prohibited field Resource")',
    );
  if (kind === 'identity' && !resource && !notResource)
    err(errors, { offset: node.offset, length: 1 }, `statement ${st.label} has no Resource`);
  if (resource) st.resource = stringList(resource.value, 'Resource', errors);
  if (notResource) st.notResource = stringList(notResource.value, 'NotResource', errors);

  const condition = props.get('Condition');
  if (condition?.value) st.conditions = buildConditions(condition.value, errors);
  return st;
}

function checkActions(list: string[] | null, node: JsonNode | null, errors: PolicyError[]): string[] | null {
  if (!list || !node) return list;
  for (const a of list) {
    if (a !== '*' && !/^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/.test(a))
      err(errors, node, `"${a}" is not an action (expected service:Action, e.g. sts:AssumeRole)`);
  }
  return list;
}

function buildPrincipal(node: JsonNode, errors: PolicyError[]): PrincipalEntry[] {
  if (node.type === 'string') {
    if (node.value === '*') return [{ type: '*', value: '*', kind: 'wildcard', range: rangeOf(node) }];
    err(errors, node, 'Principal must be "*" or an object like {"AWS": "arn:aws:iam::123456789012:root"}');
    return [];
  }
  if (node.type !== 'object') {
    err(errors, node, 'Principal must be "*" or an object of AWS/Service/Federated/CanonicalUser');
    return [];
  }
  const entries: PrincipalEntry[] = [];
  for (const p of node.properties) {
    if (!['AWS', 'Service', 'Federated', 'CanonicalUser'].includes(p.key)) {
      err(errors, keyNode(p), `unknown principal type "${p.key}" (use AWS, Service, Federated or CanonicalUser)`);
      continue;
    }
    const values: JsonNode[] = p.value?.type === 'array' ? p.value.items : p.value ? [p.value] : [];
    for (const v of values) {
      if (v.type !== 'string') {
        err(errors, v, `${p.key} principal values must be strings`);
        continue;
      }
      entries.push({ ...classifyPrincipal(p.key, v.value), range: rangeOf(v) });
    }
  }
  return entries;
}

function scalarText(node: JsonNode): string | null {
  if (node.type === 'string') return node.value;
  if (node.type === 'number') return String(node.value);
  if (node.type === 'boolean') return node.value ? 'true' : 'false';
  return null;
}

function buildConditions(node: JsonNode, errors: PolicyError[]): ConditionClause[] {
  if (node.type !== 'object') {
    err(errors, node, 'Condition must be an object of operator → { key: value(s) }');
    return [];
  }
  const clauses: ConditionClause[] = [];
  for (const op of node.properties) {
    const parts = splitOperator(op.key);
    if (!parts) {
      err(errors, keyNode(op), `unknown condition operator "${op.key}"`);
      continue;
    }
    if (!op.value || op.value.type !== 'object') {
      if (op.value) err(errors, op.value, `${op.key} must map condition keys to values`);
      continue;
    }
    for (const k of op.value.properties) {
      const values: string[] = [];
      const v = k.value;
      if (!v) continue;
      const items = v.type === 'array' ? v.items : [v];
      for (const item of items) {
        const text = scalarText(item);
        if (text === null)
          err(errors, item, `condition values must be strings, numbers or booleans (${op.key} → ${k.key})`);
        else values.push(text);
      }
      clauses.push({
        operator: op.key,
        baseOperator: parts.base,
        setOperator: parts.set,
        ifExists: parts.ifExists,
        key: k.key,
        values,
        range: { start: k.offset, end: k.offset + k.length },
      });
    }
  }
  return clauses;
}
