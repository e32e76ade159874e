import { randomBytes, randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import { HostSetupError } from '../errors';
import type { FunctionError } from '../runtime-api/function-error';
import type { FunctionDefinition } from '../template/function-definition';
import { ExecutionEnvironment, type EnvironmentSignal } from './execution-environment';
import type { InvocationFailure, InvocationResult } from './invocation-result';
import { platformLog } from './platform-log';
import { managedRuntimeEnvironment, nodeArgumentsFor, type FunctionCredentials } from './runtime-environment';
import { locateRuntimeInterfaceClient, type RuntimeInterfaceClient } from './runtime-interface-client';
import { prepareTaskDirectory, type TaskDirectory } from './task-directory';

export interface LocalLambdaOptions {
  readonly fn: FunctionDefinition;
  readonly region: string;
  readonly accountId?: string;
  /** Passed to the function as AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, as Lambda passes the role's. */
  readonly credentials?: FunctionCredentials;
  /** Extra variables set last (e.g. AWS_ENDPOINT_URL for an emulator). */
  readonly extraEnvironment?: Readonly<Record<string, string>>;
  /** Receives the function's log lines and Lambda's own (START, END, REPORT, timeouts). Default: stdout. */
  readonly onLogLine?: (line: string, source: 'function' | 'platform') => void;
  /** The node binary that runs the runtime client. Default: this process's. */
  readonly nodePath?: string;
  /** Lambda's limit for the init phase. Default 10 s. */
  readonly initTimeoutMs?: number;
  /** Another runtime client than the installed aws-lambda-ric (tests use a small stand-in). */
  readonly runtimeClient?: RuntimeInterfaceClient;
}

/** How an invocation ended, as the environment reported it (or did not, in time). */
type InvocationOutcome =
  | Exclude<EnvironmentSignal, { kind: 'ready' | 'init-error' }>
  | { readonly kind: 'timeout' }
  | { readonly kind: 'aborted' };

/** Lambda gives the init phase of an on-demand function 10 seconds. */
export const DEFAULT_INIT_TIMEOUT_MS = 10_000;

/**
 * A Lambda function run as the managed runtime runs it: its code asset copied to a private task
 * directory, AWS's runtime interface client (aws-lambda-ric) in a child process with the managed
 * runtime's environment, talking to a Runtime API server. `invoke` behaves like a synchronous
 * Lambda invoke: a cold start when there is no live environment, the function timeout enforced
 * (the process is killed, so the next invoke is a cold start), init and invocation errors returned
 * the way Lambda returns them. One invocation at a time, as in one execution environment.
 */
export class LocalLambda {
  readonly fn: FunctionDefinition;
  private readonly task: TaskDirectory;
  private readonly runtime: RuntimeInterfaceClient;
  private readonly log: (line: string, source: 'function' | 'platform') => void;
  private readonly platform;
  private environment: ExecutionEnvironment | undefined;
  private busy = false;
  private closed = false;
  /** A process that exits without close() (process.exit on a second Ctrl-C) still kills the runtime and removes the copy. */
  private readonly cleanUpOnExit = (): void => {
    this.environment?.killNow();
    this.task.dispose();
  };

  constructor(private readonly options: LocalLambdaOptions) {
    this.fn = options.fn;
    this.runtime = options.runtimeClient ?? locateRuntimeInterfaceClient();
    this.task = prepareTaskDirectory(options.fn.codeDirectory);
    this.log = options.onLogLine ?? ((line) => process.stdout.write(`${line}\n`));
    this.platform = platformLog(options.fn.logFormat);
    process.once('exit', this.cleanUpOnExit);
  }

  /** The private copy of the code (LAMBDA_TASK_ROOT). */
  get taskRoot(): string {
    return this.task.path;
  }

  /** The process id of the live execution environment's runtime, if one is running. */
  get runtimePid(): number | undefined {
    return this.environment?.isDead === false ? this.environment.pid : undefined;
  }

  /** `node_modules` directories above the task root that module resolution could still reach. */
  get leakyAncestors(): readonly string[] {
    return this.task.ancestorNodeModules;
  }

  /** Invokes the function with an event (any JSON value). `abort` ends a wait early: the environment is then discarded. */
  async invoke(event: unknown, abort?: AbortSignal): Promise<InvocationResult> {
    if (this.closed) throw new HostSetupError('host_closed', `${this.fn.functionName} has been closed`);
    if (this.busy) throw new HostSetupError('invocation_overlap', 'one invocation at a time per local function');
    this.busy = true;
    try {
      return await this.invokeOnce(JSON.stringify(event) ?? 'null', abort);
    } finally {
      this.busy = false;
    }
  }

  /** Ends the environment (its process is killed) and removes the task directory. */
  async close(): Promise<void> {
    this.closed = true;
    process.off('exit', this.cleanUpOnExit);
    await this.discardEnvironment();
    this.task.dispose();
  }

  private async invokeOnce(payload: string, abort: AbortSignal | undefined): Promise<InvocationResult> {
    const requestId = randomUUID();
    const coldStart = this.environment === undefined || this.environment.isDead;
    let initDurationMs: number | undefined;
    if (coldStart) {
      await this.discardEnvironment();
      const init = await this.startEnvironment(requestId, abort);
      if (init.status === 'error') return init;
      initDurationMs = init.initDurationMs;
    }
    const environment = this.environment as ExecutionEnvironment;
    const timeoutMs = this.fn.timeoutSeconds * 1000;
    const started = performance.now();
    const deadlineMs = Date.now() + timeoutMs;
    this.log(this.platform.start(requestId), 'platform');
    environment.offer({
      requestId,
      payload,
      deadlineMs,
      invokedFunctionArn: `arn:aws:lambda:${this.options.region}:${this.options.accountId ?? '000000000000'}:function:${this.fn.functionName}`,
      traceId: traceHeader(),
    });
    const facts = { requestId, coldStart, ...(initDurationMs === undefined ? {} : { initDurationMs }) };
    const outcome = await this.awaitOutcome(environment, requestId, deadlineMs, abort);
    const durationMs = performance.now() - started;
    const maxMemoryUsedMb = environment.maxMemoryUsedMb();
    const result: InvocationResult =
      outcome.kind === 'response'
        ? { ...facts, status: 'success', durationMs, payload: decodePayload(outcome.payload) }
        : { ...facts, status: 'error', durationMs, ...this.failureOf(outcome, requestId) };
    if (result.status === 'error' && result.kind === 'timeout') {
      this.log(this.platform.timeout(requestId, this.fn.timeoutSeconds), 'platform');
    }
    if (result.status === 'error' && result.kind !== 'function-error') await this.discardEnvironment();
    else await environment.nextSignal(Date.now() + 100, abort); // the runtime's next `next`: its lines are flushed
    this.log(this.platform.end(requestId), 'platform');
    this.log(
      this.platform.report({
        requestId,
        durationMs,
        memorySizeMb: this.fn.memorySizeMb,
        ...(maxMemoryUsedMb === undefined ? {} : { maxMemoryUsedMb }),
        ...(initDurationMs === undefined ? {} : { initDurationMs }),
        status: result.status === 'success' ? 'success' : result.kind === 'timeout' ? 'timeout' : 'error',
        ...(result.status === 'error' ? { errorType: result.error.errorType } : {}),
      }),
      'platform',
    );
    return result;
  }

  /** Starts a process and waits for its first `next`; an init that fails is this invocation's failure. */
  private async startEnvironment(
    requestId: string,
    abort: AbortSignal | undefined,
  ): Promise<{ status: 'ready'; initDurationMs: number } | InvocationFailure> {
    const started = performance.now();
    const environment = await ExecutionEnvironment.launch({
      nodePath: this.options.nodePath ?? process.execPath,
      nodeArguments: nodeArgumentsFor(this.fn.memorySizeMb),
      runtimeEntry: this.runtime.entry,
      taskRoot: this.task.path,
      environment: (runtimeApi) =>
        managedRuntimeEnvironment({
          fn: this.fn,
          runtimeApi,
          taskRoot: this.task.path,
          runtimeDirectory: dirname(this.runtime.entry),
          region: this.options.region,
          ...(this.options.credentials === undefined ? {} : { credentials: this.options.credentials }),
          ...(this.options.extraEnvironment === undefined ? {} : { extra: this.options.extraEnvironment }),
        }),
      onLogLine: (line) => this.log(line, 'function'),
    });
    this.environment = environment;
    const initTimeoutMs = this.options.initTimeoutMs ?? DEFAULT_INIT_TIMEOUT_MS;
    const deadline = Date.now() + initTimeoutMs;
    let failure: { kind: InvocationFailure['kind']; error: FunctionError } | undefined;
    for (;;) {
      const signal = await environment.nextSignal(deadline, abort);
      if (signal?.kind === 'ready') return { status: 'ready', initDurationMs: performance.now() - started };
      if (signal?.kind === 'init-error') {
        failure = { kind: 'init-error', error: signal.error };
        continue; // the runtime exits after reporting; its exit ends the wait
      }
      if (signal?.kind === 'exit') {
        failure ??= { kind: 'runtime-exit', error: exitError(requestId, signal) };
        break;
      }
      if (signal === undefined) {
        failure ??= abort?.aborted
          ? { kind: 'aborted', error: { errorType: 'Runtime.Aborted', errorMessage: 'the invocation was aborted' } }
          : {
              kind: 'init-error',
              error: {
                errorType: 'Sandbox.Timedout',
                errorMessage: `RequestId: ${requestId} Error: init timed out after ${(initTimeoutMs / 1000).toFixed(2)} seconds`,
              },
            };
        break;
      }
    }
    const initDurationMs = performance.now() - started;
    await this.discardEnvironment();
    this.log(
      this.platform.initReport(
        initDurationMs,
        failure.error.errorType === 'Sandbox.Timedout' ? 'timeout' : 'error',
        failure.error.errorType,
      ),
      'platform',
    );
    return { requestId, coldStart: true, initDurationMs, durationMs: 0, status: 'error', ...failure };
  }

  private async awaitOutcome(
    environment: ExecutionEnvironment,
    requestId: string,
    deadlineMs: number,
    abort: AbortSignal | undefined,
  ): Promise<InvocationOutcome> {
    for (;;) {
      const signal = await environment.nextSignal(deadlineMs, abort);
      if (signal === undefined) return abort?.aborted ? { kind: 'aborted' } : { kind: 'timeout' };
      if (signal.kind === 'ready' || signal.kind === 'init-error') continue;
      if (signal.kind !== 'exit' && signal.requestId !== requestId) continue;
      return signal;
    }
  }

  private failureOf(
    outcome: Exclude<InvocationOutcome, { kind: 'response' }>,
    requestId: string,
  ): { kind: InvocationFailure['kind']; error: FunctionError } {
    switch (outcome.kind) {
      case 'invocation-error':
        return { kind: 'function-error', error: outcome.error };
      case 'response-too-large':
        return {
          kind: 'response-too-large',
          error: {
            errorType: 'Function.ResponseSizeTooLarge',
            errorMessage: `Response payload size (${outcome.bytes} bytes) exceeded maximum allowed payload size (6291556 bytes).`,
          },
        };
      case 'exit':
        return { kind: 'runtime-exit', error: exitError(requestId, outcome) };
      case 'timeout':
        return {
          kind: 'timeout',
          error: {
            errorType: 'Sandbox.Timedout',
            errorMessage: `RequestId: ${requestId} Error: Task timed out after ${this.fn.timeoutSeconds.toFixed(2)} seconds`,
          },
        };
      case 'aborted':
        return { kind: 'aborted', error: { errorType: 'Runtime.Aborted', errorMessage: 'the invocation was aborted' } };
    }
  }

  private async discardEnvironment(): Promise<void> {
    const environment = this.environment;
    this.environment = undefined;
    await environment?.destroy();
  }
}

function exitError(requestId: string, exit: { code: number | null; signal: NodeJS.Signals | null }): FunctionError {
  const how = exit.signal === null ? `exit status ${exit.code ?? '?'}` : `signal: ${exit.signal}`;
  return {
    errorType: 'Runtime.ExitError',
    errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${how}`,
  };
}

/** The handler's answer as the caller gets it: JSON-decoded, empty meaning no value. */
function decodePayload(payload: string): unknown {
  if (payload.trim() === '') return undefined;
  try {
    return JSON.parse(payload) ?? undefined;
  } catch {
    return payload;
  }
}

/** An X-Ray trace header for one invocation (not sampled: nothing is sent anywhere). */
function traceHeader(): string {
  const epoch = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${epoch}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}
