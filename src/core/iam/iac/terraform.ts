// Terraform: the `.tf` files of one directory (a module), parsed by tree-sitter-hcl (hcl.ts) and evaluated
// as far as IAM needs: variables (defaults, overridden by the entry's parameters), locals, string templates
// and heredocs, jsonencode and a few other functions, conditionals and for expressions, the
// aws_iam_policy_document data source, and the account / partition / region data sources. What cannot be
// known before `apply` is an `unknown` value, reported as `unresolved-reference` where it is used.
import { partitionForRegion } from '../arn';
import { LineMap } from '../../types';
import type { HclNode, HclParser } from './hcl';
import type { IacCollector, IacEntry, PolicySpec, PrincipalSpec } from './model';
import {
  failed,
  firstUnknown,
  generatedName,
  type Loc,
  scalarText,
  type Segment,
  str,
  toPlain,
  unknown,
  type Value,
} from './value';

/**
 * Reads a file that `file()` / `templatefile()` name, by its path as the module writes it (relative to the
 * module's folder; `path.module` is `.`). The caller decides which files may be read (no I/O here).
 */
export type ModuleFileReader = (path: string) => { text: string } | { error: string };

interface TfFile {
  file: string;
  text: string;
  lines: LineMap;
  root: HclNode;
}

interface Block {
  file: TfFile;
  node: HclNode;
  type: string;
  labels: string[];
  body: HclNode | null;
  loc: Loc;
  /** Names its expressions see: `each` / `count` of a resource instance, a `dynamic` block's iterator. */
  scope?: Map<string, Value>;
}

/** The resource types read into the IAM model. */
const READ_RESOURCES = new Set([
  'aws_iam_role',
  'aws_iam_user',
  'aws_iam_role_policy',
  'aws_iam_user_policy',
  'aws_iam_policy',
  'aws_iam_role_policy_attachment',
  'aws_iam_user_policy_attachment',
]);

type Unknown = Extract<Value, { t: 'unknown' }>;
const missing = (why: string, loc: Loc): Unknown => ({ t: 'unknown', why, loc });

/** One instance of a resource or data source: its address suffix (`[0]`, `["a"]`, or '') and its block. */
interface Instance {
  index: string;
  /** The count index or for_each key, null for a block without either. */
  key: string | null;
  block: Block;
}

const OPERATORS = new Set(['*', '/', '%', '+', '-', '>', '>=', '<', '<=', '==', '!=', '&&', '||']);

function kids(node: HclNode | null | undefined, type?: string): HclNode[] {
  if (!node) return [];
  return type ? node.children.filter((c) => c.type === type) : node.children;
}

function firstError(node: HclNode): HclNode | null {
  if (node.error) return node;
  for (const c of node.children) {
    const e = firstError(c);
    if (e) return e;
  }
  return null;
}

/** Decodes a literal piece of a quoted template (escapes) or heredoc (only `$${` / `%%{`), char by char with sources. */
function decodeLiteral(
  text: string,
  from: number,
  to: number,
  quoted: boolean,
  out: { text: string; src: number[] },
): void {
  let i = from;
  while (i < to) {
    const c = text[i];
    if ((c === '$' || c === '%') && text[i + 1] === c && text[i + 2] === '{') {
      out.text += `${c}{`;
      out.src.push(-1, -1);
      i += 3;
      continue;
    }
    if (quoted && c === '\\' && i + 1 < to) {
      const e = text[i + 1];
      const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };
      if (simple[e] !== undefined) {
        out.text += simple[e];
        out.src.push(-1);
        i += 2;
        continue;
      }
      const hex = e === 'u' ? text.slice(i + 2, i + 6) : e === 'U' ? text.slice(i + 2, i + 10) : '';
      if (hex && /^[0-9a-fA-F]+$/.test(hex)) {
        const s = String.fromCodePoint(parseInt(hex, 16));
        out.text += s;
        for (let k = 0; k < s.length; k++) out.src.push(-1);
        i += 2 + hex.length;
        continue;
      }
    }
    out.text += c;
    out.src.push(i);
    i++;
  }
}

function segmentsOf(src: number[]): Segment[] {
  const segs: Segment[] = [];
  let i = 0;
  while (i < src.length) {
    if (src[i] < 0) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < src.length && src[j] === src[j - 1] + 1) j++;
    segs.push({ at: i, len: j - i, src: src[i] });
    i = j;
  }
  return segs;
}

/** Evaluates one module's expressions. */
class Module {
  private readonly variables = new Map<string, Block>();
  private readonly locals = new Map<string, { file: TfFile; node: HclNode; loc: Loc }>();
  private readonly localValues = new Map<string, Value | null>();
  readonly resources = new Map<string, Block>();
  readonly data = new Map<string, Block>();
  readonly partition: string;

  constructor(
    readonly files: TfFile[],
    readonly entry: IacEntry,
    private readonly hcl: HclParser | null = null,
    private readonly readFile: ModuleFileReader | null = null,
  ) {
    this.partition = entry.region ? partitionForRegion(entry.region) : 'aws';
    for (const f of files) {
      const body = kids(f.root, 'body')[0];
      for (const b of kids(body, 'block')) {
        const block = this.block(f, b);
        if (block.type === 'variable' && block.labels[0]) this.variables.set(block.labels[0], block);
        else if (block.type === 'locals')
          for (const [name, node] of this.attributes(block))
            this.locals.set(name, { file: f, node, loc: this.loc(f, node) });
        else if (block.type === 'resource' && block.labels.length >= 2)
          this.resources.set(`${block.labels[0]}.${block.labels[1]}`, block);
        else if (block.type === 'data' && block.labels.length >= 2)
          this.data.set(`${block.labels[0]}.${block.labels[1]}`, block);
      }
    }
  }

  loc(f: TfFile, node: { start: number; end: number }): Loc {
    return { file: f.file, start: node.start, end: node.end };
  }

  block(f: TfFile, node: HclNode): Block {
    const labels: string[] = [];
    let type = '';
    for (const c of node.children) {
      if (c.type === 'identifier') {
        if (!type) type = f.text.slice(c.start, c.end);
        else labels.push(f.text.slice(c.start, c.end));
      } else if (c.type === 'string_lit') labels.push(f.text.slice(c.start + 1, c.end - 1));
    }
    return { file: f, node, type, labels, body: kids(node, 'body')[0] ?? null, loc: this.loc(f, node) };
  }

  /** The attributes of a block body, name → expression node. */
  attributes(block: Block): Map<string, HclNode> {
    const out = new Map<string, HclNode>();
    for (const a of kids(block.body, 'attribute')) {
      const id = kids(a, 'identifier')[0];
      const expr = kids(a, 'expression')[0];
      if (id && expr) out.set(block.file.text.slice(id.start, id.end), expr);
    }
    return out;
  }

  /**
   * The nested blocks of a type, with the parent's scope; a `dynamic "TYPE"` block gives one block per
   * element of its `for_each` (its `content`, with the iterator — the label, or `iterator` — bound to
   * `key` / `value`). A dynamic block whose for_each cannot be evaluated gives one block in whose scope
   * the iterator is that unknown value, so what depends on it is unresolved rather than dropped.
   */
  blocks(block: Block, type: string): Block[] {
    const out: Block[] = [];
    for (const node of kids(block.body, 'block')) {
      const b: Block = { ...this.block(block.file, node), scope: block.scope };
      if (b.type === type) {
        out.push(b);
        continue;
      }
      if (b.type !== 'dynamic' || b.labels[0] !== type) continue;
      const content = this.blocks(b, 'content')[0];
      if (!content) continue;
      const iterator = scalarText(this.attr(b, 'iterator') ?? undefined) ?? type;
      const each = this.attr(b, 'for_each');
      if (!each || each.t === 'unknown') {
        const why = each ?? missing('a dynamic block needs for_each', b.loc);
        out.push({ ...content, type, scope: new Map(b.scope ?? []).set(iterator, why) });
        continue;
      }
      const items: Array<{ key: Value; value: Value }> = [];
      if (each.t === 'map') items.push(...each.entries.map((e) => ({ key: str(e.key, e.keyLoc), value: e.value })));
      else if (each.t === 'list')
        items.push(
          ...each.items.map((v, i): { key: Value; value: Value } => ({
            key: { t: 'num', v: i, loc: v.loc },
            value: v,
          })),
        );
      for (const { key, value } of items)
        out.push({
          ...content,
          type,
          scope: new Map(b.scope ?? []).set(iterator, {
            t: 'map',
            entries: [
              { key: 'key', keyLoc: key.loc, value: key },
              { key: 'value', keyLoc: value.loc, value },
            ],
            loc: value.loc,
          }),
        });
    }
    return out;
  }

  attr(block: Block, name: string, scope: Map<string, Value> = block.scope ?? new Map()): Value | null {
    const node = this.attributes(block).get(name);
    return node ? this.eval(block.file, node, scope) : null;
  }

  /**
   * The instances a resource or data block makes (Terraform's `count` and `for_each` meta-arguments): one
   * per index with `count.index`, one per key with `each.key` / `each.value` (a map's keys, or a set of
   * strings); the block itself when it has neither. A count or for_each that cannot be evaluated is unknown.
   */
  instances(block: Block): Instance[] | Unknown {
    const attrs = this.attributes(block);
    const base = block.scope ?? new Map<string, Value>();
    const countNode = attrs.get('count');
    if (countNode) {
      const count = this.eval(block.file, countNode, base);
      if (count.t === 'unknown') return count;
      const n = Number(scalarText(count));
      if (!Number.isInteger(n) || n < 0) return missing('count is not a whole number', count.loc);
      return Array.from({ length: n }, (_, i) => ({
        index: `[${i}]`,
        key: String(i),
        block: {
          ...block,
          scope: new Map(base).set('count', {
            t: 'map',
            entries: [{ key: 'index', keyLoc: count.loc, value: { t: 'num', v: i, loc: count.loc } }],
            loc: count.loc,
          }),
        },
      }));
    }
    const eachNode = attrs.get('for_each');
    if (!eachNode) return [{ index: '', key: null, block }];
    const each = this.eval(block.file, eachNode, base);
    if (each.t === 'unknown') return each;
    const pairs: Array<{ key: string; value: Value }> = [];
    if (each.t === 'map') pairs.push(...each.entries.map((e) => ({ key: e.key, value: e.value })));
    else if (each.t === 'list') {
      for (const item of each.items) {
        const k = scalarText(item);
        if (k === null) return missing('for_each over a set needs strings', item.loc);
        if (!pairs.some((p) => p.key === k)) pairs.push({ key: k, value: item });
      }
    } else return missing(`for_each needs a map or a set of strings, not a ${each.t}`, each.loc);
    return pairs.map(({ key, value }) => ({
      index: `[${JSON.stringify(key)}]`,
      key,
      block: {
        ...block,
        scope: new Map(base).set('each', {
          t: 'map',
          entries: [
            { key: 'key', keyLoc: each.loc, value: str(key, value.loc) },
            { key: 'value', keyLoc: each.loc, value },
          ],
          loc: each.loc,
        }),
      },
    }));
  }

  /** The instance of a block that an index (`x[0]`, `x["a"]`) or its absence names. */
  instanceAt(block: Block, index: string | null, loc: Loc): Block | Unknown {
    const all = this.instances(block);
    if (!Array.isArray(all)) return all;
    if (index === null) {
      if (all.length === 1) return all[0].block;
      return {
        ...missing(`${block.labels.join('.')} has ${all.length} instances: name one with an index`, loc),
        error: true,
      };
    }
    const found = all.find((i) => i.key === index);
    // `x[0]` of a block without count is the block itself.
    if (!found && all.length === 1 && all[0].key === null && index === '0') return all[0].block;
    return (
      found?.block ?? {
        ...missing(`${block.labels.join('.')}[${JSON.stringify(index)}] is not created`, loc),
        error: true,
      }
    );
  }

  // ---- references ----------------------------------------------------------------------------

  variable(name: string, loc: Loc): Value {
    const given = this.entry.parameters[name];
    const block = this.variables.get(name);
    if (given !== undefined) {
      if (/^\s*[[{]/.test(given)) {
        try {
          return fromPlain(JSON.parse(given), loc);
        } catch {
          // Not JSON: the string itself.
        }
      }
      return str(given, loc);
    }
    if (!block) return unknown(`var.${name} is not declared in this module`, loc);
    const dflt = this.attr(block, 'default');
    return (
      dflt ??
      unknown(
        `variable ${name} has no default; give its value in the iac entry's "parameters" (--iac-param ${name}=VALUE)`,
        loc,
      )
    );
  }

  local(name: string, loc: Loc): Value {
    if (this.localValues.has(name)) {
      const v = this.localValues.get(name);
      return v ?? unknown(`local.${name} refers to itself`, loc);
    }
    const l = this.locals.get(name);
    if (!l) return unknown(`local.${name} is not defined in this module`, loc);
    this.localValues.set(name, null);
    const v = this.eval(l.file, l.node, new Map());
    this.localValues.set(name, v);
    return v;
  }

  /**
   * Name of an IAM resource, or null when Terraform generates it at apply time: `name` omitted or null
   * (e.g. `name = var.use_name_prefix ? null : var.name`, with `name_prefix` set), as the provider does.
   */
  resourceName(block: Block): Value | null {
    const name = this.attr(block, 'name');
    if (name && name.t !== 'null') return name;
    return null;
  }

  /** Resources and data sources being evaluated, so that one referring to itself is a cycle, not a stack overflow. */
  private readonly evaluating = new Set<string>();
  /** templatefile() calls being rendered: Terraform does not let a template call templatefile() again. */
  private templateDepth = 0;

  private guarded(address: string, loc: Loc, evaluate: () => Value): Value {
    if (this.evaluating.has(address)) return failed(`${address} refers to itself (Terraform reports a cycle)`, loc);
    this.evaluating.add(address);
    try {
      return evaluate();
    } finally {
      this.evaluating.delete(address);
    }
  }

  resourceAttr(key: string, attr: string, loc: Loc, index: string | null = null): Value {
    return this.guarded(`${key}${index === null ? '' : `[${JSON.stringify(index)}]`}`, loc, () =>
      this.resourceAttrOf(key, attr, loc, index),
    );
  }

  private resourceAttrOf(key: string, attr: string, loc: Loc, index: string | null): Value {
    const declared = this.resources.get(key);
    if (!declared) return unknown(`${key} is not defined in this module`, loc);
    const block = this.instanceAt(declared, index, loc);
    if ('t' in block) return block;
    const type = block.labels[0];
    const kind =
      type === 'aws_iam_role'
        ? 'role'
        : type === 'aws_iam_user'
          ? 'user'
          : type === 'aws_iam_group'
            ? 'group'
            : type === 'aws_iam_policy'
              ? 'policy'
              : null;
    if (type === 'aws_iam_openid_connect_provider' && attr === 'arn') return this.oidcProviderArn(block, loc);
    if (!kind) return unknown(`${key}.${attr} is known only after apply`, loc);
    const name = this.resourceName(block);
    if (attr === 'policy' && kind === 'policy')
      return this.attr(block, 'policy') ?? unknown(`${key} has no policy`, loc);
    if (attr === 'name' || (attr === 'id' && kind !== 'policy')) {
      return name
        ? name.t === 'str'
          ? str(name.v, loc)
          : name
        : generatedName(`${key} has no name: Terraform generates it at apply time`, loc);
    }
    if (attr === 'arn' || (attr === 'id' && kind === 'policy')) {
      const account = this.entry.account;
      if (kind === 'policy' && !name)
        return str(`arn:${this.partition}:iam::${account ?? 'ACCOUNT'}:policy/${key}`, loc);
      if (!name) return generatedName(`${key} has no name: Terraform generates it at apply time`, loc);
      if (name.t === 'unknown') return name;
      if (!account)
        return unknown(`the account of ${key} is not known: set "account" in the iac entry (or --iac-account)`, loc);
      const pathValue = this.attr(block, 'path');
      let path = pathValue ? scalarText(pathValue) : '/';
      if (path === null) return unknown(`the path of ${key} cannot be resolved`, loc);
      if (!path.endsWith('/')) path = `${path}/`;
      return str(`arn:${this.partition}:iam::${account}:${kind}${path}${scalarText(name)}`, loc);
    }
    if (attr === 'path') return this.attr(block, 'path') ?? str('/', loc);
    return unknown(`${key}.${attr} is known only after apply`, loc);
  }

  dataAttr(key: string, attr: string, loc: Loc, index: string | null = null): Value {
    return this.guarded(`data.${key}${index === null ? '' : `[${JSON.stringify(index)}]`}`, loc, () =>
      this.dataAttrOf(key, attr, loc, index),
    );
  }

  private dataAttrOf(key: string, attr: string, loc: Loc, index: string | null): Value {
    const declared = this.data.get(key);
    if (!declared) return unknown(`data.${key} is not defined in this module`, loc);
    const block = this.instanceAt(declared, index, loc);
    if ('t' in block) return block;
    switch (block.labels[0]) {
      case 'aws_caller_identity':
        if (attr === 'account_id')
          return this.entry.account
            ? str(this.entry.account, loc)
            : unknown(
                'data.aws_caller_identity: the account is not known; set "account" in the iac entry (or --iac-account)',
                loc,
              );
        break;
      case 'aws_partition':
        if (attr === 'partition') return str(this.partition, loc);
        if (attr === 'dns_suffix') return str(this.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com', loc);
        break;
      case 'aws_region':
        if (attr === 'name' || attr === 'region' || attr === 'id')
          return this.entry.region
            ? str(this.entry.region, loc)
            : unknown('data.aws_region: the region is not known; set "region" in the iac entry (or --iac-region)', loc);
        break;
      case 'aws_iam_openid_connect_provider':
        // Looked up by arn or url: either names the provider's ARN in this account.
        if (attr === 'arn') return this.attr(block, 'arn') ?? this.oidcProviderArn(block, loc);
        break;
      case 'template_file':
        // The template provider's data source: `template` rendered with `vars`, as templatefile() does.
        if (attr === 'rendered') {
          const template = this.attr(block, 'template');
          if (!template) return unknown(`data.${key} has no template`, loc);
          const text = scalarText(template);
          if (text === null) return template.t === 'unknown' ? template : unknown('the template is not a string', loc);
          const vars = this.attr(block, 'vars') ?? { t: 'map', entries: [], loc };
          if (vars.t === 'unknown') return vars;
          if (vars.t !== 'map') return unknown(`the vars of data.${key} are not a map`, loc);
          return this.renderTemplate(`data.${key}`, text, new Map(vars.entries.map((e) => [e.key, e.value])), loc);
        }
        break;
      case 'aws_iam_policy_document':
        if (attr === 'json' || attr === 'minified_json') {
          const doc = this.policyDocument(block);
          if (doc.t === 'unknown') return doc;
          const inner = firstUnknown(doc);
          if (inner) return inner;
          // Located where it is used (an assume_role_policy), its statements where they are written.
          return { t: 'str', v: JSON.stringify(toPlain(doc)), loc, json: doc };
        }
        break;
    }
    return unknown(`data.${key}.${attr} is read from AWS at plan time`, loc);
  }

  /**
   * The ARN of an IAM OIDC identity provider: `arn:PARTITION:iam::ACCOUNT:oidc-provider/` and its URL without
   * `https://` (IAM's ARN for the provider, e.g. …:oidc-provider/token.actions.githubusercontent.com) — what
   * a web-identity trust policy names as its Federated principal.
   */
  oidcProviderArn(block: Block, loc: Loc): Value {
    const url = this.attr(block, 'url');
    if (!url) return unknown(`${block.labels.join('.')} has no url`, loc);
    const text = scalarText(url);
    if (text === null) return url.t === 'unknown' ? url : unknown('the url cannot be resolved', loc);
    if (!this.entry.account)
      return unknown(`the account of ${block.labels.join('.')} is not known: set "account" in the iac entry`, loc);
    return str(
      `arn:${this.partition}:iam::${this.entry.account}:oidc-provider/${text.replace(/^https:\/\//, '').replace(/\/$/, '')}`,
      loc,
    );
  }

  /** An `aws_iam_policy_document` data source as a policy value, statements at their blocks. */
  policyDocument(block: Block): Value {
    const statements: Value[] = [];
    const bySid = (list: Value[], add: Value[]): Value[] => {
      const out = [...list];
      for (const s of add) {
        const sid = s.t === 'map' ? scalarText(s.entries.find((e) => e.key === 'Sid')?.value) : null;
        const at = sid
          ? out.findIndex((o) => o.t === 'map' && scalarText(o.entries.find((e) => e.key === 'Sid')?.value) === sid)
          : -1;
        if (at >= 0) out[at] = s;
        else out.push(s);
      }
      return out;
    };
    const docsOf = (name: string): Value[] | Value => {
      const v = this.attr(block, name);
      if (!v) return [];
      if (v.t === 'unknown') return v;
      const list = v.t === 'list' ? v.items : [v];
      const out: Value[] = [];
      for (const d of list) {
        if (d.t === 'unknown') return d;
        const doc = d.t === 'str' ? (d.json ?? parseJsonValue(d)) : d;
        if (doc.t === 'unknown') return doc;
        const st = doc.t === 'map' ? doc.entries.find((e) => e.key === 'Statement')?.value : undefined;
        if (st) out.push(...(st.t === 'list' ? st.items : [st]));
      }
      return out;
    };
    const source = docsOf('source_policy_documents');
    if (!Array.isArray(source)) return source;
    for (const s of this.blocks(block, 'statement')) statements.push(this.statement(s));
    const overrides = docsOf('override_policy_documents');
    if (!Array.isArray(overrides)) return overrides;
    const all = bySid(bySid(source, statements), overrides);
    const version = this.attr(block, 'version');
    const entries: Array<{ key: string; keyLoc: Loc; value: Value }> = [
      { key: 'Version', keyLoc: block.loc, value: version ?? str('2012-10-17', block.loc) },
    ];
    const policyId = this.attr(block, 'policy_id');
    if (policyId) entries.push({ key: 'Id', keyLoc: policyId.loc, value: policyId });
    entries.push({ key: 'Statement', keyLoc: block.loc, value: { t: 'list', items: all, loc: block.loc } });
    return { t: 'map', entries, loc: block.loc };
  }

  private statement(block: Block): Value {
    const entries: Array<{ key: string; keyLoc: Loc; value: Value }> = [];
    const put = (key: string, value: Value | null, single = true): void => {
      if (!value) return;
      // Terraform writes a one-element list as the element itself.
      const v = single && value.t === 'list' && value.items.length === 1 ? value.items[0] : value;
      entries.push({ key, keyLoc: value.loc, value: v });
    };
    put('Sid', this.attr(block, 'sid'));
    put('Effect', this.attr(block, 'effect') ?? str('Allow', block.loc));
    put('Action', this.attr(block, 'actions'));
    put('NotAction', this.attr(block, 'not_actions'));
    put('Resource', this.attr(block, 'resources'));
    put('NotResource', this.attr(block, 'not_resources'));
    for (const [blockType, key] of [
      ['principals', 'Principal'],
      ['not_principals', 'NotPrincipal'],
    ] as const) {
      const list = this.blocks(block, blockType);
      if (!list.length) continue;
      const byType: Array<{ key: string; keyLoc: Loc; value: Value }> = [];
      let wildcard: Value | null = null;
      for (const p of list) {
        const type = this.attr(p, 'type');
        const ids = this.attr(p, 'identifiers');
        const typeText = scalarText(type ?? undefined);
        if (!type || !ids || typeText === null) {
          byType.push({
            key: typeText ?? 'AWS',
            keyLoc: p.loc,
            value:
              type?.t === 'unknown'
                ? type
                : ids?.t === 'unknown'
                  ? ids
                  : unknown('a principals block needs type and identifiers', p.loc),
          });
          continue;
        }
        const items = ids.t === 'list' ? ids.items : [ids];
        // `type = "*"`, `identifiers = ["*"]` is Principal "*".
        if (typeText === '*') {
          wildcard = str('*', p.loc);
          continue;
        }
        const existing = byType.find((e) => e.key === typeText);
        if (existing && existing.value.t === 'list') existing.value.items.push(...items);
        else byType.push({ key: typeText, keyLoc: type.loc, value: { t: 'list', items: [...items], loc: ids.loc } });
      }
      const value: Value =
        wildcard && byType.length === 0
          ? wildcard
          : {
              t: 'map',
              entries: byType.map((e) => ({
                ...e,
                value: e.value.t === 'list' && e.value.items.length === 1 ? e.value.items[0] : e.value,
              })),
              loc: list[0].loc,
            };
      entries.push({ key, keyLoc: list[0].loc, value });
    }
    const conditions = this.blocks(block, 'condition');
    if (conditions.length) {
      const ops: Array<{ key: string; keyLoc: Loc; value: Value }> = [];
      for (const c of conditions) {
        const test = this.attr(c, 'test');
        const variable = this.attr(c, 'variable');
        const values = this.attr(c, 'values');
        const testText = scalarText(test ?? undefined);
        const varText = scalarText(variable ?? undefined);
        const bad = [test, variable, values].find((v) => !v || v.t === 'unknown');
        if (testText === null || varText === null || !values || bad !== undefined) {
          ops.push({
            key: testText ?? 'StringEquals',
            keyLoc: c.loc,
            value:
              bad && bad.t === 'unknown' ? bad : unknown('a condition block needs test, variable and values', c.loc),
          });
          continue;
        }
        const v = values.t === 'list' && values.items.length === 1 ? values.items[0] : values;
        let op = ops.find((o) => o.key === testText);
        if (!op) {
          op = { key: testText, keyLoc: (test as Value).loc, value: { t: 'map', entries: [], loc: c.loc } };
          ops.push(op);
        }
        if (op.value.t === 'map') op.value.entries.push({ key: varText, keyLoc: (variable as Value).loc, value: v });
      }
      entries.push({
        key: 'Condition',
        keyLoc: conditions[0].loc,
        value: { t: 'map', entries: ops, loc: conditions[0].loc },
      });
    }
    return { t: 'map', entries, loc: block.loc };
  }

  // ---- expressions -----------------------------------------------------------------------------

  eval(f: TfFile, node: HclNode, scope: Map<string, Value>): Value {
    const loc = this.loc(f, node);
    const err = firstError(node);
    if (err) return unknown(`invalid HCL at ${f.file}:${f.lines.position(err.start).line}`, loc);
    switch (node.type) {
      case 'expression': {
        const c = node.children;
        if (c.length === 1 && c[0].type === 'conditional') return this.conditional(f, c[0], scope);
        return this.terms(f, c, scope, loc);
      }
      case 'literal_value':
        return this.literal(f, node.children[0], loc);
      case 'template_expr':
        return this.template(f, node.children[0], scope, loc);
      case 'collection_value':
        return this.collection(f, node.children[0], scope);
      case 'function_call':
        return this.call(f, node, scope, loc);
      case 'for_expr':
        return this.forExpr(f, node.children[0], scope, loc);
      case 'operation':
        return this.operation(f, node.children[0], scope, loc);
      case 'conditional':
        return this.conditional(f, node, scope);
      default:
        return unknown(`${node.type} is not evaluated`, loc);
    }
  }

  private literal(f: TfFile, node: HclNode, loc: Loc): Value {
    switch (node.type) {
      case 'numeric_lit':
        return { t: 'num', v: Number(f.text.slice(node.start, node.end)), loc };
      case 'bool_lit':
        return { t: 'bool', v: f.text.slice(node.start, node.end) === 'true', loc };
      case 'null_lit':
        return { t: 'null', loc };
      case 'string_lit':
        return this.template(f, node, new Map(), loc);
      default:
        return unknown(`${node.type} is not evaluated`, loc);
    }
  }

  /** Quoted templates and heredocs: literal text (escapes decoded, `<<-` indentation removed) and interpolations. */
  private template(f: TfFile, node: HclNode, scope: Map<string, Value>, loc: Loc): Value {
    const heredoc = node.type === 'heredoc_template';
    let from: number;
    let to: number;
    let flush = false;
    if (heredoc) {
      const ids = kids(node, 'heredoc_identifier');
      flush = f.text.slice(node.start, node.start + 3) === '<<-';
      const nl = f.text.indexOf('\n', ids[0].end);
      from = nl < 0 ? ids[0].end : nl + 1;
      // The closing marker's line, with its indentation, is not part of the text.
      const close = ids[ids.length - 1];
      to = f.text.lastIndexOf('\n', close.start - 1) + 1;
      if (to < from) to = from;
    } else {
      from = node.children[0]?.end ?? node.start;
      to = node.children[node.children.length - 1]?.start ?? node.end;
    }
    const out = { text: '', src: [] as number[] };
    const failure = this.renderParts(f, node.children, from, to, !heredoc, scope, out);
    if (failure) return failure;
    if (flush) {
      const lines = out.text.split('\n');
      const indents = lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)?.[0].length ?? 0);
      const cut = indents.length ? Math.min(...indents) : 0;
      let text = '';
      const src: number[] = [];
      let pos = 0;
      lines.forEach((line, i) => {
        const drop = Math.min(cut, /^[ \t]*/.exec(line)?.[0].length ?? 0);
        text += line.slice(drop) + (i < lines.length - 1 ? '\n' : '');
        src.push(...out.src.slice(pos + drop, pos + line.length + (i < lines.length - 1 ? 1 : 0)));
        pos += line.length + 1;
      });
      out.text = text;
      out.src = src;
    }
    return str(out.text, loc, segmentsOf(out.src));
  }

  /** The text of a template between two offsets: literal text, interpolations and directives; an unknown stops it. */
  private renderParts(
    f: TfFile,
    parts: HclNode[],
    from: number,
    to: number,
    quoted: boolean,
    scope: Map<string, Value>,
    out: { text: string; src: number[] },
  ): Value | null {
    let at = from;
    for (const part of parts) {
      if (part.type !== 'template_interpolation' && part.type !== 'template_directive') continue;
      if (part.start < from || part.end > to) continue;
      decodeLiteral(f.text, at, part.start, quoted, out);
      at = part.end;
      if (part.type === 'template_directive') {
        const failure = this.directive(f, part.children[0], quoted, scope, out);
        if (failure) return failure;
        continue;
      }
      const expr = kids(part, 'expression')[0];
      const v = expr ? this.eval(f, expr, scope) : unknown('empty interpolation', this.loc(f, part));
      if (v.t === 'unknown') return v;
      const s = scalarText(v);
      if (s === null) return unknown('a list or map cannot be interpolated into a string', this.loc(f, part));
      out.text += s;
      for (let k = 0; k < s.length; k++) out.src.push(-1);
    }
    decodeLiteral(f.text, at, to, quoted, out);
    return null;
  }

  /**
   * A template directive: `%{ if C }…%{ else }…%{ endif }` renders the branch C chooses, `%{ for V in X }`
   * / `%{ for K, V in X }…%{ endfor }` its body once per element (a list's index and item, a map's key and
   * value). Strip markers (`~`) are not applied: they only remove whitespace.
   */
  private directive(
    f: TfFile,
    d: HclNode | undefined,
    quoted: boolean,
    scope: Map<string, Value>,
    out: { text: string; src: number[] },
  ): Value | null {
    const loc = d ? this.loc(f, d) : { file: f.file, start: 0, end: 0 };
    if (d?.type === 'template_if') {
      const intro = kids(d, 'template_if_intro')[0];
      const otherwise = kids(d, 'template_else_intro')[0];
      const end = kids(d, 'template_if_end')[0];
      const condNode = intro ? kids(intro, 'expression')[0] : undefined;
      if (!intro || !end || !condNode) return unknown('a template if directive is not complete', loc);
      const c = this.eval(f, condNode, scope);
      if (c.t === 'unknown') return c;
      const truth = c.t === 'bool' ? c.v : scalarText(c) === 'true';
      if (truth) return this.renderParts(f, d.children, intro.end, otherwise?.start ?? end.start, quoted, scope, out);
      return otherwise ? this.renderParts(f, d.children, otherwise.end, end.start, quoted, scope, out) : null;
    }
    if (d?.type === 'template_for') {
      const start = kids(d, 'template_for_start')[0];
      const end = kids(d, 'template_for_end')[0];
      const collNode = start ? kids(start, 'expression')[0] : undefined;
      if (!start || !end || !collNode) return unknown('a template for directive is not complete', loc);
      const names = kids(start, 'identifier').map((n) => f.text.slice(n.start, n.end));
      const coll = this.eval(f, collNode, scope);
      if (coll.t === 'unknown') return coll;
      const items: Array<[Value, Value]> =
        coll.t === 'list'
          ? coll.items.map((v, i): [Value, Value] => [{ t: 'num', v: i, loc: v.loc }, v])
          : coll.t === 'map'
            ? coll.entries.map((e): [Value, Value] => [str(e.key, e.keyLoc), e.value])
            : [];
      if (coll.t !== 'list' && coll.t !== 'map') return unknown(`a template for directive over a ${coll.t}`, loc);
      for (const [k, v] of items) {
        const inner = new Map(scope);
        if (names.length >= 2) inner.set(names[0], k).set(names[1], v);
        else inner.set(names[0], v);
        const failure = this.renderParts(f, d.children, start.end, end.start, quoted, inner, out);
        if (failure) return failure;
      }
      return null;
    }
    return unknown('a template directive is not understood', loc);
  }

  private collection(f: TfFile, node: HclNode, scope: Map<string, Value>): Value {
    const loc = this.loc(f, node);
    if (node.type === 'tuple')
      return { t: 'list', items: kids(node, 'expression').map((e) => this.eval(f, e, scope)), loc };
    const entries: Array<{ key: string; keyLoc: Loc; value: Value }> = [];
    for (const el of kids(node, 'object_elem')) {
      const keyNode = el.children.find((c) => c.field === 'key');
      const valNode = el.children.find((c) => c.field === 'val');
      if (!keyNode || !valNode) continue;
      // A bare identifier key is its name; anything else is an expression.
      const bare = keyNode.children.length === 1 && keyNode.children[0].type === 'variable_expr';
      const key = bare ? f.text.slice(keyNode.start, keyNode.end) : scalarText(this.eval(f, keyNode, scope));
      const value = this.eval(f, valNode, scope);
      if (key === null) return unknown('an object key cannot be resolved', this.loc(f, keyNode));
      entries.push({ key, keyLoc: this.loc(f, keyNode), value });
    }
    return { t: 'map', entries, loc };
  }

  /** A term with its postfix operators: `var.x`, `local.y[0]`, `aws_iam_role.r.arn`, `(expr).z`. */
  private terms(f: TfFile, children: HclNode[], scope: Map<string, Value>, loc: Loc): Value {
    if (children.length === 0) return unknown('empty expression', loc);
    let rest: HclNode[];
    let base: Value;
    if (children[0].type === '(') {
      base = this.eval(f, children[1], scope);
      rest = children.slice(3);
    } else if (children[0].type === 'variable_expr') {
      return this.traversal(f, children, scope, loc);
    } else {
      base = this.eval(f, children[0], scope);
      rest = children.slice(1);
    }
    return this.postfix(f, base, rest, scope, loc);
  }

  private postfix(f: TfFile, base: Value, rest: HclNode[], scope: Map<string, Value>, loc: Loc): Value {
    let v = base;
    for (const p of rest) {
      if (v.t === 'unknown') return v;
      if (p.type === 'get_attr') {
        const name = f.text.slice(p.children[1]?.start ?? p.end, p.end);
        v =
          v.t === 'map'
            ? (v.entries.find((e) => e.key === name)?.value ?? failed(`no attribute ${name}`, loc))
            : failed(`.${name} of a ${v.t}`, loc);
      } else if (p.type === 'index') {
        const inner = p.children[0];
        const keyValue =
          inner.type === 'legacy_index'
            ? str(f.text.slice(inner.start + 1, inner.end), loc)
            : this.eval(f, kids(inner, 'expression')[0], scope);
        const key = scalarText(keyValue);
        if (key === null) return keyValue.t === 'unknown' ? keyValue : unknown('an index cannot be resolved', loc);
        if (v.t === 'list') v = v.items[Number(key)] ?? failed(`index ${key} is outside the list`, loc);
        else if (v.t === 'map') v = v.entries.find((e) => e.key === key)?.value ?? failed(`no key ${key}`, loc);
        else return failed(`[${key}] of a ${v.t}`, loc);
      } else return unknown('splat expressions are not evaluated', loc);
    }
    return v;
  }

  private traversal(f: TfFile, children: HclNode[], scope: Map<string, Value>, loc: Loc): Value {
    const root = f.text.slice(children[0].start, children[0].end);
    const rest = children.slice(1);
    const attrName = (i: number): string | null =>
      rest[i]?.type === 'get_attr' ? f.text.slice(rest[i].children[1]?.start ?? rest[i].end, rest[i].end) : null;
    // `x[0]`, `x["a"]`, `x[each.key]`: the instance of a resource or data source with count / for_each.
    const indexAt = (i: number): { next: number; index: string | null | Unknown } => {
      const p = rest[i];
      if (p?.type !== 'index') return { next: i, index: null };
      const inner = p.children[0];
      if (inner.type === 'legacy_index') return { next: i + 1, index: f.text.slice(inner.start + 1, inner.end) };
      const v = this.eval(f, kids(inner, 'expression')[0], scope);
      const text = scalarText(v);
      return {
        next: i + 1,
        index: text ?? (v.t === 'unknown' ? v : missing('an index cannot be resolved', this.loc(f, p))),
      };
    };
    if (scope.has(root)) return this.postfix(f, scope.get(root) as Value, rest, scope, loc);
    if (root === 'var' || root === 'local') {
      const name = attrName(0);
      if (!name) return unknown(`${root} needs a name`, loc);
      return this.postfix(
        f,
        root === 'var' ? this.variable(name, loc) : this.local(name, loc),
        rest.slice(1),
        scope,
        loc,
      );
    }
    if (root === 'data') {
      const type = attrName(0);
      const name = attrName(1);
      if (type && name && rest[2]?.type === 'splat')
        return this.postfix(f, this.splat(f, 'data', `${type}.${name}`, rest[2], loc), rest.slice(3), scope, loc);
      const { next: i, index } = indexAt(2);
      const attr = attrName(i);
      if (!type || !name || !attr) return unknown('data.TYPE.NAME.ATTRIBUTE expected', loc);
      if (index !== null && typeof index !== 'string') return index;
      return this.postfix(f, this.dataAttr(`${type}.${name}`, attr, loc, index), rest.slice(i + 1), scope, loc);
    }
    // `path.module` is the module's folder: file() and templatefile() paths are read relative to it.
    if (root === 'path' && attrName(0) === 'module' && rest.length === 1) return str('.', loc);
    if (
      root === 'module' ||
      root === 'each' ||
      root === 'count' ||
      root === 'path' ||
      root === 'terraform' ||
      root === 'self'
    )
      return unknown(
        `${f.text.slice(loc.start, loc.end)} is not evaluated (${root}.* is known only to Terraform)`,
        loc,
      );
    const name = attrName(0);
    if (name && this.resources.has(`${root}.${name}`)) {
      if (rest[1]?.type === 'splat')
        return this.postfix(f, this.splat(f, 'resource', `${root}.${name}`, rest[1], loc), rest.slice(2), scope, loc);
      const { next: i, index } = indexAt(1);
      const attr = attrName(i);
      if (!attr) return unknown(`${root}.${name} needs an attribute`, loc);
      if (index !== null && typeof index !== 'string') return index;
      return this.postfix(f, this.resourceAttr(`${root}.${name}`, attr, loc, index), rest.slice(i + 1), scope, loc);
    }
    return unknown(`${f.text.slice(loc.start, loc.end)} is not defined in this module`, loc);
  }

  /** `x[*].attr` / `x.*.attr` of a resource or data source: the attribute of every instance, as a list. */
  private splat(f: TfFile, kind: 'data' | 'resource', key: string, node: HclNode, loc: Loc): Value {
    const attrs = kids(node.children[0], 'get_attr');
    const block = (kind === 'data' ? this.data : this.resources).get(key);
    if (!block || attrs.length !== 1 || node.children[0].children.length !== 2)
      return unknown('splat expressions are not evaluated', loc);
    const attr = f.text.slice(attrs[0].children[1]?.start ?? attrs[0].end, attrs[0].end);
    const all = this.instances(block);
    if (!Array.isArray(all)) return all;
    return {
      t: 'list',
      items: all.map((i) =>
        kind === 'data' ? this.dataAttr(key, attr, loc, i.key) : this.resourceAttr(key, attr, loc, i.key),
      ),
      loc,
    };
  }

  private conditional(f: TfFile, node: HclNode, scope: Map<string, Value>): Value {
    const [c, a, b] = kids(node, 'expression');
    const cond = this.eval(f, c, scope);
    if (cond.t === 'unknown') return cond;
    const truth = cond.t === 'bool' ? cond.v : scalarText(cond) === 'true';
    return this.eval(f, truth ? a : b, scope);
  }

  private operation(f: TfFile, node: HclNode, scope: Map<string, Value>, loc: Loc): Value {
    if (node.type === 'unary_operation') {
      const op = node.children[0].type;
      const v = this.terms(f, node.children.slice(1), scope, loc);
      if (v.t === 'unknown') return v;
      if (op === '!') return { t: 'bool', v: !(v.t === 'bool' ? v.v : scalarText(v) === 'true'), loc };
      return { t: 'num', v: -Number(scalarText(v)), loc };
    }
    const at = node.children.findIndex((c) => OPERATORS.has(c.type));
    if (at < 0) return unknown('operation not understood', loc);
    const op = node.children[at].type;
    const a = this.terms(f, node.children.slice(0, at), scope, loc);
    if (op === '&&' && a.t === 'bool' && !a.v) return { t: 'bool', v: false, loc };
    if (op === '||' && a.t === 'bool' && a.v) return { t: 'bool', v: true, loc };
    const b = this.terms(f, node.children.slice(at + 1), scope, loc);
    if (a.t === 'unknown') return a;
    if (b.t === 'unknown') return b;
    const sa = scalarText(a);
    const sb = scalarText(b);
    switch (op) {
      case '==':
        return {
          t: 'bool',
          v: JSON.stringify(toPlain(a)) === JSON.stringify(toPlain(b)) || (sa !== null && sa === sb && a.t === b.t),
          loc,
        };
      case '!=':
        return { t: 'bool', v: !(JSON.stringify(toPlain(a)) === JSON.stringify(toPlain(b))), loc };
      case '&&':
      case '||': {
        const x = a.t === 'bool' ? a.v : sa === 'true';
        const y = b.t === 'bool' ? b.v : sb === 'true';
        return { t: 'bool', v: op === '&&' ? x && y : x || y, loc };
      }
      default: {
        const x = Number(sa);
        const y = Number(sb);
        const r =
          op === '+'
            ? x + y
            : op === '-'
              ? x - y
              : op === '*'
                ? x * y
                : op === '/'
                  ? x / y
                  : op === '%'
                    ? x % y
                    : op === '>'
                      ? x > y
                      : op === '>='
                        ? x >= y
                        : op === '<'
                          ? x < y
                          : x <= y;
        return typeof r === 'boolean'
          ? { t: 'bool', v: r, loc }
          : Number.isFinite(r)
            ? { t: 'num', v: r, loc }
            : unknown(`${op} on non-numbers`, loc);
      }
    }
  }

  private forExpr(f: TfFile, node: HclNode, scope: Map<string, Value>, loc: Loc): Value {
    const intro = kids(node, 'for_intro')[0];
    const names = kids(intro, 'identifier').map((i) => f.text.slice(i.start, i.end));
    const collection = this.eval(f, kids(intro, 'expression')[0], scope);
    if (collection.t === 'unknown') return collection;
    const exprs = kids(node, 'expression');
    const cond = kids(node, 'for_cond')[0];
    const pairs: Array<[Value, Value]> =
      collection.t === 'list'
        ? collection.items.map((v, i) => [{ t: 'num', v: i, loc: v.loc } as Value, v])
        : collection.t === 'map'
          ? collection.entries.map((e) => [str(e.key, e.keyLoc), e.value])
          : [];
    const items: Value[] = [];
    const entries: Array<{ key: string; keyLoc: Loc; value: Value }> = [];
    for (const [k, v] of pairs) {
      const inner = new Map(scope);
      if (names.length === 2) {
        inner.set(names[0], k);
        inner.set(names[1], v);
      } else inner.set(names[0], v);
      if (cond) {
        const c = this.eval(f, kids(cond, 'expression')[0], inner);
        if (c.t === 'unknown') return c;
        if (!(c.t === 'bool' ? c.v : scalarText(c) === 'true')) continue;
      }
      if (node.type === 'for_tuple_expr') items.push(this.eval(f, exprs[0], inner));
      else {
        const key = scalarText(this.eval(f, exprs[0], inner));
        if (key === null) return unknown('a for expression key cannot be resolved', loc);
        entries.push({ key, keyLoc: loc, value: this.eval(f, exprs[1], inner) });
      }
    }
    return node.type === 'for_tuple_expr' ? { t: 'list', items, loc } : { t: 'map', entries, loc };
  }

  private call(f: TfFile, node: HclNode, scope: Map<string, Value>, loc: Loc): Value {
    const name = f.text.slice(node.children[0].start, node.children[0].end);
    const argsNode = kids(node, 'function_arguments')[0];
    const args = kids(argsNode, 'expression').map((e) => this.eval(f, e, scope));
    const expand = argsNode?.children.some((c) => c.type === 'ellipsis');
    if (expand && args.length) {
      const last = args.pop() as Value;
      if (last.t === 'list') args.push(...last.items);
      else return unknown('... needs a list', loc);
    }
    const bad = args.find((a) => a.t === 'unknown');
    const needsAll = !['coalesce', 'try', 'can'].includes(name);
    if (bad && needsAll) return bad;
    const texts = args.map(scalarText);
    const list = (v: Value | undefined): Value[] => (v?.t === 'list' ? v.items : v ? [v] : []);
    switch (name) {
      case 'jsonencode': {
        if (!args[0]) return unknown('jsonencode needs a value', loc);
        const inner = firstUnknown(args[0]);
        if (inner) return inner;
        return { t: 'str', v: JSON.stringify(toPlain(args[0])), loc, json: args[0] };
      }
      case 'jsondecode':
        return args[0]?.t === 'str'
          ? (args[0].json ?? parseJsonValue(args[0]))
          : unknown('jsondecode needs a string', loc);
      case 'join':
        return str(
          list(args[1])
            .concat(args.slice(2).flatMap(list))
            .map((v) => scalarText(v) ?? '')
            .join(texts[0] ?? ''),
          loc,
        );
      case 'split':
        return { t: 'list', items: (texts[1] ?? '').split(texts[0] ?? ',').map((s) => str(s, loc)), loc };
      case 'concat':
      case 'flatten':
        return { t: 'list', items: args.flatMap((a) => (name === 'flatten' ? flattenList(a) : list(a))), loc };
      case 'format': {
        let i = 1;
        return str(
          (texts[0] ?? '').replace(/%%|%[-+# 0-9.]*[sdvqft]/g, (m) => (m === '%%' ? '%' : (texts[i++] ?? ''))),
          loc,
        );
      }
      case 'lower':
      case 'upper':
      case 'trimspace':
      case 'tostring':
        return str(
          name === 'lower'
            ? (texts[0] ?? '').toLowerCase()
            : name === 'upper'
              ? (texts[0] ?? '').toUpperCase()
              : name === 'trimspace'
                ? (texts[0] ?? '').trim()
                : (texts[0] ?? ''),
          loc,
        );
      case 'replace':
        return str((texts[0] ?? '').split(texts[1] ?? '').join(texts[2] ?? ''), loc);
      case 'tonumber':
        return { t: 'num', v: Number(texts[0]), loc };
      case 'tolist':
      case 'toset':
      case 'distinct':
      case 'compact': {
        const items = list(args[0]).filter((v) => name !== 'compact' || scalarText(v) !== '');
        const seen = new Set<string>();
        return {
          t: 'list',
          items:
            name === 'tolist'
              ? items
              : items.filter((v) => !seen.has(JSON.stringify(toPlain(v))) && !!seen.add(JSON.stringify(toPlain(v)))),
          loc,
        };
      }
      case 'merge': {
        // Later maps win: keep each key's last entry.
        const all = args.flatMap((a) => (a.t === 'map' ? a.entries : []));
        return { t: 'map', entries: all.filter((e, i) => !all.slice(i + 1).some((x) => x.key === e.key)), loc };
      }
      case 'length':
        return {
          t: 'num',
          v:
            args[0]?.t === 'list'
              ? args[0].items.length
              : args[0]?.t === 'map'
                ? args[0].entries.length
                : (texts[0] ?? '').length,
          loc,
        };
      case 'element':
        return args[0]?.t === 'list' && args[0].items.length
          ? args[0].items[Number(texts[1]) % args[0].items.length]
          : unknown('element needs a list', loc);
      case 'lookup':
        return args[0]?.t === 'map'
          ? (args[0].entries.find((e) => e.key === texts[1])?.value ?? args[2] ?? failed(`no key ${texts[1]}`, loc))
          : unknown('lookup needs a map', loc);
      case 'coalesce':
        // The first argument that is not null or "": one that is known only after apply may be either, so
        // the result is not known before it either (Terraform's coalesce is unknown then too).
        for (const a of args) {
          if (a.t === 'unknown') return a;
          if (a.t !== 'null' && scalarText(a) !== '') return a;
        }
        return unknown('coalesce: every argument is empty', loc);
      case 'try':
        // The first argument Terraform evaluates without an error; a value known only after apply is not an
        // error, so try() returns it (unknown) rather than a later argument.
        for (const a of args) if (a.t !== 'unknown' || !a.error) return a;
        return args[args.length - 1] ?? unknown('try needs an argument', loc);
      case 'file':
      case 'templatefile': {
        if (!this.readFile) break;
        if (name === 'templatefile' && this.templateDepth > 0)
          return failed(
            'templatefile() cannot be called from inside another templatefile() call, as in Terraform',
            loc,
          );
        const path = texts[0];
        if (path === null) return unknown(`${name}() needs a path`, loc);
        const read = this.readFile(path);
        if ('error' in read) return unknown(`${name}("${path}"): ${read.error}`, loc);
        if (name === 'file') return str(read.text, loc);
        const vars = args[1] ?? { t: 'map', entries: [], loc };
        if (vars.t !== 'map') return unknown('templatefile() needs a map of variables', loc);
        return this.renderTemplate(
          `templatefile("${path}")`,
          read.text,
          new Map(vars.entries.map((e) => [e.key, e.value])),
          loc,
        );
      }
      default:
        break;
    }
    return unknown(
      `${name}() is not evaluated${name === 'file' || name === 'templatefile' ? ' (RoleCall does not read files a template names)' : ''}`,
      loc,
    );
  }

  /**
   * A template file rendered as `templatefile` does: the file is Terraform's template language (the text
   * of a heredoc), evaluated with only the given variables in scope. Its value is located at the call.
   */
  renderTemplate(what: string, text: string, vars: Map<string, Value>, loc: Loc): Value {
    if (!this.hcl) return unknown(`${what} cannot be parsed here`, loc);
    let marker = 'ROLECALL_TEMPLATE';
    while (text.includes(marker)) marker += '_';
    const source = `t = <<${marker}\n${text}${text.endsWith('\n') ? '' : '\n'}${marker}\n`;
    const root = this.hcl.parse(source);
    const body = kids(root, 'body')[0];
    const expr = kids(kids(body, 'attribute')[0], 'expression')[0];
    if (!expr || firstError(root)) return unknown(`${what}: the template is not valid`, loc);
    const file: TfFile = { file: what, text: source, lines: new LineMap(source), root };
    this.templateDepth++;
    let v: Value;
    try {
      v = this.eval(file, expr, vars);
    } finally {
      this.templateDepth--;
    }
    if (v.t === 'unknown') return unknown(`${what}: ${v.why}`, loc);
    const rendered = scalarText(v);
    // The heredoc wrapper adds the final newline a file without one lacks.
    return rendered === null ? unknown(`${what} gives no text`, loc) : str(rendered, loc);
  }
}

function flattenList(v: Value): Value[] {
  return v.t === 'list' ? v.items.flatMap(flattenList) : [v];
}

function fromPlain(value: unknown, loc: Loc): Value {
  if (typeof value === 'string') return str(value, loc);
  if (typeof value === 'number') return { t: 'num', v: value, loc };
  if (typeof value === 'boolean') return { t: 'bool', v: value, loc };
  if (Array.isArray(value)) return { t: 'list', items: value.map((v) => fromPlain(v, loc)), loc };
  if (value && typeof value === 'object')
    return {
      t: 'map',
      entries: Object.entries(value).map(([key, v]) => ({ key, keyLoc: loc, value: fromPlain(v, loc) })),
      loc,
    };
  return { t: 'null', loc };
}

function parseJsonValue(v: Extract<Value, { t: 'str' }>): Value {
  try {
    return fromPlain(JSON.parse(v.v), v.loc);
  } catch {
    return unknown('the string is not JSON', v.loc);
  }
}

/**
 * Reads the `.tf` files of one module into the collector. Returns one-line errors for files that are not
 * valid HCL (the rest of the module is still read where it parsed). Never throws.
 */
export function readTerraform(
  texts: Array<{ file: string; text: string }>,
  entry: IacEntry,
  collector: IacCollector,
  hcl: HclParser,
  readFile: ModuleFileReader | null = null,
): string[] {
  const errors: string[] = [];
  const files: TfFile[] = [];
  for (const t of texts) {
    const text = t.text.charCodeAt(0) === 0xfeff ? ` ${t.text.slice(1)}` : t.text;
    const lines = new LineMap(text);
    const root = hcl.parse(text);
    const err = firstError(root);
    if (err) {
      const p = lines.position(err.start);
      errors.push(
        `${t.file}:${p.line}:${p.column}: not valid HCL (Terraform) near "${text.slice(err.start, Math.min(err.end, err.start + 30)).split('\n')[0]}"`,
      );
      continue;
    }
    collector.addFile(t.file, lines);
    files.push({ file: t.file, text, lines, root });
  }
  const m = new Module(files, entry, hcl, readFile);
  const policy = (doc: Value | null, name: string): PolicySpec | null => (doc ? { name, doc } : null);
  let warnedAccount = false;
  for (const [address, declared] of m.resources) {
    const type = declared.labels[0];
    // Only the resources the IAM model is built from: how many instance profiles or access keys a module
    // makes is none of the trust checks' business, so it is never reported as unresolved.
    if (!READ_RESOURCES.has(type)) continue;
    // count / for_each: one resource per instance, each with its count.index / each.key / each.value.
    const instances = m.instances(declared);
    if (!Array.isArray(instances)) {
      const meta = m.attributes(declared).has('count') ? 'count' : 'for_each';
      collector.unresolvedAt(
        instances.loc,
        `How many ${address} Terraform creates cannot be resolved (${meta}): ${instances.why}.`,
      );
      continue;
    }
    for (const instance of instances)
      readResource(`${address}${instance.index}`, address, instance.key, instance.block);
  }
  return errors;

  function readResource(key: string, address: string, index: string | null, block: Block): void {
    const type = block.labels[0];
    if (!entry.account && !warnedAccount && (type === 'aws_iam_role' || type === 'aws_iam_user')) {
      warnedAccount = true;
      collector.unresolvedAt(
        block.loc,
        `The account this Terraform module deploys to is not known: set "account" in the iac entry for ${block.file.file} (or --iac-account), so its roles' ARNs can be checked.`,
      );
    }
    const target = (attr: string): string | null => {
      const v = m.attr(block, attr);
      const t = v ? scalarText(v) : null;
      // The policies of a role whose name is generated go with that role (pending, no finding of its own).
      if (v && t === null && !(v.t === 'unknown' && v.generated))
        collector.unresolvedAt(
          v.loc,
          `The ${attr} ${key} applies to cannot be resolved${v.t === 'unknown' ? `: ${v.why}` : ''}.`,
        );
      return t;
    };
    switch (type) {
      case 'aws_iam_role':
      case 'aws_iam_user': {
        const isRole = type === 'aws_iam_role';
        const name = m.resourceName(block);
        const inline: PolicySpec[] = [];
        for (const ip of m.blocks(block, 'inline_policy')) {
          const p = policy(m.attr(ip, 'policy'), scalarText(m.attr(ip, 'name') ?? undefined) ?? 'inline policy');
          if (p) inline.push(p);
        }
        const managed = m.attr(block, 'managed_policy_arns');
        const tagsValue = m.attr(block, 'tags');
        const tags: Record<string, string> = {};
        if (tagsValue?.t === 'map') for (const e of tagsValue.entries) tags[e.key] = scalarText(e.value) ?? '';
        const spec: PrincipalSpec = {
          kind: isRole ? 'role' : 'user',
          file: block.file.file,
          loc: block.loc,
          id: key,
          account: entry.account,
          partition: m.partition,
          name,
          path: m.attr(block, 'path'),
          inline,
          managed: managed ? (managed.t === 'list' ? managed.items : [managed]) : [],
          tags,
        };
        if (isRole) {
          spec.trust = m.attr(block, 'assume_role_policy');
          const msd = m.attr(block, 'max_session_duration');
          spec.maxSessionDuration = msd;
        }
        collector.principals.push(spec);
        break;
      }
      case 'aws_iam_role_policy':
      case 'aws_iam_user_policy': {
        const kind = type === 'aws_iam_role_policy' ? 'role' : 'user';
        const t = target(kind);
        const p = policy(m.attr(block, 'policy'), scalarText(m.attr(block, 'name') ?? undefined) ?? key);
        if (t !== null && p) collector.extraInline.push({ kind, account: entry.account, target: t, policy: p });
        break;
      }
      case 'aws_iam_policy': {
        const arn = scalarText(m.resourceAttr(address, 'arn', block.loc, index));
        const doc = m.attr(block, 'policy');
        if (arn && doc) collector.managed.set(arn, { name: arn, doc });
        break;
      }
      case 'aws_iam_role_policy_attachment':
      case 'aws_iam_user_policy_attachment': {
        const kind = type === 'aws_iam_role_policy_attachment' ? 'role' : 'user';
        const t = target(kind);
        const arn = m.attr(block, 'policy_arn');
        if (t !== null && arn) collector.extraManaged.push({ kind, account: entry.account, target: t, arn });
        break;
      }
    }
  }
}
