// duration-out-of-range: STS bounds on DurationSeconds, whatever the role allows.
import { finding, type Finding, type Usage } from '../types';

/** The DurationSeconds bounds STS accepts for a usage's API call. */
export function durationBounds(usage: Usage): { min: number; max: number; api: string } {
  return usage.kind === 'sh-get-session-token'
    ? { min: 900, max: 129600, api: 'GetSessionToken' }
    : { min: 900, max: 43200, api: 'AssumeRole' };
}

/** Checks that a written duration is within what STS accepts. */
export function durationRangeRule(usage: Usage): Finding[] {
  const d = usage.duration;
  if (d === null || usage.durationDefaulted) return [];
  const { min, max, api } = durationBounds(usage);
  if (d >= min && d <= max) return [];
  const clamped = d < min ? min : max;
  const origin = usage.origins.duration;
  const fixes =
    origin?.source === 'literal' && origin.range
      ? [
          {
            title: `Use ${clamped} seconds`,
            edits: [
              { offset: origin.range.start, length: origin.range.end - origin.range.start, content: String(clamped) },
            ],
            isPreferred: true,
          },
        ]
      : undefined;
  const why =
    d < min
      ? `below the minimum of ${min} seconds (15 minutes)`
      : `above the maximum of ${max} seconds (${max / 3600} hours)`;
  return [
    finding(
      'duration-out-of-range',
      usage.file,
      usage.args.duration ?? usage.anchor,
      `Duration ${d} seconds is ${why} that ${api} accepts; use a value from ${min} to ${max}.`,
      {
        roleArn: usage.roleArn,
        fixes,
      },
    ),
  ];
}
