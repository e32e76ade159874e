// @ts-check
/**
 * Three projects: `unit` (fast, no network), `integration` (real AWS APIs through
 * AWS_ENDPOINT_URL, LocalStack or a moto server the suite starts itself) and `containers` (the
 * consumer image on a container engine; `pnpm test:containers`, not part of `pnpm test`).
 * Workspace packages resolve to their TypeScript sources through the "source"
 * export condition, so tests never depend on a previous build.
 */
const swc = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
];

/** @type {import('jest').Config} */
const common = {
  testEnvironment: 'node',
  testEnvironmentOptions: { customExportConditions: ['source', 'node', 'require', 'default'] },
  transform: { '^.+\\.tsx?$': swc },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  // A relative dynamic import names the file Node loads from the build (`import('./x.js')`, as
  // Node16 resolution requires); from the sources it is the `.ts` beside it.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/packages/*/test/unit/**/*.test.ts',
        '<rootDir>/infra/test/**/*.test.ts',
        '<rootDir>/bench/test/**/*.test.ts',
      ],
      // A scratch directory as TMPDIR for the run, removed at the end (testkit's scratch-directory).
      globalSetup: '<rootDir>/packages/testkit/src/unit-global-setup.ts',
      globalTeardown: '<rootDir>/packages/testkit/src/unit-global-teardown.ts',
      // A 60 s floor per test instead of jest's 5 s, which failed tests for being slow on a busy machine.
      setupFilesAfterEnv: ['<rootDir>/jest.unit.setup.js'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/packages/*/test/integration/**/*.test.ts'],
      // Starts (or finds) the emulator once for all suites; suites run serially (--runInBand).
      globalSetup: '<rootDir>/packages/testkit/src/integration/global-setup.ts',
      globalTeardown: '<rootDir>/packages/testkit/src/integration/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/jest.integration.setup.js'],
    },
    {
      ...common,
      displayName: 'containers',
      // The consumer image against the integration project's emulator (pnpm test:containers). Its
      // global setup fails, naming what is missing, without a container engine or the image.
      testMatch: ['<rootDir>/packages/*/test/containers/**/*.test.ts'],
      globalSetup: '<rootDir>/packages/cli/test/containers/global-setup.ts',
      globalTeardown: '<rootDir>/packages/cli/test/containers/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/jest.integration.setup.js'],
    },
  ],
};
