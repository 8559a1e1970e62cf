// Jenkins configuration as code (JCasC) → who runs agent code and which AWS credentials exist. Pure: YAML
// text in, agent templates (labels and the AWS identity their agents run as) and AWS credentials out,
// each with its position in the file. Never throws: a malformed or partial file gives positioned
// problems and whatever could be read. Values written with `${...}` come from secrets or variables at
// Jenkins' start: they are never read, kept or printed (only that one is there, and where).
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseAllDocuments,
  parseDocument,
  type Document,
  type Node as YamlNode,
  type Pair,
  type YAMLMap,
} from 'yaml';
import { LineMap } from '../types';
import type {
  AgentIdentity,
  CascCredential,
  CascPosition,
  CascProblem,
  CascTemplate,
  CloudKind,
  JenkinsCasc,
} from './model';

export type {
  AgentIdentity,
  CascCredential,
  CascPosition,
  CascProblem,
  CascTemplate,
  CloudKind,
  JenkinsCasc,
} from './model';

const CLOUD_KINDS: readonly CloudKind[] = ['amazonEC2', 'ecs', 'kubernetes'];

/** A template as written, before inheritance. */
interface RawTemplate {
  node: YAMLMap;
  name: string | null;
  /** Names other templates may inherit it by (ECS: templateName and label; Kubernetes: name). */
  keys: string[];
  labelText: string | null;
  identityValue: { value: string | null; secret: boolean; at: CascPosition } | null;
  namespace: string | null;
  inheritFrom: string[];
  inheritAt: CascPosition | null;
  at: CascPosition;
  /** `mode` (EC2) / `nodeUsageMode` (Kubernetes) as written, upper-cased, or null. */
  usageMode: string | null;
}

/** True when a JCasC value is resolved at Jenkins' start from a secret, variable or file. */
export function isCascSecret(text: string): boolean {
  return text.includes('${');
}

/** Parses a JCasC YAML file. Never throws. */
export function parseJenkinsCasc(file: string, text: string): JenkinsCasc {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const reader = new CascReader(file, body);
  try {
    reader.read();
  } catch (e) {
    // A bug of ours must not become a crash of the scan, nor a silent pass.
    reader.problem(
      0,
      'error',
      `could not be read completely (internal error: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}); please report it`,
    );
  }
  return { file, templates: reader.templates, credentials: reader.credentials, problems: reader.problems };
}

class CascReader {
  readonly templates: CascTemplate[] = [];
  readonly credentials: CascCredential[] = [];
  readonly problems: CascProblem[] = [];
  private readonly lines: LineMap;
  private doc: Document | null = null;

  constructor(
    private readonly file: string,
    private readonly text: string,
  ) {
    this.lines = new LineMap(text);
  }

  pos(offset: number): CascPosition {
    const { line, column } = this.lines.position(Math.max(0, Math.min(offset, this.text.length)));
    return { file: this.file, line, column };
  }

  problem(offset: number, severity: 'error' | 'warning', message: string): void {
    this.problems.push({ ...this.pos(offset), severity, message });
  }

  private at(node: YamlNode | null | undefined, fallback = 0): number {
    return node?.range ? node.range[0] : fallback;
  }

  read(): void {
    const docs = parseAllDocuments(this.text, { uniqueKeys: false, prettyErrors: false });
    const list = Array.isArray(docs) ? docs : [];
    for (const doc of list) {
      for (const e of doc.errors) this.problem(e.pos[0], 'error', `not valid YAML: ${firstLine(e.message)}`);
    }
    for (const doc of list) {
      this.doc = doc;
      const root = this.deref(doc.contents);
      if (root === null || root === undefined) continue;
      if (!isMap(root)) {
        this.problem(
          this.at(root),
          'error',
          'expected a mapping with `jenkins:` and/or `credentials:` at the top of a configuration-as-code file',
        );
        continue;
      }
      const jenkins = this.mapAt(root, 'jenkins');
      if (jenkins) {
        const clouds = this.seqAt(jenkins, 'clouds');
        if (clouds) for (const cloud of clouds) this.cloud(cloud);
      }
      const credentials = this.mapAt(root, 'credentials');
      if (credentials) this.credentialsSection(credentials);
    }
  }

  /** The node an alias points to (anchors are allowed in JCasC), else the node itself. */
  private deref(node: unknown): YamlNode | null {
    let n = node as YamlNode | null | undefined;
    for (let i = 0; i < 8 && n && isAlias(n); i++)
      n = this.doc ? (n.resolve(this.doc) as YamlNode | undefined) : undefined;
    return n ?? null;
  }

  private pair(map: YAMLMap, key: string): Pair | null {
    for (const p of map.items) {
      const k = isScalar(p.key) ? p.key.value : p.key;
      if (k === key) return p as Pair;
    }
    return null;
  }

  private mapAt(map: YAMLMap, key: string): YAMLMap | null {
    const p = this.pair(map, key);
    if (!p) return null;
    const v = this.deref(p.value);
    if (v === null || (isScalar(v) && v.value === null)) return null;
    if (isMap(v)) return v;
    this.problem(this.at(v, this.at(p.key as YamlNode)), 'error', `\`${key}\` should be a mapping; ignored`);
    return null;
  }

  private seqAt(map: YAMLMap, key: string): YamlNode[] | null {
    const p = this.pair(map, key);
    if (!p) return null;
    const v = this.deref(p.value);
    if (v === null || (isScalar(v) && v.value === null)) return null;
    if (isSeq(v)) return v.items.map((i) => this.deref(i)).filter((i): i is YamlNode => i !== null);
    this.problem(this.at(v, this.at(p.key as YamlNode)), 'error', `\`${key}\` should be a list; ignored`);
    return null;
  }

  /** A scalar value as text (numbers and booleans as written), with where it is; null when absent or empty. */
  private scalarAt(map: YAMLMap, key: string): { value: string | null; secret: boolean; at: CascPosition } | null {
    const p = this.pair(map, key);
    if (!p) return null;
    const v = this.deref(p.value);
    const offset = this.at(v, this.at(p.key as YamlNode));
    if (v === null || (isScalar(v) && (v.value === null || v.value === ''))) return null;
    if (!isScalar(v)) {
      this.problem(offset, 'error', `\`${key}\` should be a single value; ignored`);
      return null;
    }
    const text = String(v.value).trim();
    if (text === '') return null;
    if (isCascSecret(text)) return { value: null, secret: true, at: this.pos(offset) };
    return { value: text, secret: false, at: this.pos(offset) };
  }

  private cloud(node: YamlNode): void {
    if (!isMap(node)) {
      this.problem(this.at(node), 'error', 'a `clouds` entry should be a mapping like `- amazonEC2: {...}`; ignored');
      return;
    }
    for (const p of node.items) {
      const kind = isScalar(p.key) ? String(p.key.value) : '';
      if (!(CLOUD_KINDS as readonly string[]).includes(kind)) continue;
      const cloud = this.deref(p.value);
      if (!isMap(cloud)) {
        this.problem(
          this.at(cloud, this.at(p.key as YamlNode)),
          'error',
          `\`${kind}\` cloud should be a mapping; ignored`,
        );
        continue;
      }
      this.cloudTemplates(kind as CloudKind, cloud);
    }
  }

  private cloudTemplates(kind: CloudKind, cloud: YAMLMap): void {
    const name = this.scalarAt(cloud, 'name')?.value ?? null;
    let account: string | null = null;
    let region: string | null = null;
    if (kind === 'ecs') {
      const cluster = this.scalarAt(cloud, 'cluster')?.value ?? null;
      const m = cluster ? /^arn:[^:]+:ecs:([^:]*):(\d{12}):/.exec(cluster) : null;
      if (m) {
        region = m[1] || null;
        account = m[2];
      }
      region = this.scalarAt(cloud, 'regionName')?.value ?? region;
    } else if (kind === 'amazonEC2') {
      region = this.scalarAt(cloud, 'region')?.value ?? null;
    }
    // The role the controller assumes to manage the cloud lives in the account its agents run in.
    for (const key of ['roleArn', 'assumedRoleArn']) {
      const m = /^arn:[^:]+:iam::(\d{12}):role\//.exec(this.scalarAt(cloud, key)?.value ?? '');
      if (m && !account) account = m[1];
    }
    const namespace = kind === 'kubernetes' ? (this.scalarAt(cloud, 'namespace')?.value ?? null) : null;
    const items = this.seqAt(cloud, 'templates') ?? [];
    const raws: RawTemplate[] = [];
    for (const t of items) {
      if (!isMap(t)) {
        this.problem(this.at(t), 'error', `a \`${kind}\` template should be a mapping; ignored`);
        continue;
      }
      raws.push(this.rawTemplate(kind, t));
    }
    for (const raw of raws) {
      const template = this.resolveTemplate(kind, raw, raws, { name, account, region, namespace });
      if (template) this.templates.push(template);
    }
  }

  private rawTemplate(kind: CloudKind, node: YAMLMap): RawTemplate {
    const nameKey = kind === 'amazonEC2' ? 'description' : kind === 'ecs' ? 'templateName' : 'name';
    const name = this.scalarAt(node, nameKey)?.value ?? null;
    const labelKey = kind === 'amazonEC2' ? 'labelString' : 'label';
    const label = this.scalarAt(node, labelKey);
    if (label?.secret)
      this.problem(
        this.offsetOf(node, labelKey),
        'warning',
        `\`${labelKey}\` comes from a secret or variable (\${...}), which RoleCall does not read: the template matches no label`,
      );
    const identityKeys =
      kind === 'amazonEC2' ? ['iamInstanceProfile'] : kind === 'ecs' ? ['taskrole', 'taskRole'] : ['serviceAccount'];
    let identityValue: RawTemplate['identityValue'] = null;
    for (const key of identityKeys) identityValue ??= this.scalarAt(node, key);
    // A pod template's raw `yaml` may name the service account itself (spec.serviceAccountName); the
    // template's own serviceAccount field, when written, is what the plugin uses.
    if (kind === 'kubernetes') identityValue ??= this.podYamlServiceAccount(node);
    if (identityValue?.secret) {
      this.problems.push({
        ...identityValue.at,
        severity: 'warning',
        message: `\`${identityKeys[0]}\` comes from a secret or variable (\${...}), which RoleCall does not read: map the template's label in .rolecall.json "callers.agents" instead`,
      });
    }
    const inherit = kind === 'amazonEC2' ? null : this.scalarAt(node, 'inheritFrom');
    const mode =
      kind === 'amazonEC2'
        ? this.scalarAt(node, 'mode')
        : kind === 'kubernetes'
          ? this.scalarAt(node, 'nodeUsageMode')
          : null;
    const keys = [name, kind === 'ecs' ? (label?.value ?? null) : null].filter((k): k is string => !!k);
    return {
      node,
      name,
      keys,
      labelText: label?.value ?? null,
      identityValue,
      namespace: kind === 'kubernetes' ? (this.scalarAt(node, 'namespace')?.value ?? null) : null,
      // ECS names one parent; Kubernetes a space-separated list, later ones overriding earlier ones.
      inheritFrom: inherit?.value
        ? kind === 'ecs'
          ? [inherit.value]
          : inherit.value.split(/\s+/).filter(Boolean)
        : [],
      inheritAt: inherit?.at ?? null,
      at: this.pos(this.at(node)),
      usageMode: mode?.value && !mode.secret ? mode.value.trim().toUpperCase() : null,
    };
  }

  /** `spec.serviceAccountName` (or the older `spec.serviceAccount`) of a pod template's `yaml`, or null. */
  private podYamlServiceAccount(node: YAMLMap): RawTemplate['identityValue'] {
    const p = this.pair(node, 'yaml');
    const v = p ? this.deref(p.value) : null;
    if (!isScalar(v) || typeof v.value !== 'string') return null;
    const pod = parseDocument(v.value, { prettyErrors: false });
    if (pod.errors.length > 0) return null;
    const spec = pod.get('spec');
    if (!isMap(spec)) return null;
    const sa = spec.get('serviceAccountName') ?? spec.get('serviceAccount');
    if (typeof sa !== 'string' || sa.trim() === '') return null;
    const at = this.pos(this.at(v));
    return isCascSecret(sa) ? { value: null, secret: true, at } : { value: sa.trim(), secret: false, at };
  }

  private offsetOf(map: YAMLMap, key: string): number {
    const p = this.pair(map, key);
    return this.at((p?.value as YamlNode | null) ?? (p?.key as YamlNode | null), this.at(map));
  }

  /** A template with its inherited identity; parents are looked up among the same cloud's templates. */
  private resolveTemplate(
    kind: CloudKind,
    raw: RawTemplate,
    all: RawTemplate[],
    cloud: { name: string | null; account: string | null; region: string | null; namespace: string | null },
  ): CascTemplate | null {
    const identityKey = kind === 'amazonEC2' ? 'iamInstanceProfile' : kind === 'ecs' ? 'taskrole' : 'serviceAccount';
    // The chain of templates whose values apply, parents first, the template itself last.
    const chain: RawTemplate[] = [];
    const inherited: string[] = [];
    const visit = (t: RawTemplate, seen: Set<RawTemplate>): void => {
      for (const parentName of t.inheritFrom) {
        const parent = all.find((o) => o !== t && o.keys.includes(parentName));
        if (!parent) {
          const at = t.inheritAt;
          this.problems.push({
            ...(at ?? t.at),
            severity: 'warning',
            message: `inheritFrom '${parentName}' names no ${kind} template of this cloud; inherited settings are ignored`,
          });
          continue;
        }
        if (seen.has(parent)) {
          const at = t.inheritAt;
          this.problems.push({
            ...(at ?? t.at),
            severity: 'error',
            message: `inheritFrom '${parentName}' makes a cycle; the cycle is cut here`,
          });
          continue;
        }
        inherited.push(parentName);
        visit(parent, new Set([...seen, parent]));
        chain.push(parent);
      }
    };
    visit(raw, new Set([raw]));
    chain.push(raw);
    let identity: { value: string | null; secret: boolean; at: CascPosition } | null = null;
    let namespace = cloud.namespace;
    let usageMode: string | null = null;
    for (const t of chain) {
      if (t.identityValue) identity = t.identityValue;
      if (t.namespace) namespace = t.namespace;
      if (t.usageMode) usageMode = t.usageMode;
    }
    // Work without a label: EC2 templates take it unless EXCLUSIVE, pod templates only when NORMAL, ECS never.
    const takesUnlabeled =
      kind === 'amazonEC2' ? usageMode !== 'EXCLUSIVE' : kind === 'kubernetes' ? usageMode === 'NORMAL' : false;
    const labels = raw.labelText ? raw.labelText.split(/\s+/).filter(Boolean) : [];
    let agentIdentity: AgentIdentity | null = null;
    if (identity?.value) {
      agentIdentity =
        kind === 'amazonEC2'
          ? { kind: 'instance-profile', value: identity.value }
          : kind === 'ecs'
            ? { kind: 'task-role', value: identity.value }
            : { kind: 'service-account', namespace: namespace ?? 'default', name: identity.value };
    }
    return {
      cloudKind: kind,
      cloudName: cloud.name,
      cloudAccount: cloud.account,
      cloudRegion: cloud.region,
      name: raw.name,
      labels,
      identity: agentIdentity,
      identityAt: identity?.at ?? null,
      identitySecret: identity?.secret ?? false,
      identityKey,
      at: raw.at,
      inheritedFrom: inherited,
      takesUnlabeled,
    };
  }

  private credentialsSection(credentials: YAMLMap): void {
    const system = this.mapAt(credentials, 'system');
    if (!system) return;
    const domains = this.seqAt(system, 'domainCredentials') ?? [];
    for (const domain of domains) {
      if (!isMap(domain)) {
        this.problem(
          this.at(domain),
          'error',
          'a `domainCredentials` entry should be a mapping with `credentials:`; ignored',
        );
        continue;
      }
      for (const entry of this.seqAt(domain, 'credentials') ?? []) {
        if (!isMap(entry)) {
          this.problem(
            this.at(entry),
            'error',
            'a `credentials` entry should be a mapping like `- aws: {...}`; ignored',
          );
          continue;
        }
        const aws = this.mapAt(entry, 'aws');
        if (aws) this.awsCredential(aws);
      }
    }
  }

  private awsCredential(node: YAMLMap): void {
    const id = this.scalarAt(node, 'id');
    if (!id?.value) {
      this.problem(
        this.at(node),
        'warning',
        `an \`aws\` credential without an ${id?.secret ? 'id RoleCall can read' : '`id`'}; pipelines cannot name it, so it is ignored`,
      );
      return;
    }
    const role = this.scalarAt(node, 'iamRoleArn');
    const mfa = this.scalarAt(node, 'iamMfaSerialNumber');
    for (const [key, v] of [
      ['iamRoleArn', role],
      ['iamMfaSerialNumber', mfa],
    ] as const) {
      if (v?.secret) {
        this.problems.push({
          ...v.at,
          severity: 'warning',
          message: `\`${key}\` of AWS credential '${id.value}' comes from a secret or variable (\${...}), which RoleCall does not read; describe it in .rolecall.json "awsCredentials" instead`,
        });
      }
    }
    const existing = this.credentials.findIndex((c) => c.id === id.value);
    if (existing >= 0) {
      this.problems.push({
        ...id.at,
        severity: 'warning',
        message: `AWS credential id '${id.value}' is defined again (first at line ${this.credentials[existing].at.line}); Jenkins keeps one, RoleCall uses this one`,
      });
      this.credentials.splice(existing, 1);
    }
    this.credentials.push({
      id: id.value,
      roleArn: role?.value ?? null,
      mfaSerial: mfa?.value ?? null,
      at: this.pos(this.at(node)),
      roleArnAt: role?.at ?? null,
      mfaSerialAt: mfa?.at ?? null,
    });
  }
}

/** A YAML error's message without the text it quotes (the file's text may hold secrets). */
function firstLine(message: string): string {
  const line = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  return line
    .replace(/:?\s*(["'`]).*$/, '')
    .replace(/\$\{.*$/, '')
    .trim();
}
