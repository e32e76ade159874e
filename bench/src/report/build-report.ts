/** The report as a whole: the targets and notes, the text and the JSON line built from them, and where they go. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OUT_DIR } from '../paths';
import { reportJson, type BenchJson } from './json';
import { runNotes, type BenchResults, type RunEnd } from './results';
import { handlerTargets } from './targets';
import { reportText } from './text';

export interface BenchReport {
  readonly text: string;
  readonly json: BenchJson;
}

export function buildReport(results: BenchResults, end: RunEnd): BenchReport {
  const targets = handlerTargets(results);
  const notes = runNotes(results);
  return { text: reportText(results, targets, notes, end), json: reportJson(results, targets, notes, end) };
}

/** Writes bench/.bench/last-<mode>.{json,txt}, then prints the tables and the JSON line on stdout. */
export function publishReport(report: BenchReport): void {
  const name = `last-${report.json.mode}`;
  writeFileSync(join(OUT_DIR, `${name}.json`), JSON.stringify(report.json, null, 2));
  writeFileSync(join(OUT_DIR, `${name}.txt`), `${report.text}\n`);
  process.stdout.write(`${report.text}\n\n`);
  process.stdout.write(`${JSON.stringify(report.json)}\n`);
}
