import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { apiReportFile, apiReportPath, publicApiReports } from '../../src/public-api/public-api-report';
import { libraryEntryPoints, REPOSITORY_ROOT } from '../../src/public-api/workspace-packages';

// The API check: every library package's exported surface, as the compiler sees it, must match its
// committed api.md. A difference is either an accident (fix the code) or intended (run
// `pnpm api:update` and commit the new api.md with the change, where a reviewer sees it).
const entryPoints = libraryEntryPoints();
const reports = publicApiReports(entryPoints);

describe.each(entryPoints.map((entryPoint) => [relative(REPOSITORY_ROOT, dirname(dirname(entryPoint))), entryPoint]))(
  '%s',
  (_label, entryPoint) => {
    const report = reports.get(entryPoint);
    const packageName = (
      JSON.parse(readFileSync(join(dirname(dirname(entryPoint)), 'package.json'), 'utf8')) as { name: string }
    ).name;

    it('exports every type its public signatures use', () => {
      expect(report?.forgotten).toEqual([]);
    });

    it('names types, never paths of this clone (the report must read the same on every machine)', () => {
      expect(report?.text).not.toContain(REPOSITORY_ROOT);
      expect(report?.text).not.toMatch(/import\(|node_modules/);
    });

    it('has the public API its api.md records (pnpm api:update after an intended change)', () => {
      const path = apiReportPath(entryPoint);
      expect(existsSync(path)).toBe(true);
      expect(report && apiReportFile(packageName, report)).toBe(readFileSync(path, 'utf8'));
    });
  },
);

it('tracks every library package', () => {
  expect(entryPoints.map((entryPoint) => relative(REPOSITORY_ROOT, entryPoint))).toEqual([
    'packages/adapters-aws/src/index.ts',
    'packages/adapters-memory/src/index.ts',
    'packages/core/src/index.ts',
    'packages/lambda-entry/src/index.ts',
    'packages/lambda-local/src/index.ts',
    'packages/observability/src/index.ts',
    'packages/simulation/src/index.ts',
    'packages/testkit/src/index.ts',
  ]);
});
