// A small positioned JSON parser in the spirit of microsoft/node-jsonc-parser: a scanner closure with
// `scan()`, a recursive-descent parser that never throws, recovers from the usual hand-editing mistakes
// (trailing commas, missing commas, comments) and reports each as `{ message, offset, length }`.
// Every node keeps its offset and length so policy findings can point at a statement or a value.

/** A positioned parse problem. Offsets are UTF-16 code units into the parsed text. */
export interface JsonError {
  message: string;
  offset: number;
  length: number;
}

interface NodeBase {
  offset: number;
  length: number;
}

export interface JsonProperty extends NodeBase {
  key: string;
  keyOffset: number;
  keyLength: number;
  /** Null when the value is missing (an error was reported). */
  value: JsonNode | null;
}

export type JsonNode =
  | (NodeBase & { type: 'object'; properties: JsonProperty[] })
  | (NodeBase & { type: 'array'; items: JsonNode[] })
  | (NodeBase & { type: 'string'; value: string })
  | (NodeBase & { type: 'number'; value: number })
  | (NodeBase & { type: 'boolean'; value: boolean })
  | (NodeBase & { type: 'null'; value: null });

type TokenKind =
  '{' | '}' | '[' | ']' | ':' | ',' | 'string' | 'number' | 'true' | 'false' | 'null' | 'eof' | 'invalid';

interface Token {
  kind: TokenKind;
  offset: number;
  length: number;
  value?: string | number;
}

const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const WORD = /[A-Za-z_$][\w$]*/y;
const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

function createScanner(text: string, errors: JsonError[]) {
  let pos = 0;
  const len = text.length;

  function skipTrivia(): void {
    while (pos < len) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff) pos++;
      else if (c === 47 /* / */ && text.charCodeAt(pos + 1) === 47) {
        const start = pos;
        while (pos < len && text.charCodeAt(pos) !== 10 && text.charCodeAt(pos) !== 13) pos++;
        errors.push({ message: 'comments are not allowed in policy JSON', offset: start, length: pos - start });
      } else if (c === 47 && text.charCodeAt(pos + 1) === 42 /* * */) {
        const start = pos;
        const end = text.indexOf('*/', pos + 2);
        pos = end < 0 ? len : end + 2;
        errors.push({ message: 'comments are not allowed in policy JSON', offset: start, length: pos - start });
      } else break;
    }
  }

  function scanString(): Token {
    const start = pos;
    pos++;
    let value = '';
    let chunk = pos;
    while (true) {
      if (pos >= len) {
        errors.push({ message: 'unterminated string', offset: start, length: pos - start });
        return { kind: 'string', offset: start, length: pos - start, value: value + text.slice(chunk, pos) };
      }
      const c = text.charCodeAt(pos);
      if (c === 34 /* " */) {
        value += text.slice(chunk, pos);
        pos++;
        return { kind: 'string', offset: start, length: pos - start, value };
      }
      if (c === 92 /* \ */) {
        value += text.slice(chunk, pos);
        const e = text[pos + 1];
        if (e !== undefined && SIMPLE_ESCAPES[e] !== undefined) {
          value += SIMPLE_ESCAPES[e];
          pos += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) {
          value += String.fromCharCode(parseInt(text.slice(pos + 2, pos + 6), 16));
          pos += 6;
        } else {
          errors.push({ message: 'invalid escape sequence in string', offset: pos, length: 2 });
          pos += e === undefined ? 1 : 2;
        }
        chunk = pos;
        continue;
      }
      if (c === 10 || c === 13) {
        errors.push({
          message: 'unterminated string (line break inside a string)',
          offset: start,
          length: pos - start,
        });
        value += text.slice(chunk, pos);
        return { kind: 'string', offset: start, length: pos - start, value };
      }
      if (c < 32) {
        errors.push({ message: 'control character in string', offset: pos, length: 1 });
      }
      pos++;
    }
  }

  function scan(): Token {
    skipTrivia();
    if (pos >= len) return { kind: 'eof', offset: len, length: 0 };
    const start = pos;
    const ch = text[pos];
    switch (ch) {
      case '{':
      case '}':
      case '[':
      case ']':
      case ':':
      case ',':
        pos++;
        return { kind: ch, offset: start, length: 1 };
      case '"':
        return scanString();
    }
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (m) {
      pos += m[0].length;
      return { kind: 'number', offset: start, length: m[0].length, value: Number(m[0]) };
    }
    WORD.lastIndex = pos;
    const word = WORD.exec(text);
    if (word) {
      pos += word[0].length;
      if (word[0] === 'true' || word[0] === 'false' || word[0] === 'null')
        return { kind: word[0], offset: start, length: word[0].length };
      return { kind: 'invalid', offset: start, length: word[0].length, value: word[0] };
    }
    pos++;
    return { kind: 'invalid', offset: start, length: 1, value: ch };
  }

  return {
    scan,
    get pos() {
      return pos;
    },
  };
}

/** Parses JSON text into a positioned tree. Never throws; `root` is null only when no value was found. */
export function parseJsonTree(text: string): { root: JsonNode | null; errors: JsonError[] } {
  const errors: JsonError[] = [];
  const scanner = createScanner(text, errors);
  let token = scanner.scan();
  // Where the previous token ended, so a container's length stops at its closing bracket.
  let lastEnd = 0;
  const next = () => {
    lastEnd = token.offset + token.length;
    token = scanner.scan();
  };
  const describe = (t: Token) =>
    t.kind === 'eof'
      ? 'end of text'
      : t.kind === 'invalid'
        ? `"${String(t.value)}"`
        : t.kind === 'string'
          ? 'a string'
          : t.kind === 'number'
            ? 'a number'
            : `"${t.kind}"`;
  let depth = 0;

  function parseValue(): JsonNode | null {
    const t = token;
    if ((t.kind === '{' || t.kind === '[') && depth >= 200) {
      // Far deeper than any policy: stop here rather than risk the stack.
      errors.push({ message: 'nesting too deep (more than 200 levels)', offset: t.offset, length: 1 });
      while (token.kind !== 'eof') next();
      return null;
    }
    switch (t.kind) {
      case '{':
        return parseObject();
      case '[':
        return parseArray();
      case 'string':
        next();
        return { type: 'string', offset: t.offset, length: t.length, value: t.value as string };
      case 'number':
        next();
        return { type: 'number', offset: t.offset, length: t.length, value: t.value as number };
      case 'true':
      case 'false':
        next();
        return { type: 'boolean', offset: t.offset, length: t.length, value: t.kind === 'true' };
      case 'null':
        next();
        return { type: 'null', offset: t.offset, length: t.length, value: null };
      case 'invalid':
        errors.push({ message: `unexpected ${describe(t)}: expected a value`, offset: t.offset, length: t.length });
        next();
        return null;
      default:
        errors.push({ message: `expected a value, found ${describe(t)}`, offset: t.offset, length: t.length });
        return null;
    }
  }

  function parseObject(): JsonNode {
    const start = token.offset;
    const properties: JsonProperty[] = [];
    depth++;
    next();
    let lastComma: Token | null = null;
    while (true) {
      if (token.kind === '}') {
        if (lastComma)
          errors.push({ message: 'trailing comma before "}" (JSON allows none)', offset: lastComma.offset, length: 1 });
        next();
        break;
      }
      if (token.kind === 'eof') {
        errors.push({ message: 'unexpected end of text: "}" expected', offset: token.offset, length: 0 });
        break;
      }
      if (token.kind !== 'string') {
        errors.push({
          message: `expected a property name in double quotes, found ${describe(token)}`,
          offset: token.offset,
          length: token.length,
        });
        if (token.kind === ']') {
          next();
          continue;
        }
        next();
        if ((token.kind as TokenKind) === ':') {
          next();
          parseValue();
        }
        if ((token.kind as TokenKind) === ',') next();
        continue;
      }
      const keyToken = token;
      next();
      let value: JsonNode | null = null;
      if ((token.kind as TokenKind) === ':') {
        next();
        value = parseValue();
      } else {
        errors.push({
          message: `":" expected after property name "${String(keyToken.value)}"`,
          offset: token.offset,
          length: token.length,
        });
        if ((token.kind as TokenKind) !== ',' && (token.kind as TokenKind) !== '}') value = parseValue();
      }
      const end = value ? value.offset + value.length : keyToken.offset + keyToken.length;
      properties.push({
        key: keyToken.value as string,
        keyOffset: keyToken.offset,
        keyLength: keyToken.length,
        value,
        offset: keyToken.offset,
        length: end - keyToken.offset,
      });
      lastComma = null;
      if ((token.kind as TokenKind) === ',') {
        lastComma = token;
        next();
      } else if ((token.kind as TokenKind) !== '}' && (token.kind as TokenKind) !== 'eof') {
        errors.push({
          message: `"," or "}" expected, found ${describe(token)}`,
          offset: token.offset,
          length: token.length,
        });
        if ((token.kind as TokenKind) !== 'string') next();
      }
    }
    depth--;
    const endOffset = scannerEnd();
    return { type: 'object', offset: start, length: endOffset - start, properties };
  }

  function parseArray(): JsonNode {
    const start = token.offset;
    const items: JsonNode[] = [];
    depth++;
    next();
    let lastComma: Token | null = null;
    while (true) {
      if (token.kind === ']') {
        if (lastComma)
          errors.push({ message: 'trailing comma before "]" (JSON allows none)', offset: lastComma.offset, length: 1 });
        next();
        break;
      }
      if (token.kind === 'eof') {
        errors.push({ message: 'unexpected end of text: "]" expected', offset: token.offset, length: 0 });
        break;
      }
      if (token.kind === '}') {
        errors.push({ message: 'unexpected "}": "]" expected', offset: token.offset, length: 1 });
        next();
        continue;
      }
      const before = token.offset;
      const item = parseValue();
      if (item) items.push(item);
      else if (token.offset === before) next();
      lastComma = null;
      if ((token.kind as TokenKind) === ',') {
        lastComma = token;
        next();
      } else if ((token.kind as TokenKind) !== ']' && (token.kind as TokenKind) !== 'eof') {
        errors.push({
          message: `"," or "]" expected, found ${describe(token)}`,
          offset: token.offset,
          length: token.length,
        });
      }
    }
    depth--;
    return { type: 'array', offset: start, length: scannerEnd() - start, items };
  }

  function scannerEnd(): number {
    return lastEnd;
  }

  const root = token.kind === 'eof' ? null : parseValue();
  if (!root && token.kind === 'eof' && errors.length === 0)
    errors.push({ message: 'empty document: a JSON object was expected', offset: 0, length: 0 });
  if (token.kind !== 'eof')
    errors.push({
      message: `unexpected ${describe(token)} after the end of the document`,
      offset: token.offset,
      length: token.length,
    });
  return { root, errors };
}

/** The property of an object node with this exact key (the last one when repeated, as JSON.parse does). */
export function property(node: JsonNode | null | undefined, key: string): JsonProperty | undefined {
  if (!node || node.type !== 'object') return undefined;
  for (let i = node.properties.length - 1; i >= 0; i--) if (node.properties[i].key === key) return node.properties[i];
  return undefined;
}

/** The plain JS value of a node (like JSON.parse). */
export function nodeValue(node: JsonNode | null): unknown {
  if (!node) return undefined;
  switch (node.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const p of node.properties) out[p.key] = nodeValue(p.value);
      return out;
    }
    case 'array':
      return node.items.map(nodeValue);
    default:
      return node.value;
  }
}
