// The extension's settings, sanitized from whatever the settings store returns (vscode-eslint's
// `Foo.from(unknown)` style): a wrong type falls back to the default instead of breaking the extension.

export interface IamSettings {
  snapshots: string[];
  live: boolean;
  profile: string | null;
  region: string | null;
  endpointUrl: string | null;
  accountProfiles: Record<string, string>;
  /** Role to assume in accounts without a profile, `{account}` replaced (live mode). */
  assumeRoleTemplate: string | null;
}

export interface Settings {
  iam: IamSettings;
  caller: string | null;
  /**
   * Jenkins configuration-as-code files to read callers from (relative to each workspace folder). Empty:
   * the workspace's own `jenkins.yaml`, `casc.yaml` and `casc_configs/*.yaml` are used.
   */
  jenkinsCasc: string[];
  cacheTtlSeconds: number;
}

export const DEFAULT_CACHE_TTL = 300;

function str(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim()) : [];
}

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return out;
  for (const [key, item] of Object.entries(value)) {
    if (/^\d{12}$/.test(key) && typeof item === 'string' && item.trim() !== '') out[key] = item.trim();
  }
  return out;
}

/** A reader role ARN (with `{account}` or an account id), else null: a malformed value is dropped, not used. */
function roleTemplate(value: unknown): string | null {
  const text = str(value);
  return text && /^arn:[\w-]+:iam::(\{account\}|\d{12}):role\/./.test(text) ? text : null;
}

/** Builds Settings from a getter over `rolecall.*` keys (e.g. `workspace.getConfiguration('rolecall').get`). */
export function settingsFrom(get: (key: string) => unknown): Settings {
  const ttl = get('cacheTtlSeconds');
  return {
    iam: {
      snapshots: strings(get('iam.snapshots')),
      live: get('iam.live') === true,
      profile: str(get('iam.profile')),
      region: str(get('iam.region')),
      endpointUrl: str(get('iam.endpointUrl')),
      accountProfiles: stringRecord(get('iam.accountProfiles')),
      assumeRoleTemplate: roleTemplate(get('iam.assumeRoleTemplate')),
    },
    caller: str(get('caller')),
    jenkinsCasc: strings(get('jenkinsCasc')),
    cacheTtlSeconds: typeof ttl === 'number' && Number.isFinite(ttl) && ttl >= 0 ? Math.min(Math.floor(ttl), 86_400) : DEFAULT_CACHE_TTL,
  };
}

/** Settings keys whose change needs the IAM source rebuilt. */
export function iamChanged(a: Settings, b: Settings): boolean {
  // Callers read from JCasC are resolved with the IAM data (instance profiles), so they are rebuilt with it.
  return JSON.stringify(a.iam) !== JSON.stringify(b.iam) || a.cacheTtlSeconds !== b.cacheTtlSeconds || JSON.stringify(a.jenkinsCasc) !== JSON.stringify(b.jenkinsCasc);
}
