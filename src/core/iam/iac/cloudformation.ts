// CloudFormation templates (YAML with the short-form tags, JSON, CDK's synthesized cdk.out templates) read
// into the IaC collector. YAML is parsed by the `yaml` package with a custom tag per short form (`!Sub`,
// `!GetAtt`, ...), JSON by our positioned JSON parser; both become one positioned template tree, whose
// intrinsic functions are evaluated against the entry's account, region and parameters.
import { type Document, isAlias, isMap, isScalar, isSeq, type Node as YamlNode, parseDocument, Scalar } from 'yaml';
import type { ScalarTag, CollectionTag } from 'yaml';
import { partitionForRegion } from '../arn';
import { type JsonNode, parseJsonTree } from '../json';
import { LineMap } from '../../types';
import type { IacCollector, IacEntry, PolicySpec, PrincipalSpec } from './model';
import { concat, generatedName, type Loc, scalarText, type Segment, str, toPlain, unknown, type Value } from './value';

/** A template node with its position: scalars, sequences, maps and intrinsic functions. */
type TNode =
  | { k: 'scalar'; v: string | number | boolean | null; loc: Loc; segs?: Segment[] }
  | { k: 'seq'; items: TNode[]; loc: Loc }
  | { k: 'map'; entries: Array<{ key: string; keyLoc: Loc; value: TNode }>; loc: Loc }
  | { k: 'fn'; name: string; arg: TNode; loc: Loc };

/** The short-form tags CloudFormation's YAML accepts, and the function each stands for. */
const SHORT_FORMS = [
  'Ref',
  'Condition',
  'Sub',
  'GetAtt',
  'Join',
  'If',
  'Select',
  'Split',
  'Equals',
  'Not',
  'And',
  'Or',
  'FindInMap',
  'Base64',
  'Cidr',
  'GetAZs',
  'ImportValue',
  'Transform',
  'ToJsonString',
  'Length',
];

function fnName(short: string): string {
  return short === 'Ref' || short === 'Condition' ? short : `Fn::${short}`;
}

// Each short form as a scalar, sequence and mapping tag: the node keeps its tag and position.
const CUSTOM_TAGS: Array<ScalarTag | CollectionTag> = SHORT_FORMS.flatMap((name): Array<ScalarTag | CollectionTag> => [
  { tag: `!${name}`, resolve: (value: string) => value },
  { tag: `!${name}`, collection: 'seq' },
  { tag: `!${name}`, collection: 'map' },
]);

const IAM_TYPES = new Set([
  'AWS::IAM::Role',
  'AWS::IAM::User',
  'AWS::IAM::Group',
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::RolePolicy',
  'AWS::IAM::UserPolicy',
  'AWS::IAM::GroupPolicy',
]);

/** True when a parsed text looks like a CloudFormation template (has Resources or the format version). */
export function looksLikeTemplate(text: string): boolean {
  return /(^|\n)\s*"?(Resources|AWSTemplateFormatVersion)"?\s*:/.test(text);
}

function fromYaml(doc: Document, node: YamlNode | null | undefined, file: string, seen = 0): TNode {
  const range = node?.range ?? [0, 0, 0];
  const loc: Loc = { file, start: range[0], end: range[1] };
  if (!node) return { k: 'scalar', v: null, loc };
  if (isAlias(node)) {
    const target = seen < 50 ? node.resolve(doc) : undefined;
    return target ? fromYaml(doc, target, file, seen + 1) : { k: 'scalar', v: null, loc };
  }
  let out: TNode;
  if (isScalar(node)) {
    const v = node.value;
    const value =
      typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null ? v : String(v);
    out = { k: 'scalar', v: value, loc };
    if (typeof value === 'string') {
      const type = node.type;
      const quoted = type === Scalar.QUOTE_DOUBLE || type === Scalar.QUOTE_SINGLE;
      // Plain and simply-quoted scalars are written 1:1 (no escapes), so positions inside them are exact.
      if (type === Scalar.PLAIN || quoted) out.segs = [{ at: 0, len: value.length, src: range[0] + (quoted ? 1 : 0) }];
    }
  } else if (isSeq(node)) {
    out = { k: 'seq', items: node.items.map((i) => fromYaml(doc, i as YamlNode, file, seen)), loc };
  } else if (isMap(node)) {
    const entries: Array<{ key: string; keyLoc: Loc; value: TNode }> = [];
    for (const pair of node.items) {
      const keyNode = pair.key as YamlNode | null;
      const key = keyNode && isScalar(keyNode) ? String(keyNode.value) : '';
      const kr = keyNode?.range ?? range;
      entries.push({
        key,
        keyLoc: { file, start: kr[0], end: kr[1] },
        value: fromYaml(doc, pair.value as YamlNode, file, seen),
      });
    }
    out = longForm({ k: 'map', entries, loc });
  } else {
    out = { k: 'scalar', v: null, loc };
  }
  const tag = node.tag;
  if (tag && tag.startsWith('!') && SHORT_FORMS.includes(tag.slice(1)))
    return { k: 'fn', name: fnName(tag.slice(1)), arg: out, loc };
  return out;
}

/** `{"Ref": x}` and `{"Fn::Sub": x}`: a map of one function key is that function. */
function longForm(map: Extract<TNode, { k: 'map' }>): TNode {
  if (map.entries.length === 1) {
    const [e] = map.entries;
    if (e.key === 'Ref' || e.key.startsWith('Fn::')) return { k: 'fn', name: e.key, arg: e.value, loc: map.loc };
  }
  return map;
}

function fromJson(text: string, node: JsonNode | null, file: string): TNode {
  if (!node) return { k: 'scalar', v: null, loc: { file, start: 0, end: 0 } };
  const loc: Loc = { file, start: node.offset, end: node.offset + node.length };
  switch (node.type) {
    case 'object':
      return longForm({
        k: 'map',
        entries: node.properties.map((p) => ({
          key: p.key,
          keyLoc: { file, start: p.keyOffset, end: p.keyOffset + p.keyLength },
          value: fromJson(text, p.value, file),
        })),
        loc,
      });
    case 'array':
      return { k: 'seq', items: node.items.map((i) => fromJson(text, i, file)), loc };
    case 'string': {
      const raw = text.slice(node.offset + 1, node.offset + node.length - 1);
      return {
        k: 'scalar',
        v: node.value,
        loc,
        ...(raw === node.value ? { segs: [{ at: 0, len: raw.length, src: node.offset + 1 }] } : {}),
      };
    }
    default:
      return { k: 'scalar', v: node.value, loc };
  }
}

/** Parses a template's text into a positioned tree, or says why it cannot (with line and column). */
export function parseTemplate(
  file: string,
  text: string,
): { root: TNode; error: null } | { root: null; error: string } {
  const lines = new LineMap(text);
  if (/^\s*[{[]/.test(text)) {
    const { root, errors } = parseJsonTree(text);
    if (errors.length > 0 || !root) {
      const e = errors[0] ?? { message: 'empty file', offset: 0 };
      const p = lines.position(e.offset);
      return {
        root: null,
        error: `${file}:${p.line}:${p.column}: not a valid JSON CloudFormation template (${e.message})`,
      };
    }
    return { root: fromJson(text, root, file), error: null };
  }
  const doc = parseDocument(text, { customTags: CUSTOM_TAGS, uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const p = lines.position(e.pos[0]);
    return {
      root: null,
      error: `${file}:${p.line}:${p.column}: not a valid YAML CloudFormation template (${e.message.split('\n')[0]})`,
    };
  }
  return { root: fromYaml(doc, doc.contents as YamlNode, file), error: null };
}

function get(node: TNode | undefined, key: string): TNode | undefined {
  return node?.k === 'map' ? node.entries.find((e) => e.key === key)?.value : undefined;
}

function entryOf(node: TNode | undefined, key: string): { key: string; keyLoc: Loc; value: TNode } | undefined {
  return node?.k === 'map' ? node.entries.find((e) => e.key === key) : undefined;
}

// AWS::NoValue: removes the property or list item it stands in.
const NO_VALUE: Value = { t: 'null', loc: { file: '', start: 0, end: 0 } };

interface Resource {
  id: string;
  type: string;
  props: TNode | undefined;
  node: TNode;
  loc: Loc;
}

/** Evaluates the intrinsic functions of one template. */
class Evaluator {
  private readonly conditionCache = new Map<string, boolean | string>();
  private readonly params = new Map<string, Value>();
  readonly partition: string;

  constructor(
    private readonly file: string,
    private readonly root: TNode,
    private readonly entry: IacEntry,
    readonly resources: Map<string, Resource>,
  ) {
    this.partition = entry.region ? partitionForRegion(entry.region) : 'aws';
    const params = get(root, 'Parameters');
    if (params?.k === 'map') {
      for (const p of params.entries) {
        const type = get(p.value, 'Type');
        const typeText = type?.k === 'scalar' ? String(type.v) : 'String';
        const given = entry.parameters[p.key];
        const loc = p.keyLoc;
        let value: Value;
        const dflt = get(p.value, 'Default');
        if (given !== undefined) value = str(given, loc);
        else if (typeText.startsWith('AWS::SSM::Parameter::Value'))
          value = unknown(
            `parameter ${p.key} is read from SSM Parameter Store at deploy time; give its value in the iac entry's "parameters"`,
            loc,
          );
        else if (dflt && dflt.k === 'scalar' && dflt.v !== null)
          value = dflt.segs
            ? str(String(dflt.v), dflt.loc, dflt.segs)
            : ({ t: typeof dflt.v === 'number' ? 'num' : 'str', v: dflt.v as never, loc: dflt.loc } as Value);
        else if (dflt && dflt.k === 'seq') value = this.eval(dflt);
        else
          value = unknown(
            `parameter ${p.key} has no Default; give its value in the iac entry's "parameters" (--iac-param ${p.key}=VALUE)`,
            loc,
          );
        if (/^(CommaDelimitedList|List<)/.test(typeText) && value.t !== 'unknown' && value.t !== 'list') {
          const text = scalarText(value) ?? '';
          value = { t: 'list', items: text.split(',').map((s) => str(s.trim(), value.loc)), loc: value.loc };
        }
        this.params.set(p.key, value);
      }
    }
  }

  private pseudo(name: string, loc: Loc): Value | null {
    switch (name) {
      case 'AWS::AccountId':
        return this.entry.account
          ? str(this.entry.account, loc)
          : unknown('AWS::AccountId is not known: set "account" in the iac entry (or --iac-account)', loc);
      case 'AWS::Region':
        return this.entry.region
          ? str(this.entry.region, loc)
          : unknown('AWS::Region is not known: set "region" in the iac entry (or --iac-region)', loc);
      case 'AWS::Partition':
        return str(this.partition, loc);
      case 'AWS::URLSuffix':
        return str(this.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com', loc);
      case 'AWS::NoValue':
        return NO_VALUE;
      case 'AWS::StackName':
      case 'AWS::StackId':
      case 'AWS::NotificationARNs': {
        const given = this.entry.parameters[name];
        return given !== undefined
          ? str(given, loc)
          : unknown(
              `${name} is known only at deploy time; give it in the iac entry's "parameters" ("${name}": ...)`,
              loc,
            );
      }
      default:
        return null;
    }
  }

  /** The value `Ref` gives for a parameter, pseudo parameter or resource. */
  ref(name: string, loc: Loc): Value {
    const p = this.params.get(name);
    if (p) return p.t === 'unknown' ? unknown(p.why, loc) : p;
    const pseudo = this.pseudo(name, loc);
    if (pseudo) return pseudo;
    const r = this.resources.get(name);
    if (!r) return unknown(`Ref ${name}: no such parameter or resource in the template`, loc);
    return this.guarded(name, loc, () => this.refOf(name, r, loc));
  }

  /** Resources being evaluated, so that a circular dependency is unresolved, not a stack overflow. */
  private readonly evaluating = new Set<string>();

  private guarded(id: string, loc: Loc, evaluate: () => Value): Value {
    if (this.evaluating.has(id))
      return unknown(`${id} depends on itself (CloudFormation refuses a circular dependency)`, loc);
    this.evaluating.add(id);
    try {
      return evaluate();
    } finally {
      this.evaluating.delete(id);
    }
  }

  private refOf(name: string, r: Resource, loc: Loc): Value {
    switch (r.type) {
      case 'AWS::IAM::Role':
      case 'AWS::IAM::User':
      case 'AWS::IAM::Group': {
        const key = r.type === 'AWS::IAM::Role' ? 'RoleName' : r.type === 'AWS::IAM::User' ? 'UserName' : 'GroupName';
        const n = get(r.props, key);
        return n
          ? this.evalAt(n, loc)
          : generatedName(`${name} has no ${key}: its name is generated at deploy time`, loc);
      }
      case 'AWS::IAM::ManagedPolicy':
        return this.managedArn(r, loc);
      case 'AWS::IAM::OIDCProvider':
        return this.oidcProviderArn(r, loc);
      default:
        return unknown(`Ref ${name} (${r.type}) is known only at deploy time`, loc);
    }
  }

  /**
   * The ARN of an `AWS::IAM::OIDCProvider` (what `Ref` and `Fn::GetAtt Arn` give): `arn:PARTITION:iam::ACCOUNT:
   * oidc-provider/` and its `Url` without `https://` — a web-identity trust policy's Federated principal.
   */
  oidcProviderArn(r: Resource, loc: Loc): Value {
    const u = get(r.props, 'Url');
    if (!u) return unknown(`${r.id} has no Url`, loc);
    const url = this.eval(u);
    const text = scalarText(url);
    if (text === null)
      return url.t === 'unknown' ? unknown(url.why, loc) : unknown(`the Url of ${r.id} cannot be resolved`, loc);
    const account = this.pseudo('AWS::AccountId', loc) as Value;
    if (account.t === 'unknown') return account;
    return str(
      `arn:${this.partition}:iam::${scalarText(account)}:oidc-provider/${text.replace(/^https:\/\//, '').replace(/\/$/, '')}`,
      loc,
    );
  }

  /** ARN of a managed policy the template defines; without a name, a stand-in that still links its attachments. */
  managedArn(r: Resource, loc: Loc): Value {
    const account = this.entry.account ?? 'ACCOUNT';
    const n = get(r.props, 'ManagedPolicyName');
    const name = n ? scalarText(this.eval(n)) : null;
    const path = get(r.props, 'Path');
    const pathText = path ? (scalarText(this.eval(path)) ?? '/') : '/';
    return str(`arn:${this.partition}:iam::${account}:policy${pathText}${name ?? `${r.id}`}`, loc);
  }

  private evalAt(node: TNode, loc: Loc): Value {
    const v = this.eval(node);
    return v.t === 'str' ? str(v.v, loc) : v;
  }

  getAtt(resource: string, attribute: string, loc: Loc): Value {
    const r = this.resources.get(resource);
    if (!r) return unknown(`Fn::GetAtt ${resource}.${attribute}: no such resource in the template`, loc);
    return this.guarded(`${resource}.${attribute}`, loc, () => this.getAttOf(resource, r, attribute, loc));
  }

  private getAttOf(resource: string, r: Resource, attribute: string, loc: Loc): Value {
    if (
      attribute === 'Arn' &&
      (r.type === 'AWS::IAM::Role' || r.type === 'AWS::IAM::User' || r.type === 'AWS::IAM::Group')
    ) {
      const kind = r.type === 'AWS::IAM::Role' ? 'role' : r.type === 'AWS::IAM::User' ? 'user' : 'group';
      const name = this.ref(resource, loc);
      if (name.t === 'unknown') return name;
      const path = get(r.props, 'Path');
      let p = path ? scalarText(this.eval(path)) : '/';
      if (p === null) return unknown(`the Path of ${resource} cannot be resolved`, loc);
      if (!p.endsWith('/')) p = `${p}/`;
      const account = this.pseudo('AWS::AccountId', loc) as Value;
      if (account.t === 'unknown') return account;
      return str(`arn:${this.partition}:iam::${scalarText(account)}:${kind}${p}${scalarText(name)}`, loc);
    }
    if (attribute === 'Arn' && r.type === 'AWS::IAM::ManagedPolicy') return this.managedArn(r, loc);
    if (attribute === 'Arn' && r.type === 'AWS::IAM::OIDCProvider') return this.oidcProviderArn(r, loc);
    return unknown(`Fn::GetAtt ${resource}.${attribute} is known only at deploy time`, loc);
  }

  condition(name: string, loc: Loc): boolean | string {
    const cached = this.conditionCache.get(name);
    if (cached !== undefined) return cached;
    this.conditionCache.set(name, `condition ${name} refers to itself`);
    const node = get(get(this.root, 'Conditions'), name);
    const result = node ? this.evalCondition(node) : `no condition ${name} in the template's Conditions`;
    this.conditionCache.set(name, result);
    void loc;
    return result;
  }

  /** A condition's truth, or why it cannot be known. */
  evalCondition(node: TNode): boolean | string {
    if (node.k === 'map' && node.entries.length === 1 && node.entries[0].key === 'Condition') {
      const n = node.entries[0].value;
      return n.k === 'scalar' ? this.condition(String(n.v), n.loc) : 'Condition needs a condition name';
    }
    if (node.k === 'scalar' && typeof node.v === 'boolean') return node.v;
    if (node.k !== 'fn') return 'not a condition function';
    const args = node.arg.k === 'seq' ? node.arg.items : [node.arg];
    switch (node.name) {
      case 'Condition':
        return node.arg.k === 'scalar'
          ? this.condition(String(node.arg.v), node.loc)
          : 'Condition needs a condition name';
      case 'Fn::Equals': {
        if (args.length !== 2) return 'Fn::Equals needs two values';
        const [a, b] = args.map((x) => this.eval(x));
        if (a.t === 'unknown') return a.why;
        if (b.t === 'unknown') return b.why;
        return JSON.stringify(toPlain(a)) === JSON.stringify(toPlain(b)) || scalarText(a) === scalarText(b);
      }
      case 'Fn::Not': {
        const v = args[0] ? this.evalCondition(args[0]) : 'Fn::Not needs a condition';
        return typeof v === 'boolean' ? !v : v;
      }
      case 'Fn::And':
      case 'Fn::Or': {
        const all = args.map((a) => this.evalCondition(a));
        const unknownWhy = all.find((v) => typeof v === 'string');
        if (node.name === 'Fn::And') return all.includes(false) ? false : (unknownWhy ?? true);
        return all.includes(true) ? true : (unknownWhy ?? false);
      }
      default:
        return `${node.name} is not a condition function`;
    }
  }

  eval(node: TNode): Value {
    switch (node.k) {
      case 'scalar':
        if (node.v === null) return { t: 'null', loc: node.loc };
        if (typeof node.v === 'number') return { t: 'num', v: node.v, loc: node.loc };
        if (typeof node.v === 'boolean') return { t: 'bool', v: node.v, loc: node.loc };
        return str(node.v, node.loc, node.segs);
      case 'seq':
        return { t: 'list', items: node.items.map((i) => this.eval(i)).filter((v) => v !== NO_VALUE), loc: node.loc };
      case 'map': {
        const entries = [];
        for (const e of node.entries) {
          const value = this.eval(e.value);
          if (value !== NO_VALUE) entries.push({ key: e.key, keyLoc: e.keyLoc, value });
        }
        return { t: 'map', entries, loc: node.loc };
      }
      case 'fn':
        return this.evalFn(node);
    }
  }

  private evalFn(node: Extract<TNode, { k: 'fn' }>): Value {
    const { loc, arg } = node;
    const args = arg.k === 'seq' ? arg.items : null;
    switch (node.name) {
      case 'Ref':
        return arg.k === 'scalar' && typeof arg.v === 'string'
          ? this.ref(arg.v, loc)
          : unknown('Ref needs a name', loc);
      case 'Fn::GetAtt': {
        let parts: string[] | null = null;
        if (arg.k === 'scalar' && typeof arg.v === 'string') {
          const dot = arg.v.indexOf('.');
          parts = dot > 0 ? [arg.v.slice(0, dot), arg.v.slice(dot + 1)] : null;
        } else if (args && args.length === 2) {
          const a = scalarText(this.eval(args[0]));
          const b = scalarText(this.eval(args[1]));
          parts = a !== null && b !== null ? [a, b] : null;
        }
        return parts
          ? this.getAtt(parts[0], parts[1], loc)
          : unknown('Fn::GetAtt needs [Resource, Attribute] or "Resource.Attribute"', loc);
      }
      case 'Fn::Sub':
        return this.sub(node);
      case 'Fn::Join': {
        if (!args || args.length !== 2) return unknown('Fn::Join needs [delimiter, [values]]', loc);
        const delim = this.eval(args[0]);
        const list = this.eval(args[1]);
        if (delim.t === 'unknown') return delim;
        if (list.t === 'unknown') return list;
        if (list.t !== 'list') return unknown('the second argument of Fn::Join must be a list', list.loc);
        const d = scalarText(delim) ?? '';
        const pieces: Value[] = [];
        list.items.forEach((item, i) => {
          if (i > 0) pieces.push(str(d, delim.loc));
          pieces.push(item);
        });
        return concat(pieces, loc);
      }
      case 'Fn::Select': {
        if (!args || args.length !== 2) return unknown('Fn::Select needs [index, list]', loc);
        const index = Number(scalarText(this.eval(args[0])));
        const list = this.eval(args[1]);
        if (list.t === 'unknown') return list;
        if (list.t !== 'list') return unknown('the second argument of Fn::Select must be a list', list.loc);
        if (!Number.isInteger(index) || index < 0 || index >= list.items.length)
          return unknown(`Fn::Select index ${index} is outside the list of ${list.items.length}`, loc);
        return list.items[index];
      }
      case 'Fn::Split': {
        if (!args || args.length !== 2) return unknown('Fn::Split needs [delimiter, string]', loc);
        const d = scalarText(this.eval(args[0]));
        const s = this.eval(args[1]);
        if (s.t === 'unknown') return s;
        const text = scalarText(s);
        if (d === null || d === '' || text === null) return unknown('Fn::Split needs a delimiter and a string', loc);
        let at = 0;
        return {
          t: 'list',
          loc,
          items: text.split(d).map((part) => {
            const segs =
              s.t === 'str'
                ? (s.segs ?? [])
                    .filter((g) => g.at <= at && at + part.length <= g.at + g.len)
                    .map((g) => ({ at: 0, len: part.length, src: g.src + at - g.at }))
                : [];
            at += part.length + d.length;
            return str(part, s.loc, segs);
          }),
        };
      }
      case 'Fn::If': {
        if (!args || args.length !== 3) return unknown('Fn::If needs [condition, value if true, value if false]', loc);
        const name = args[0].k === 'scalar' ? String(args[0].v) : '';
        const c = this.condition(name, args[0].loc);
        if (typeof c === 'string') return unknown(c, args[0].loc);
        return this.eval(c ? args[1] : args[2]);
      }
      case 'Fn::FindInMap': {
        if (!args || args.length < 3) return unknown('Fn::FindInMap needs [map, top key, second key]', loc);
        const keys = args.slice(0, 3).map((a) => this.eval(a));
        const bad = keys.find((k) => k.t === 'unknown');
        if (bad) return bad;
        const found = get(
          get(get(get(this.root, 'Mappings'), scalarText(keys[0]) ?? ''), scalarText(keys[1]) ?? ''),
          scalarText(keys[2]) ?? '',
        );
        if (found) return this.eval(found);
        return args[3]
          ? this.eval(get(args[3], 'DefaultValue') ?? args[3])
          : unknown(`Fn::FindInMap: no ${keys.map(scalarText).join('.')} in Mappings`, loc);
      }
      case 'Fn::ToJsonString': {
        const v = this.eval(arg);
        return v.t === 'unknown' ? v : str(JSON.stringify(toPlain(v)), loc);
      }
      default:
        return unknown(`${node.name} is resolved only at deploy time`, loc);
    }
  }

  /** Fn::Sub: `${Name}` is a Ref, `${Res.Attr}` a GetAtt, `${!Literal}` the text `${Literal}`; the list form adds variables. */
  private sub(node: Extract<TNode, { k: 'fn' }>): Value {
    const { arg, loc } = node;
    let template: TNode;
    const vars = new Map<string, Value>();
    if (arg.k === 'seq') {
      if (arg.items.length !== 2) return unknown('Fn::Sub needs a string or [string, {variables}]', loc);
      template = arg.items[0];
      const map = arg.items[1];
      if (map.k === 'map') for (const e of map.entries) vars.set(e.key, this.eval(e.value));
    } else template = arg;
    if (template.k !== 'scalar' || typeof template.v !== 'string')
      return unknown('the template of Fn::Sub must be a string', loc);
    const text = template.v;
    // Literal characters map 1:1 only when the whole string does.
    const base =
      template.segs && template.segs.length === 1 && template.segs[0].len === text.length ? template.segs[0].src : null;
    const pieces: Value[] = [];
    const literal = (from: number, to: number, shown = text.slice(from, to)): void => {
      if (to <= from) return;
      const pieceLoc = base === null ? template.loc : { file: this.file, start: base + from, end: base + to };
      pieces.push(
        str(
          shown,
          pieceLoc,
          base !== null && shown.length === to - from ? [{ at: 0, len: shown.length, src: base + from }] : undefined,
        ),
      );
    };
    let i = 0;
    let last = 0;
    while (i < text.length) {
      const open = text.indexOf('${', i);
      if (open < 0) break;
      const close = text.indexOf('}', open + 2);
      if (close < 0) break;
      const inner = text.slice(open + 2, close);
      const innerLoc = base === null ? template.loc : { file: this.file, start: base + open, end: base + close + 1 };
      if (inner.startsWith('!')) {
        literal(last, open);
        literal(open, close + 1, `\${${inner.slice(1)}}`);
      } else {
        literal(last, open);
        const name = inner.trim();
        const v = vars.get(name);
        if (v) pieces.push(v.t === 'str' ? str(v.v, innerLoc) : v);
        else if (name.includes('.') && !name.startsWith('AWS::')) {
          const dot = name.indexOf('.');
          pieces.push(this.getAtt(name.slice(0, dot), name.slice(dot + 1), innerLoc));
        } else {
          const r = this.ref(name, innerLoc);
          pieces.push(r.t === 'str' ? str(r.v, innerLoc) : r);
        }
      }
      last = close + 1;
      i = close + 1;
    }
    literal(last, text.length);
    return concat(pieces, loc);
  }
}

function policies(ev: Evaluator, node: TNode | undefined): PolicySpec[] {
  const list = node ? ev.eval(node) : null;
  if (!list || list.t !== 'list') return [];
  const out: PolicySpec[] = [];
  for (const p of list.items) {
    if (p.t !== 'map') continue;
    const name = scalarText(p.entries.find((e) => e.key === 'PolicyName')?.value) ?? 'inline policy';
    const doc = p.entries.find((e) => e.key === 'PolicyDocument')?.value;
    if (doc) out.push({ name, doc });
  }
  return out;
}

function listOf(ev: Evaluator, node: TNode | undefined): Value[] {
  if (!node) return [];
  const v = ev.eval(node);
  return v.t === 'list' ? v.items : [v];
}

function tags(ev: Evaluator, node: TNode | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of listOf(ev, node)) {
    if (t.t !== 'map') continue;
    const key = scalarText(t.entries.find((e) => e.key === 'Key')?.value);
    if (key !== null) out[key] = scalarText(t.entries.find((e) => e.key === 'Value')?.value) ?? '';
  }
  return out;
}

/**
 * Reads one CloudFormation template (YAML or JSON) into the collector. Returns an error (one line, with
 * line and column) when the text is not YAML/JSON; never throws.
 */
export function readCloudFormation(
  file: string,
  text: string,
  entry: IacEntry,
  collector: IacCollector,
): string | null {
  const body = text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  const parsed = parseTemplate(file, body);
  if (parsed.error !== null) return parsed.error;
  const root = parsed.root;
  const lines = new LineMap(body);
  collector.addFile(file, lines);
  const resourcesNode = get(root, 'Resources');
  const resources = new Map<string, Resource>();
  if (resourcesNode?.k === 'map') {
    for (const e of resourcesNode.entries) {
      const type = get(e.value, 'Type');
      resources.set(e.key, {
        id: e.key,
        type: type?.k === 'scalar' ? String(type.v) : '',
        props: get(e.value, 'Properties'),
        node: e.value,
        loc: { file, start: e.keyLoc.start, end: e.value.loc.end },
      });
    }
  }
  const ev = new Evaluator(file, root, entry, resources);
  if (!entry.account && [...resources.values()].some((r) => IAM_TYPES.has(r.type))) {
    collector.unresolvedAt(
      { file, start: resourcesNode?.loc.start ?? 0, end: resourcesNode?.loc.start ?? 0 },
      `The account these IAM resources are deployed to is not known (AWS::AccountId): set "account" in the iac entry for ${file} (or --iac-account), so their ARNs can be checked.`,
    );
  }
  for (const r of resources.values()) {
    if (!IAM_TYPES.has(r.type)) continue;
    const cond = entryOf(r.node, 'Condition');
    if (cond) {
      const c =
        cond.value.k === 'scalar'
          ? ev.condition(String(cond.value.v), cond.value.loc)
          : 'Condition must name a condition';
      if (c === false) continue;
      if (typeof c === 'string')
        collector.unresolvedAt(
          cond.value.loc,
          `Whether ${r.id} is created cannot be decided: ${c}; it is read as created.`,
        );
    }
    const p = r.props;
    // A property whose value is AWS::NoValue is not set.
    const prop = (key: string): TNode | undefined => {
      const node = get(p, key);
      return node && ev.eval(node) === NO_VALUE ? undefined : node;
    };
    switch (r.type) {
      case 'AWS::IAM::Role':
      case 'AWS::IAM::User': {
        const isRole = r.type === 'AWS::IAM::Role';
        const nameNode = prop(isRole ? 'RoleName' : 'UserName');
        const spec: PrincipalSpec = {
          kind: isRole ? 'role' : 'user',
          file,
          loc: r.loc,
          id: r.id,
          account: entry.account,
          partition: ev.partition,
          name: nameNode ? ev.eval(nameNode) : null,
          path: prop('Path') ? ev.eval(prop('Path') as TNode) : null,
          inline: policies(ev, prop('Policies')),
          managed: listOf(ev, prop('ManagedPolicyArns')),
          tags: tags(ev, prop('Tags')),
        };
        if (isRole) {
          const trust = prop('AssumeRolePolicyDocument');
          spec.trust = trust ? ev.eval(trust) : null;
          spec.maxSessionDuration = prop('MaxSessionDuration') ? ev.eval(prop('MaxSessionDuration') as TNode) : null;
        } else spec.groups = listOf(ev, prop('Groups'));
        collector.principals.push(spec);
        break;
      }
      case 'AWS::IAM::Group': {
        const name = prop('GroupName') ? scalarText(ev.eval(prop('GroupName') as TNode)) : null;
        if (name)
          collector.groups.set(name, {
            name,
            inline: policies(ev, prop('Policies')),
            managed: listOf(ev, prop('ManagedPolicyArns')),
          });
        break;
      }
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::ManagedPolicy': {
        const doc = prop('PolicyDocument');
        if (!doc) break;
        const docValue = ev.eval(doc);
        const policyName = scalarText(prop('PolicyName') ? ev.eval(prop('PolicyName') as TNode) : undefined) ?? r.id;
        if (r.type === 'AWS::IAM::ManagedPolicy') {
          const arn = scalarText(ev.managedArn(r, r.loc));
          if (arn) collector.managed.set(arn, { name: arn, doc: docValue });
        }
        const policy = {
          name: r.type === 'AWS::IAM::ManagedPolicy' ? (scalarText(ev.managedArn(r, r.loc)) ?? r.id) : policyName,
          doc: docValue,
        };
        for (const [key, kind] of [
          ['Roles', 'role'],
          ['Users', 'user'],
          ['Groups', 'group'],
        ] as const) {
          for (const target of listOf(ev, prop(key))) {
            const t = scalarText(target);
            // A policy of a role whose name is generated goes with that role, which the model leaves out
            // (pending) without a finding: the policy is no unresolved value of its own.
            if (t !== null) collector.extraInline.push({ kind, account: entry.account, target: t, policy });
            else if (!(target.t === 'unknown' && target.generated))
              collector.unresolvedAt(
                target.loc,
                `A ${kind} ${r.id} is attached to cannot be resolved${target.t === 'unknown' ? `: ${target.why}` : ''}.`,
              );
          }
        }
        break;
      }
      case 'AWS::IAM::RolePolicy':
      case 'AWS::IAM::UserPolicy':
      case 'AWS::IAM::GroupPolicy': {
        const kind = r.type === 'AWS::IAM::RolePolicy' ? 'role' : r.type === 'AWS::IAM::UserPolicy' ? 'user' : 'group';
        const key = kind === 'role' ? 'RoleName' : kind === 'user' ? 'UserName' : 'GroupName';
        const target = prop(key) ? scalarText(ev.eval(prop(key) as TNode)) : null;
        const doc = prop('PolicyDocument');
        const name = scalarText(prop('PolicyName') ? ev.eval(prop('PolicyName') as TNode) : undefined) ?? r.id;
        if (target && doc)
          collector.extraInline.push({ kind, account: entry.account, target, policy: { name, doc: ev.eval(doc) } });
        break;
      }
    }
  }
  return null;
}
