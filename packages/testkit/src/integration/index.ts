/**
 * Integration-test support: the endpoint global setup chose, emulator reset between suites, and
 * unique resource names. Import from tests by path (this folder is not re-exported by the
 * testkit's main index, so unit tests never load testcontainers).
 */
export * from './integration-environment';
export * from './reset-emulator';
export * from './resource-wipe';
export * from './endpoint-selection';
export * from './moto-server';
export * from './localstack';
export * from './moto-container';
export * from './moto-launcher';
export * from './container-engine';
export { baseUrl, isRealAws, probe } from './http-probe';
