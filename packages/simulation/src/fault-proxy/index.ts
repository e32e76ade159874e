/**
 * A fault-injecting HTTP proxy for AWS endpoints: resets, lost answers, 5xx and throttling in each
 * service's error shape, late answers, hangs. Put it between a client (AWS_ENDPOINT_URL) and an
 * emulator to see what a process does when the network fails under the SDK.
 */
export * from './aws-request-identity';
export * from './aws-error-responses';
export * from './fault-plan';
export * from './fault-injecting-proxy';
