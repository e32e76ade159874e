/**
 * Hand-written SDK client doubles: a real client whose `send` is replaced by a function of the
 * command. Commands are the SDK's own classes, so a test asserts on exactly what the adapter
 * would send (`command.input`), and errors are the SDK's own exception classes.
 */
export interface SentCommand {
  readonly name: string;
  readonly input: Record<string, unknown>;
  /** The per-call handler options (`abortSignal`, `requestTimeout`), when any were given. */
  readonly options?: Record<string, unknown>;
}

export type FakeHandler = (command: SentCommand) => unknown;

export interface FakeClient<C> {
  readonly client: C;
  readonly calls: SentCommand[];
  /** The inputs of the calls made with commands of this class name, in order. */
  inputsOf(name: string): Record<string, unknown>[];
}

export function fakeClient<C extends { send: unknown }>(client: C, handler: FakeHandler): FakeClient<C> {
  const calls: SentCommand[] = [];
  const send = async (
    command: { constructor: { name: string }; input: Record<string, unknown> },
    options?: Record<string, unknown>,
  ): Promise<unknown> => {
    const sent = {
      name: command.constructor.name,
      input: structuredClone(command.input),
      ...(options === undefined ? {} : { options }),
    };
    calls.push(sent);
    return handler(sent);
  };
  (client as { send: unknown }).send = send;
  return { client, calls, inputsOf: (name) => calls.filter((call) => call.name === name).map((call) => call.input) };
}

export const TEST_CLIENT_CONFIG = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
} as const;

/** What Node raises when nothing listens on a port. */
export function connectionRefused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), {
    code: 'ECONNREFUSED',
    address: '127.0.0.1',
    port: 4566,
  });
}
