/**
 * Links from alarms to their section of the runbook (docs/runbook.md), so that whoever an alarm
 * pages reads, in the alarm itself, where "what now?" is answered.
 *
 * Each alarm's runbook section is a heading named after the alarm with the stack's default names
 * (`### OrderDLQ-MessagesVisible`), so the link stays the same whatever prefix or suffix a copy of
 * the stack adds to the alarm names. Exported for every stack of this app that creates alarms.
 */

/** Where the runbook is when no `runbookUrl` is given: the repository-relative path. */
export const DEFAULT_RUNBOOK_URL = 'docs/runbook.md';

/** CloudWatch's limit on an alarm description (PutMetricAlarm, AlarmDescription). */
export const ALARM_DESCRIPTION_MAX_LENGTH = 1024;

/** Longest runbook URL accepted: leaves the alarm descriptions room to say what happened. */
const RUNBOOK_URL_MAX_LENGTH = 256;

/**
 * The anchor GitHub (and most Markdown renderers) give a heading: lower case, every character
 * other than a letter, digit, space, `-` or `_` dropped, spaces turned into `-`.
 */
export function runbookAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
    .replace(/ /g, '-');
}

/** The link to a runbook section: `<runbookUrl>#<anchor of the heading>`. */
export function runbookLink(runbookUrl: string, heading: string): string {
  return `${runbookUrl}#${runbookAnchor(heading)}`;
}

/**
 * An alarm description that ends with the link to its runbook section:
 * `<what it means> Runbook: <runbookUrl>#<anchor>`. Throws when CloudWatch would refuse it (longer
 * than 1,024 characters), naming the section, rather than letting the deploy fail.
 */
export function alarmDescriptionWithRunbook(
  description: string,
  runbook: { readonly url: string; readonly section: string },
): string {
  const text = `${description.trim()} Runbook: ${runbookLink(runbook.url, runbook.section)}`;
  if (text.length > ALARM_DESCRIPTION_MAX_LENGTH) {
    throw new Error(
      `The description of alarm '${runbook.section}' is ${text.length} characters with its runbook link; ` +
        `CloudWatch allows ${ALARM_DESCRIPTION_MAX_LENGTH}. Shorten the runbookUrl or the name prefix/suffix.`,
    );
  }
  return text;
}

/**
 * Validates a runbook URL (context `runbookUrl`): a path or URL to the runbook file itself, without
 * an anchor (each alarm adds its own) and without spaces.
 */
export function resolveRunbookUrl(value: string | undefined): string {
  if (value === undefined) return DEFAULT_RUNBOOK_URL;
  const problems: string[] = [];
  if (value.trim() === '') problems.push('is empty');
  if (/\s/.test(value)) problems.push('contains whitespace');
  if (value.includes('#')) problems.push("has an anchor ('#'): each alarm adds its own");
  if (value.length > RUNBOOK_URL_MAX_LENGTH) problems.push(`is longer than ${RUNBOOK_URL_MAX_LENGTH} characters`);
  if (problems.length > 0) {
    throw new Error(`runbookUrl ${problems.join(', ')} (got ${JSON.stringify(value)}).`);
  }
  return value;
}
