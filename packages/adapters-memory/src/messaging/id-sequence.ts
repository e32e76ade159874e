/**
 * Deterministic UUID-shaped ids (`00000000-0000-4000-8000-00000000002a`), so simulated runs
 * are reproducible while ids still look like the SQS/SNS ones they stand for.
 */
export class IdSequence {
  private counter = 0;
  constructor(private readonly prefix = '00000000') {}

  next(): string {
    this.counter++;
    return `${this.prefix}-0000-4000-8000-${this.counter.toString(16).padStart(12, '0')}`;
  }
}
