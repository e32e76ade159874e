import * as fs from 'node:fs';
import * as path from 'node:path';
import { runbookAnchor } from '../src/stack/runbook';
import type { CfnTemplate } from './support';

/** docs/runbook.md, as the alarms link to it. */
export const RUNBOOK_FILE = path.resolve(__dirname, '..', '..', 'docs', 'runbook.md');

export interface MarkdownHeading {
  readonly level: number;
  readonly text: string;
  /** The anchor a renderer gives it (GitHub's rule; a repeated heading gets `-1`, `-2`, …). */
  readonly anchor: string;
}

/** The headings of a Markdown document, outside fenced code blocks. */
export function markdownHeadings(markdown: string): MarkdownHeading[] {
  const headings: MarkdownHeading[] = [];
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const match = fenced ? null : /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (match === null) continue;
    const base = runbookAnchor(match[2]!);
    const repeats = seen.get(base) ?? 0;
    seen.set(base, repeats + 1);
    headings.push({ level: match[1]!.length, text: match[2]!, anchor: repeats === 0 ? base : `${base}-${repeats}` });
  }
  return headings;
}

/** The `###` headings under the `##` heading `section` (up to the next `##`). */
export function subsections(markdown: string, section: string): MarkdownHeading[] {
  const headings = markdownHeadings(markdown);
  const start = headings.findIndex((h) => h.level === 2 && h.text === section);
  if (start < 0) throw new Error(`No '## ${section}' in the runbook`);
  const end = headings.findIndex((h, i) => i > start && h.level <= 2);
  return headings.slice(start + 1, end < 0 ? undefined : end).filter((h) => h.level === 3);
}

export interface TemplateAlarm {
  readonly logicalId: string;
  readonly name: string;
  readonly description: string | undefined;
}

export function templateAlarms(template: CfnTemplate): TemplateAlarm[] {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm')
    .map(([logicalId, r]) => ({
      logicalId,
      name: String(r.Properties?.AlarmName ?? logicalId),
      description: r.Properties?.AlarmDescription as string | undefined,
    }));
}

/** The runbook link at the end of an alarm description (`… Runbook: <url>#<anchor>`). */
export function runbookLinkOf(description: string | undefined): { url: string; anchor: string } | undefined {
  const match = /\sRunbook: (\S+)#([^\s#]+)$/.exec(description ?? '');
  return match === null ? undefined : { url: match[1]!, anchor: match[2]! };
}

/**
 * What is wrong with a template's alarms and the runbook: an alarm without a description, without
 * a link, with a link to another runbook URL, or to an anchor the runbook does not have.
 */
export function alarmRunbookProblems(template: CfnTemplate, runbook: string, runbookUrl: string): string[] {
  const anchors = new Set(markdownHeadings(runbook).map((h) => h.anchor));
  return templateAlarms(template).flatMap((alarm) => {
    const link = runbookLinkOf(alarm.description);
    if (alarm.description === undefined) return [`${alarm.name} has no description`];
    if (link === undefined) return [`${alarm.name}'s description does not end with 'Runbook: <url>#<anchor>'`];
    if (link.url !== runbookUrl) return [`${alarm.name} links to ${link.url}, not ${runbookUrl}`];
    if (!anchors.has(link.anchor)) return [`${alarm.name} links to #${link.anchor}, which the runbook does not have`];
    return [];
  });
}

export function readRunbook(): string {
  return fs.readFileSync(RUNBOOK_FILE, 'utf8');
}
