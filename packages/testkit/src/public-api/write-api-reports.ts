import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { apiReportFile, apiReportPath, publicApiReports } from './public-api-report';
import { libraryEntryPoints } from './workspace-packages';

// `pnpm api:update`: rewrites every library package's api.md from its entry point. Refuses to
// write a report whose signatures name a type the package does not export.
const reports = publicApiReports(libraryEntryPoints());
let refused = false;
for (const [entryPoint, report] of reports) {
  const packageJson = JSON.parse(readFileSync(join(dirname(dirname(entryPoint)), 'package.json'), 'utf8')) as {
    name: string;
  };
  if (report.forgotten.length > 0) {
    console.error(
      `${packageJson.name}: public signatures use types it does not export: ${report.forgotten.join(', ')}`,
    );
    refused = true;
    continue;
  }
  writeFileSync(apiReportPath(entryPoint), apiReportFile(packageJson.name, report));
  console.log(`${packageJson.name}: ${apiReportPath(entryPoint)}`);
}
process.exitCode = refused ? 1 : 0;
