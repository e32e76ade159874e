/**
 * Why a message or order was rejected. `code` is stable (safe to alert and test on),
 * `field` names where the problem is, `reason` is a human sentence. None of them
 * ever echoes the rejected value: values can carry personal data.
 */
export type ProblemCode =
  | 'body_too_large'
  | 'not_json'
  | 'not_an_object'
  | 'unsupported_envelope_type'
  | 'envelope_message_missing'
  | 'envelope_message_not_string'
  | 'required'
  | 'wrong_type'
  | 'too_short'
  | 'too_long'
  | 'blank'
  | 'control_character'
  | 'malformed_unicode'
  | 'not_an_integer'
  | 'out_of_range'
  | 'not_allowed'
  | 'invalid_format'
  | 'missing_zone'
  | 'invalid_date'
  | 'invalid_time'
  | 'invalid_zone'
  | 'precision_too_high';

export interface ValidationProblem {
  /** Dotted path of the offending element: `quantity`, `body`, `envelope.Message`. */
  readonly field: string;
  readonly code: ProblemCode;
  readonly reason: string;
}

export const problem = (field: string, code: ProblemCode, reason: string): ValidationProblem => ({
  field,
  code,
  reason,
});
