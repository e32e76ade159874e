/**
 * `pnpm contract:update`: writes the contract the source generates — contract/order/v<major>.json
 * and contract/asyncapi.yaml — refusing a change the versioning rule forbids (a breaking change
 * inside a published major). Earlier majors' files are never touched.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { versionRuleViolations } from './contract-compatibility';
import { generateContractFiles } from './contract-documents';
import type { JsonObject } from './json-value';

const ROOT = resolve(__dirname, '../../../..');

function main(): void {
  const { schema, asyncApi } = generateContractFiles();
  const schemaFile = join(ROOT, schema.path);
  if (existsSync(schemaFile)) {
    const committed = JSON.parse(readFileSync(schemaFile, 'utf8')) as JsonObject;
    const violations = versionRuleViolations(committed, schema.document);
    if (violations.length > 0) {
      process.stderr.write(
        `contract:update: not written, ${schema.path}:\n${violations.map((v) => `  ${v}\n`).join('')}`,
      );
      process.exitCode = 1;
      return;
    }
  }
  for (const file of [schema, asyncApi]) {
    const path = join(ROOT, file.path);
    const before = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (before === file.text) continue;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.text);
    process.stdout.write(`${before === undefined ? 'wrote' : 'updated'} ${file.path}\n`);
  }
}

main();
