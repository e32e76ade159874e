import { InvalidArgumentError } from 'commander';

/** A commander argument parser for an integer in [min, max], with a message naming the option. */
export const parseInteger =
  (name: string, min: number, max: number) =>
  (raw: string): number => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    }
    return value;
  };
