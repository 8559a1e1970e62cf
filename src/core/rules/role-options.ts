// role-option-without-role: withAWS options the pipeline-aws-plugin reads only when it assumes a role
// (its `withRole`, which runs only when `role:` is set), given without `role:` — the plugin ignores them.
import { finding, type Finding, type PipelineFact } from '../types';

/** What each ignored option was meant to do, for the message. */
const MEANT: Record<string, string> = {
  externalId: 'no ExternalId is sent',
  roleSessionName: 'no session is named',
  roleAccount: 'no role of that account is assumed',
  policy: 'no session policy applies',
  duration: 'no session duration applies',
};

/** One warning per withAWS call that passes role-only options without role:. */
export function roleOptionsRule(fact: PipelineFact, file: string): Finding[] {
  if (fact.kind !== 'ignored-role-options') return [];
  const names = fact.options.map((o) => `${o.name}:`);
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  const effects = fact.options.map((o) => MEANT[o.name]).filter((m) => m !== undefined);
  const durationOnly = fact.options.some((o) => o.name === 'duration')
    ? ' (duration: also applies with federatedUserId:)'
    : '';
  return [
    {
      ...finding(
        'role-option-without-role',
        file,
        fact.options[0].range,
        `withAWS passes ${list} without role:, and the pipeline-aws-plugin uses ${names.length === 1 ? 'it' : 'them'} only when it assumes a role${durationOnly}: ${names.length === 1 ? 'it is' : 'they are'} ignored — ${effects.join(', ')}, and the steps inside assume no role. Add role: 'NAME' (with roleAccount: for another account) to assume the role meant, or remove ${names.length === 1 ? 'it' : 'them'}.`,
      ),
      anchor: fact.anchor,
    },
  ];
}
