import { stringify } from 'yaml';
import type { JsonObject } from './json-value';
import { buildOrderAsyncApi } from './order-asyncapi';
import { buildOrderJsonSchema, majorOf, orderSchemaPath } from './order-json-schema';

export const ASYNCAPI_PATH = 'contract/asyncapi.yaml';

/** The command that regenerates the committed contract: drift and compatibility failures name it. */
export const UPDATE_COMMAND = 'pnpm contract:update';

export const renderJson = (value: JsonObject): string => `${JSON.stringify(value, null, 2)}\n`;

export const renderYaml = (value: JsonObject): string =>
  `# Generated from @orders/core by \`${UPDATE_COMMAND}\`: do not edit by hand.\n${stringify(value, {
    aliasDuplicateObjects: false,
    lineWidth: 0,
  })}`;

/** One committed contract file: its path from the repository root, and its exact text. */
export interface ContractFile {
  readonly path: string;
  readonly text: string;
  readonly document: JsonObject;
}

/** The contract files the source generates: the current major's schema and the AsyncAPI document. */
export function generateContractFiles(): { readonly schema: ContractFile; readonly asyncApi: ContractFile } {
  const schema = buildOrderJsonSchema();
  const asyncApi = buildOrderAsyncApi(schema);
  return {
    schema: { path: orderSchemaPath(majorOf(String(schema['version']))), text: renderJson(schema), document: schema },
    asyncApi: { path: ASYNCAPI_PATH, text: renderYaml(asyncApi), document: asyncApi },
  };
}
