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
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim())
    : [];
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

/**
 * Settings that decide where credentials, MFA codes and ExternalIds are sent: taken from the user's own
 * settings only. A workspace (a cloned repository's .vscode/settings.json) must not point them at its host.
 */
export const USER_ONLY_SETTINGS = ['iam.endpointUrl', 'iam.profile', 'iam.assumeRoleTemplate'] as const;

/** What `WorkspaceConfiguration.inspect(key)` returns (the parts used here). */
export interface InspectedSetting {
  defaultValue?: unknown;
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/** The value of a user-only setting: the user's, else the default; workspace values never count. */
export function userValue(inspected: InspectedSetting | undefined): unknown {
  return inspected?.globalValue ?? inspected?.defaultValue;
}

/** True when a workspace sets a user-only setting (it is ignored: worth a log line). */
export function setByWorkspace(inspected: InspectedSetting | undefined): boolean {
  return inspected?.workspaceValue !== undefined || inspected?.workspaceFolderValue !== undefined;
}

/**
 * A getter for settingsFrom over a configuration section: user-only keys through `inspect` (user
 * settings only), the others through `get`.
 */
export function settingsGetter(
  get: (key: string) => unknown,
  inspect: (key: string) => InspectedSetting | undefined,
): (key: string) => unknown {
  const userOnly = new Set<string>(USER_ONLY_SETTINGS);
  return (key) => (userOnly.has(key) ? userValue(inspect(key)) : get(key));
}

/**
 * Snapshot paths from the settings: the user's own entries may name any file; entries a workspace
 * sets are kept apart so they can be held inside the workspace folder.
 */
export function snapshotSettings(inspected: InspectedSetting | undefined): { user: string[]; workspace: string[] } {
  return {
    user: strings(inspected?.globalValue),
    workspace: [...strings(inspected?.workspaceValue), ...strings(inspected?.workspaceFolderValue)],
  };
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
    cacheTtlSeconds:
      typeof ttl === 'number' && Number.isFinite(ttl) && ttl >= 0
        ? Math.min(Math.floor(ttl), 86_400)
        : DEFAULT_CACHE_TTL,
  };
}

/** Settings keys whose change needs the IAM source rebuilt. */
export function iamChanged(a: Settings, b: Settings): boolean {
  // Callers read from JCasC are resolved with the IAM data (instance profiles), so they are rebuilt with it.
  return (
    JSON.stringify(a.iam) !== JSON.stringify(b.iam) ||
    a.cacheTtlSeconds !== b.cacheTtlSeconds ||
    JSON.stringify(a.jenkinsCasc) !== JSON.stringify(b.jenkinsCasc)
  );
}
