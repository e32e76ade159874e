/**
 * @orders/testkit — what the tests share: the OrderRepository contract suite every adapter runs,
 * order histories for property tests, Lambda-shaped SQS events and a context, a logger that
 * records. The integration harness (moto or LocalStack) is `src/integration`, which Jest's global
 * setup loads and integration suites import by path. Order generators and the fault proxy, which
 * the CLI runs too, are in @orders/simulation.
 */
export * from './orders';
export * from './sqs-events';
export * from './order-repository-contract';
export * from './recording-logger';
export * from './order-histories';
