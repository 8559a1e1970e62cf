// The status bar's states as a union (rust-analyzer style), rendered in one place.

export type StatusState =
  | { kind: 'idle' }
  | { kind: 'scanning'; done?: number; total?: number }
  | { kind: 'problems'; count: number }
  | { kind: 'iam-unavailable'; reason: string }
  | { kind: 'expiring'; roleArn: string; msLeft: number };

/** `mm:ss` (or `h:mm:ss` past an hour) for a remaining time; never negative. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export interface StatusView {
  text: string;
  tooltip: string;
  /** Whether to tint the item as a warning. */
  warning: boolean;
}

/** The text and tooltip the status bar item shows for a state. */
export function renderStatus(state: StatusState): StatusView {
  switch (state.kind) {
    case 'idle':
      return { text: '$(shield) RoleCall', tooltip: 'RoleCall: no role-assumption problems found', warning: false };
    case 'scanning': {
      const progress = state.total ? ` ${state.done ?? 0}/${state.total}` : '';
      return { text: `$(sync~spin) RoleCall${progress}`, tooltip: 'RoleCall: checking pipelines…', warning: false };
    }
    case 'problems':
      return {
        text: `$(warning) RoleCall: ${state.count}`,
        tooltip: `RoleCall: ${state.count} role-assumption problem${state.count === 1 ? '' : 's'} — click for the log`,
        warning: true,
      };
    case 'iam-unavailable':
      return {
        text: '$(cloud-offline) RoleCall: IAM unavailable',
        tooltip: `RoleCall: ${state.reason}`,
        warning: true,
      };
    case 'expiring':
      return {
        text: `$(key) ${formatCountdown(state.msLeft)}`,
        tooltip: `RoleCall: credentials for ${state.roleArn} expire in ${formatCountdown(state.msLeft)}. Run "RoleCall: Clear Cached Sessions" to drop them.`,
        warning: state.msLeft < 5 * 60_000,
      };
  }
}
