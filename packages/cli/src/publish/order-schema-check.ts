import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { JsonObject } from '../contract/json-value';
import { buildOrderJsonSchema } from '../contract/order-json-schema';
import { jsonPointer } from './json-pointer';

/**
 * One error of the order's JSON Schema, named as Ajv names it, so a producer who validates with
 * the published contract (contract/order/v1.json) recognises it. Never the value: that is the payload.
 */
export interface SchemaError {
  /**
   * The field's JSON Pointer (RFC 6901): Ajv's `instancePath`, and for `required` the missing
   * property under it (Ajv reports that at the parent). `""` is the whole order.
   */
  readonly pointer: string;
  /** The schema keyword that failed: `required`, `type`, `minimum`, `pattern`, `format`, … */
  readonly keyword: string;
}

/** Every error the order's JSON Schema finds in a parsed value; empty when the schema accepts it. */
export type OrderSchemaCheck = (value: unknown) => readonly SchemaError[];

/**
 * Compiles the order's JSON Schema once with Ajv (draft 2020-12, strict, formats asserted). The
 * schema is generated in-process from core's rules — the same generator that wrote the committed
 * file, which the drift test holds equal to it — so there is no file to find and no copy to go stale.
 */
export function compileOrderSchemaCheck(schema: JsonObject = buildOrderJsonSchema()): OrderSchemaCheck {
  // allErrors: every error of a line at once, as core reports every problem. The schema is six
  // flat fields with linear-time patterns, so that is a few errors per field at most.
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  // The schema's own annotations: strict mode refuses keywords it does not know.
  ajv.addVocabulary(['version', 'x-orders-rules']);
  // `format: date-time` asserted, as a producer following the schema's advice does: then only the
  // rules x-orders-rules marks "statedBy: none" separate the schema from core.
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return (value) => (validate(value) ? [] : schemaErrors(validate.errors ?? []));
}

/** Ajv's errors as pointers and keywords, each pair once (two patterns on one field fail as one). */
function schemaErrors(errors: readonly ErrorObject[]): SchemaError[] {
  const seen = new Set<string>();
  const result: SchemaError[] = [];
  for (const error of errors) {
    const pointer = error.keyword === 'required' ? missingPropertyPointer(error) : error.instancePath;
    const key = `${pointer} ${error.keyword}`;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push({ pointer, keyword: error.keyword });
  }
  return result;
}

function missingPropertyPointer(error: ErrorObject): string {
  const missing: unknown = error.params['missingProperty'];
  return typeof missing === 'string' ? `${error.instancePath}${jsonPointer([missing])}` : error.instancePath;
}
