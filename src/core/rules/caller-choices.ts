// A usage whose agent label picks agents running as different principals (Jenkins configuration as code:
// `agent { label 'linux && ec2' }` satisfied by templates of different roles) is checked once per
// principal. A finding every choice gets is reported once; one that only some choices get names the
// label choice that fails, so the author can pin the label or fix that template's role.
import type { Finding, Usage } from '../types';

/** The usage as made by one choice: its caller, and no further choices. */
function asChoice(usage: Usage, caller: string | null): Usage {
  const { callerChoices: _omitted, ...rest } = usage;
  return { ...rest, caller };
}

function merge(usage: Usage, perChoice: Finding[][]): Finding[] {
  const choices = usage.callerChoices!;
  const key = (f: Finding) => `${f.code}\u0000${f.range.start}\u0000${f.range.end}\u0000${f.message}`;
  const count = new Map<string, number>();
  for (const list of perChoice) for (const k of new Set(list.map(key))) count.set(k, (count.get(k) ?? 0) + 1);
  const out: Finding[] = [];
  const emitted = new Set<string>();
  perChoice.forEach((list, i) => {
    for (const f of list) {
      const k = key(f);
      if (count.get(k) === choices.length) {
        if (!emitted.has(k)) out.push(f);
        emitted.add(k);
        continue;
      }
      const c = choices[i];
      out.push({
        ...f,
        message: `Label choice ${c.choice}, running as ${c.caller ?? 'an unknown principal'}: ${f.message}`,
      });
    }
  });
  return out;
}

/** Runs caller-dependent checks once per caller choice (or once when the usage has one caller). */
export function perCallerChoice(usage: Usage, check: (usage: Usage) => Finding[]): Finding[] {
  const choices = usage.callerChoices;
  if (!choices || choices.length < 2) return check(usage);
  return merge(
    usage,
    choices.map((c) => check(asChoice(usage, c.caller))),
  );
}

/** The asynchronous form of perCallerChoice, for the checks against IAM data. */
export async function perCallerChoiceAsync(
  usage: Usage,
  check: (usage: Usage) => Promise<Finding[]>,
): Promise<Finding[]> {
  const choices = usage.callerChoices;
  if (!choices || choices.length < 2) return check(usage);
  return merge(usage, await Promise.all(choices.map((c) => check(asChoice(usage, c.caller)))));
}
