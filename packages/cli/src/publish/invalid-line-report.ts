import type { ValidationProblem } from '@orders/core';
import { UNSTATED_RULES, type UnstatedRule } from '../contract/order-json-schema';
import { jsonPointer } from './json-pointer';
import type { SchemaError } from './order-schema-check';
import type { InvalidLine } from './publish-orders';

/** One reason a line was refused, and which side refused it. */
export type Refusal =
  /** Core and the schema both refused this field. */
  | { readonly by: 'both'; readonly problem: ValidationProblem; readonly schema: readonly SchemaError[] }
  /**
   * Core refused, and the schema has no error beside it: a rule the schema cannot state, named by
   * its x-orders-rules entry — or, with no entry, a disagreement the contract does not list (a bug
   * in one of them).
   */
  | { readonly by: 'core'; readonly problem: ValidationProblem; readonly rule: UnstatedRule | undefined }
  /** The schema refused where no problem of core's on the line answers to it. */
  | { readonly by: 'schema'; readonly schema: readonly SchemaError[] }
  /** Not JSON: neither validator had an order to look at. */
  | { readonly by: 'json'; readonly problem: ValidationProblem };

/**
 * Sets core's problems beside the schema's errors on the same field (core's `quantity` is the
 * schema's `/quantity`, core's `order` the whole order, `""`). A problem whose code belongs to a
 * rule the schema cannot state at all is core's alone, whatever else the schema says of the field.
 */
export function refusalsOf(line: InvalidLine, rules: readonly UnstatedRule[] = UNSTATED_RULES): Refusal[] {
  const { schemaErrors } = line;
  if (schemaErrors === undefined) return line.problems.map((problem) => ({ by: 'json', problem }));
  const shown = new Set<SchemaError>();
  const refusals: Refusal[] = line.problems.map((problem) => {
    const unstatable = rules.find((rule) => rule.statedBy === 'none' && rule.codes.includes(problem.code));
    if (unstatable !== undefined) return { by: 'core', problem, rule: unstatable };
    const field = pointerOfField(problem.field);
    const beside = schemaErrors.filter((error) => error.pointer === field || error.pointer.startsWith(`${field}/`));
    if (beside.length === 0) {
      return { by: 'core', problem, rule: rules.find((rule) => rule.codes.includes(problem.code)) };
    }
    for (const error of beside) shown.add(error);
    return { by: 'both', problem, schema: beside };
  });
  const alone = schemaErrors.filter((error) => !shown.has(error));
  if (alone.length > 0) refusals.push({ by: 'schema', schema: alone });
  return refusals;
}

/**
 * One line of text for a refused line: each of core's problems (field, message, [code]) with the
 * schema's JSON Pointer and keyword beside it, and which side refused where they disagree. It
 * names fields and rules, never values: the line may carry personal data.
 *
 *   line 3: quantity must be an integer from 1 to 1000000 [out_of_range] (schema: /quantity minimum)
 */
export function describeInvalidLine(line: InvalidLine, rules: readonly UnstatedRule[] = UNSTATED_RULES): string {
  return `line ${line.lineNumber}: ${refusalsOf(line, rules).map(describeRefusal).join('; ')}`;
}

function describeRefusal(refusal: Refusal): string {
  switch (refusal.by) {
    case 'json':
      return describeProblem(refusal.problem);
    case 'both':
      return `${describeProblem(refusal.problem)} (schema: ${describeSchemaErrors(refusal.schema)})`;
    case 'core':
      return `${describeProblem(refusal.problem)} (core only: ${
        refusal.rule === undefined
          ? 'the schema finds nothing here, and x-orders-rules lists no such rule: core and the contract disagree'
          : `x-orders-rules ${refusal.rule.id}, a rule the schema ${
              refusal.rule.statedBy === 'none' ? 'cannot state' : 'states only as a format'
            }`
      })`;
    case 'schema':
      return `schema only: ${describeSchemaErrors(refusal.schema)} (no problem of core's answers to it)`;
  }
}

const describeProblem = (problem: ValidationProblem): string => `${problem.field} ${problem.reason} [${problem.code}]`;

const describeSchemaErrors = (errors: readonly SchemaError[]): string =>
  errors.map((error) => `${error.pointer === '' ? '""' : error.pointer} ${error.keyword}`).join(', ');

/** Core's dotted field as a JSON Pointer: `quantity` is `/quantity`; `order` (the whole order) is `""`. */
const pointerOfField = (field: string): string => (field === 'order' ? '' : jsonPointer(field.split('.')));
