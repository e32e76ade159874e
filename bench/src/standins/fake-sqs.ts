import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { text as readText } from 'node:stream/consumers';

/**
 * An SQS stand-in that speaks the service's wire protocol as the installed @aws-sdk/client-sqs
 * does (AWS JSON 1.0: `x-amz-target: AmazonSQS.<Action>`), so the real SDK client — ours, and the
 * one sqs-consumer drives — talks to it unchanged. It keeps standard queues in memory with the
 * semantics consumers depend on: a receive hides messages for the visibility timeout and hands out
 * a new receipt handle each time; an empty receive long-polls (answers as soon as a message is
 * visible, or after WaitTimeSeconds, or never if the client goes away); only the latest handle
 * changes visibility; a delete with a stale handle is accepted without deleting (as SQS does); the
 * approximate counts are exact. Signatures are not checked.
 *
 * Why not moto behind the delay proxy: moto's ReceiveMessage walks the whole queue (100+ ms at a
 * depth of a few hundred) and handles one request at a time, so no overlap of round trips can show.
 * Here a request costs microseconds and the round trip is the delay proxy's timer.
 *
 * Every request is recorded per queue (action, time, and the client that sent it when its SDK names
 * itself with an app id: `AWS_SDK_UA_APP_ID`, `app/<id>` in its user agent), and the time the
 * watched consumer processes had spent on the CPU when the first receive arrived (what the bench
 * reports as start-up cost) and when the delete that emptied the queue arrived (the difference is
 * the CPU the drain cost).
 *
 * For the scale-out run, two more things SQS does or that a measurement needs:
 * - a RedrivePolicy is honoured: a message received maxReceiveCount times moves to the queue its
 *   deadLetterTargetArn names at the receive that would deliver it again (as SQS does), when that
 *   queue exists here (when it does not, the message stays, as before this was modelled);
 * - a queue can be held: its receives find nothing (GetQueueAttributes still counts the messages as
 *   visible), until it is released, so that N consumer processes can all be polling before the
 *   first message is handed out; the release and the drain read the CPU time of the watched
 *   processes, of this process (every stand-in shares it) and of the machine.
 */

interface StoredMessage {
  readonly id: string;
  readonly body: string;
  readonly md5: string;
  readonly sentAt: number;
  receiveCount: number;
  firstReceiveAt: number | undefined;
  visibleAt: number;
  handle: string | undefined;
}

interface Waiter {
  readonly max: number;
  readonly visibilityMs: number;
  readonly finish: (messages: readonly StoredMessage[]) => void;
}

export interface RequestRecord {
  readonly action: string;
  /** Wall-clock time the request arrived (ms since the epoch, sub-ms precision). */
  readonly at: number;
  /** The client's app id (`app/<id>` in its user agent), when it sent one. */
  readonly client?: string;
  /** Messages handed out (ReceiveMessage) or deleted (DeleteMessageBatch). */
  count?: number;
  /** When a ReceiveMessage was answered. */
  answeredAt?: number;
  /** The ids of the messages a ReceiveMessage handed out. */
  messageIds?: string[];
}

/** CPU time read at one moment: the edges of a held queue's drain window (see `release`). */
export interface CpuReading {
  /** Wall-clock time of the reading (ms since the epoch). */
  readonly at: number;
  /** The watched processes' CPU time together (user + system, ms); undefined when one could not be read. */
  readonly watchedCpuMs: number | undefined;
  /** This process's CPU time (ms): the SQS and DynamoDB stand-ins and their delay proxies all run here. */
  readonly standinCpuMs: number;
  /** The machine's CPU time over all its cores (/proc/stat, ms): busy and in total; undefined off Linux. */
  readonly machine: { readonly busyMs: number; readonly totalMs: number } | undefined;
}

/** What `progress` answers: cheap enough to ask every few milliseconds while consumers run. */
export interface QueueProgress {
  readonly drainedAt: number | undefined;
  readonly remaining: number;
  /** App ids of the clients that have sent a ReceiveMessage to this queue. */
  readonly receivingClients: readonly string[];
}

/** What the bench reads back about one queue. */
export interface QueueStats {
  readonly requests: readonly RequestRecord[];
  /** When the last message left the queue (deleted), if it is empty. */
  readonly drainedAt: number | undefined;
  /** CPU time (user + system, ms) of the watched process when its first receive arrived. */
  readonly cpuMsAtFirstReceive: number | undefined;
  /** The same when the delete that emptied the queue arrived. */
  readonly cpuMsAtDrain: number | undefined;
  /** Readings at the release of a held queue, and when it drained after that. */
  readonly released: CpuReading | undefined;
  readonly drained: CpuReading | undefined;
  readonly depth: { readonly visible: number; readonly inFlight: number };
  /** Messages still there (visible or not). */
  readonly remaining: number;
}

class Queue {
  readonly messages = new Map<string, StoredMessage>();
  readonly handles = new Map<string, string>();
  readonly waiters = new Set<Waiter>();
  readonly requests: RequestRecord[] = [];
  drainedAt: number | undefined;
  readonly watchedPids: number[] = [];
  cpuMsAtFirstReceive: number | undefined;
  cpuMsAtDrain: number | undefined;
  readonly receivingClients = new Set<string>();
  /** Receives find nothing while held (see `FakeSqsState.hold`). */
  held = false;
  released: CpuReading | undefined;
  drained: CpuReading | undefined;

  constructor(
    readonly name: string,
    readonly url: string,
    readonly attributes: Record<string, string>,
  ) {}

  get visibilityMs(): number {
    return Number(this.attributes['VisibilityTimeout'] ?? '30') * 1000;
  }

  /** The redrive policy, when the queue has a readable one: receives before the move, and where to. */
  get redrive(): { readonly maxReceiveCount: number; readonly deadLetterQueue: string } | undefined {
    const raw = this.attributes['RedrivePolicy'];
    if (raw === undefined) return undefined;
    try {
      const policy = JSON.parse(raw) as { maxReceiveCount?: unknown; deadLetterTargetArn?: unknown };
      const maxReceiveCount = Number(policy.maxReceiveCount);
      const arn = String(policy.deadLetterTargetArn ?? '');
      if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || arn === '') return undefined;
      return { maxReceiveCount, deadLetterQueue: arn.slice(arn.lastIndexOf(':') + 1) };
    } catch {
      return undefined;
    }
  }
}

const now = (): number => performance.timeOrigin + performance.now();

/** The query-protocol codes SQS sends beside its JSON errors (`x-amzn-query-error`), which the SDK maps back to its classes. */
const QUERY_ERROR_CODES: Readonly<Record<string, string>> = {
  QueueDoesNotExist: 'AWS.SimpleQueueService.NonExistentQueue',
  InvalidAction: 'InvalidAction',
  InternalError: 'InternalError',
};

class SqsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** The shared in-memory state behind the listener. */
export class FakeSqsState {
  private readonly queues = new Map<string, Queue>();
  private ticker: ReturnType<typeof setInterval> | undefined;
  private clockTicksPerSecond = 100;

  constructor(private readonly publicUrl: () => string) {}

  /**
   * Adds process `pid` to the queue's watched processes, whose CPU time (Linux /proc, together) is
   * read at the queue's first receive, when it drains, and at a release.
   */
  watch(queueName: string, pid: number): void {
    this.queues.get(queueName)?.watchedPids.push(pid);
  }

  /** Holds the queue: its receives find nothing (long polls wait) until `release`. */
  hold(queueName: string): boolean {
    const queue = this.queues.get(queueName);
    if (queue) queue.held = true;
    return queue !== undefined;
  }

  /** Releases a held queue: the waiting long polls are served at once. Returns the CPU reading taken first. */
  release(queueName: string): CpuReading | undefined {
    const queue = this.queues.get(queueName);
    if (!queue) return undefined;
    queue.held = false;
    queue.released = this.readCpu(queue);
    queue.drained = undefined;
    this.serveWaiters(queue);
    return queue.released;
  }

  /** The cheap part of `stats`, for polling while a consumer runs (no request log to serialize). */
  progress(queueName: string): QueueProgress | undefined {
    const queue = this.queues.get(queueName);
    if (!queue) return undefined;
    return {
      drainedAt: queue.messages.size === 0 ? queue.drainedAt : undefined,
      remaining: queue.messages.size,
      receivingClients: [...queue.receivingClients],
    };
  }

  stats(queueName: string): QueueStats | undefined {
    const queue = this.queues.get(queueName);
    if (!queue) return undefined;
    const t = now();
    let inFlight = 0;
    for (const message of queue.messages.values()) if (message.visibleAt > t) inFlight++;
    return {
      requests: queue.requests,
      drainedAt: queue.messages.size === 0 ? queue.drainedAt : undefined,
      cpuMsAtFirstReceive: queue.cpuMsAtFirstReceive,
      cpuMsAtDrain: queue.messages.size === 0 ? queue.cpuMsAtDrain : undefined,
      released: queue.released,
      drained: queue.messages.size === 0 ? queue.drained : undefined,
      depth: { visible: queue.messages.size - inFlight, inFlight },
      remaining: queue.messages.size,
    };
  }

  /**
   * Handles one call; `onGone` registers what to do if the client goes away before the answer;
   * `client` is the caller's app id, when its user agent names one.
   */
  handle(
    target: string,
    input: Record<string, unknown>,
    onGone: (cancel: () => void) => void,
    client?: string,
  ): Promise<unknown> {
    const action = target.startsWith('AmazonSQS.') ? target.slice('AmazonSQS.'.length) : target;
    const record: RequestRecord = { action, at: now(), ...(client === undefined ? {} : { client }) };
    const queue = this.queueFor(input);
    queue?.requests.push(record);
    if (queue && client !== undefined && action === 'ReceiveMessage') queue.receivingClients.add(client);
    switch (action) {
      case 'CreateQueue':
        return Promise.resolve(this.createQueue(input));
      case 'GetQueueUrl': {
        const found = this.queues.get(String(input['QueueName']));
        found?.requests.push(record);
        if (!found) throw new SqsError('QueueDoesNotExist', 'The specified queue does not exist.');
        return Promise.resolve({ QueueUrl: found.url });
      }
      case 'GetQueueAttributes':
        return Promise.resolve(this.getAttributes(this.need(queue), input));
      case 'SendMessageBatch':
        return Promise.resolve(this.sendBatch(this.need(queue), input));
      case 'SendMessage': {
        const sent = this.send(this.need(queue), String(input['MessageBody']), Number(input['DelaySeconds'] ?? 0));
        return Promise.resolve({ MessageId: sent.id, MD5OfMessageBody: sent.md5 });
      }
      case 'ReceiveMessage':
        return this.receive(this.need(queue), input, record, onGone);
      case 'DeleteMessageBatch':
        return Promise.resolve(this.deleteBatch(this.need(queue), input, record));
      case 'DeleteMessage': {
        const failure = this.deleteOne(this.need(queue), String(input['ReceiptHandle']));
        if (failure) throw new SqsError(failure.Code, failure.Message);
        return Promise.resolve({});
      }
      case 'ChangeMessageVisibilityBatch':
        return Promise.resolve(this.changeVisibilityBatch(this.need(queue), input));
      case 'ChangeMessageVisibility': {
        const failure = this.changeOne(
          this.need(queue),
          String(input['ReceiptHandle']),
          Number(input['VisibilityTimeout']),
        );
        if (failure) throw new SqsError(failure.Code, failure.Message);
        return Promise.resolve({});
      }
      default:
        throw new SqsError('InvalidAction', `The SQS stand-in does not implement ${action || target}`);
    }
  }

  private queueFor(input: Record<string, unknown>): Queue | undefined {
    const url = input['QueueUrl'];
    if (typeof url !== 'string') return undefined;
    return this.queues.get(url.slice(url.lastIndexOf('/') + 1));
  }

  private need(queue: Queue | undefined): Queue {
    if (!queue) throw new SqsError('QueueDoesNotExist', 'The specified queue does not exist.');
    return queue;
  }

  private createQueue(input: Record<string, unknown>): object {
    const name = String(input['QueueName']);
    let queue = this.queues.get(name);
    if (!queue) {
      const attributes = { VisibilityTimeout: '30', ...((input['Attributes'] as Record<string, string>) ?? {}) };
      queue = new Queue(name, `${this.publicUrl()}/000000000000/${name}`, attributes);
      this.queues.set(name, queue);
    }
    return { QueueUrl: queue.url };
  }

  private getAttributes(queue: Queue, input: Record<string, unknown>): object {
    const t = now();
    let inFlight = 0;
    let delayed = 0;
    for (const message of queue.messages.values()) {
      if (message.visibleAt <= t) continue;
      if (message.receiveCount === 0) delayed++;
      else inFlight++;
    }
    const all: Record<string, string> = {
      ...queue.attributes,
      QueueArn: `arn:aws:sqs:us-east-1:000000000000:${queue.name}`,
      ApproximateNumberOfMessages: String(queue.messages.size - inFlight - delayed),
      ApproximateNumberOfMessagesNotVisible: String(inFlight),
      ApproximateNumberOfMessagesDelayed: String(delayed),
    };
    const names = (input['AttributeNames'] as string[] | undefined) ?? [];
    const wanted = names.includes('All') ? Object.keys(all) : names;
    return { Attributes: Object.fromEntries(wanted.filter((n) => all[n] !== undefined).map((n) => [n, all[n]])) };
  }

  private send(queue: Queue, body: string, delaySeconds: number): StoredMessage {
    const t = now();
    const message: StoredMessage = {
      id: randomUUID(),
      body,
      md5: createHash('md5').update(body, 'utf8').digest('hex'),
      sentAt: t,
      receiveCount: 0,
      firstReceiveAt: undefined,
      visibleAt: t + delaySeconds * 1000,
      handle: undefined,
    };
    queue.messages.set(message.id, message);
    queue.drainedAt = undefined;
    this.serveWaiters(queue);
    return message;
  }

  private sendBatch(queue: Queue, input: Record<string, unknown>): object {
    const entries = (input['Entries'] as { Id: string; MessageBody: string; DelaySeconds?: number }[]) ?? [];
    return {
      Successful: entries.map((entry) => {
        const sent = this.send(queue, entry.MessageBody, Number(entry.DelaySeconds ?? 0));
        return { Id: entry.Id, MessageId: sent.id, MD5OfMessageBody: sent.md5 };
      }),
      Failed: [],
    };
  }

  private receive(
    queue: Queue,
    input: Record<string, unknown>,
    record: RequestRecord,
    onGone: (cancel: () => void) => void,
  ): Promise<unknown> {
    if (queue.watchedPids.length > 0 && queue.cpuMsAtFirstReceive === undefined) {
      queue.cpuMsAtFirstReceive = this.cpuMs(queue.watchedPids);
    }
    const max = Math.min(10, Math.max(1, Number(input['MaxNumberOfMessages'] ?? 1)));
    const visibilityMs =
      input['VisibilityTimeout'] === undefined ? queue.visibilityMs : Number(input['VisibilityTimeout']) * 1000;
    const waitMs = Number(input['WaitTimeSeconds'] ?? 0) * 1000;
    const answer = (messages: readonly StoredMessage[]): object => {
      record.count = messages.length;
      record.answeredAt = now();
      if (messages.length > 0) record.messageIds = messages.map((m) => m.id);
      return messages.length === 0 ? {} : { Messages: messages.map((m) => this.toWire(m)) };
    };
    const ready = this.take(queue, max, visibilityMs);
    if (ready.length > 0 || waitMs === 0) return Promise.resolve(answer(ready));
    return new Promise((resolve) => {
      const waiter: Waiter = {
        max,
        visibilityMs,
        finish: (messages) => {
          clearTimeout(timer);
          queue.waiters.delete(waiter);
          resolve(answer(messages));
        },
      };
      const timer = setTimeout(() => waiter.finish([]), waitMs);
      queue.waiters.add(waiter);
      this.ensureTicker();
      // A client that went away (an aborted long poll) gets nothing: no message is hidden for it.
      onGone(() => {
        clearTimeout(timer);
        queue.waiters.delete(waiter);
      });
    });
  }

  private take(queue: Queue, max: number, visibilityMs: number): StoredMessage[] {
    if (queue.held) return [];
    const t = now();
    const taken: StoredMessage[] = [];
    const redrive = queue.redrive;
    const deadLetters = redrive === undefined ? undefined : this.queues.get(redrive.deadLetterQueue);
    let moved = false;
    for (const message of queue.messages.values()) {
      if (taken.length >= max) break;
      if (message.visibleAt > t) continue;
      if (deadLetters && redrive && message.receiveCount >= redrive.maxReceiveCount) {
        // Received maxReceiveCount times already: this receive moves it instead of delivering it.
        this.remove(queue, message.id);
        deadLetters.messages.set(message.id, { ...message, visibleAt: t, handle: undefined });
        deadLetters.drainedAt = undefined;
        moved = true;
        continue;
      }
      if (message.handle) queue.handles.delete(message.handle);
      message.receiveCount++;
      message.firstReceiveAt ??= t;
      message.visibleAt = t + visibilityMs;
      message.handle = `${message.id}#${message.receiveCount}#${randomUUID().slice(0, 8)}`;
      queue.handles.set(message.handle, message.id);
      taken.push(message);
    }
    if (moved && deadLetters) this.serveWaiters(deadLetters);
    return taken;
  }

  private toWire(message: StoredMessage): object {
    return {
      MessageId: message.id,
      ReceiptHandle: message.handle,
      MD5OfBody: message.md5,
      Body: message.body,
      Attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(Math.floor(message.sentAt)),
        ApproximateFirstReceiveTimestamp: String(Math.floor(message.firstReceiveAt ?? message.sentAt)),
      },
    };
  }

  private serveWaiters(queue: Queue): void {
    for (const waiter of [...queue.waiters]) {
      const messages = this.take(queue, waiter.max, waiter.visibilityMs);
      if (messages.length === 0) return;
      waiter.finish(messages);
    }
  }

  /** While anyone long-polls, messages whose visibility runs out are handed to them. */
  private ensureTicker(): void {
    if (this.ticker) return;
    this.ticker = setInterval(() => {
      let waiting = false;
      for (const queue of this.queues.values()) {
        if (queue.waiters.size === 0) continue;
        waiting = true;
        this.serveWaiters(queue);
      }
      if (!waiting && this.ticker) {
        clearInterval(this.ticker);
        this.ticker = undefined;
      }
    }, 20);
  }

  private deleteOne(queue: Queue, handle: string): { Code: string; Message: string } | undefined {
    const id = queue.handles.get(handle);
    if (id === undefined) {
      // A handle this queue handed out earlier, since replaced: SQS answers success, deleting nothing.
      if (handle.includes('#')) return undefined;
      return { Code: 'ReceiptHandleIsInvalid', Message: 'The input receipt handle is invalid.' };
    }
    this.remove(queue, id);
    return undefined;
  }

  /** Takes a message off the queue (deleted, or moved to the DLQ); the last one drains it. */
  private remove(queue: Queue, id: string): void {
    const handle = queue.messages.get(id)?.handle;
    if (handle !== undefined) queue.handles.delete(handle);
    queue.messages.delete(id);
    if (queue.messages.size > 0) return;
    queue.drainedAt = now();
    if (queue.watchedPids.length > 0) queue.cpuMsAtDrain = this.cpuMs(queue.watchedPids);
    if (queue.released !== undefined) queue.drained = this.readCpu(queue);
  }

  private deleteBatch(queue: Queue, input: Record<string, unknown>, record: RequestRecord): object {
    const entries = (input['Entries'] as { Id: string; ReceiptHandle: string }[]) ?? [];
    const successful: { Id: string }[] = [];
    const failed: { Id: string; SenderFault: boolean; Code: string; Message: string }[] = [];
    for (const entry of entries) {
      const failure = this.deleteOne(queue, entry.ReceiptHandle);
      if (failure) failed.push({ Id: entry.Id, SenderFault: true, ...failure });
      else successful.push({ Id: entry.Id });
    }
    record.count = successful.length;
    return { Successful: successful, Failed: failed };
  }

  private changeOne(queue: Queue, handle: string, seconds: number): { Code: string; Message: string } | undefined {
    const id = queue.handles.get(handle);
    const message = id === undefined ? undefined : queue.messages.get(id);
    if (!message) return { Code: 'ReceiptHandleIsInvalid', Message: 'The input receipt handle is invalid.' };
    if (message.visibleAt <= now()) return { Code: 'MessageNotInflight', Message: 'The message is not in flight.' };
    message.visibleAt = now() + seconds * 1000;
    if (seconds === 0) this.serveWaiters(queue);
    return undefined;
  }

  private changeVisibilityBatch(queue: Queue, input: Record<string, unknown>): object {
    const entries = (input['Entries'] as { Id: string; ReceiptHandle: string; VisibilityTimeout: number }[]) ?? [];
    const successful: { Id: string }[] = [];
    const failed: { Id: string; SenderFault: boolean; Code: string; Message: string }[] = [];
    for (const entry of entries) {
      const failure = this.changeOne(queue, entry.ReceiptHandle, Number(entry.VisibilityTimeout));
      if (failure) failed.push({ Id: entry.Id, SenderFault: true, ...failure });
      else successful.push({ Id: entry.Id });
    }
    return { Successful: successful, Failed: failed };
  }

  /** utime + stime of the processes together, in ms (Linux); undefined where one cannot be read. */
  private cpuMs(pids: readonly number[]): number | undefined {
    let total = 0;
    for (const pid of pids) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        // Fields after the command name (which may hold spaces, inside parentheses): utime is the 14th field.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        total += ((Number(fields[11]) + Number(fields[12])) / this.clockTicksPerSecond) * 1000;
      } catch {
        return undefined;
      }
    }
    return total;
  }

  private readCpu(queue: Queue): CpuReading {
    const own = process.cpuUsage();
    return {
      at: now(),
      watchedCpuMs: queue.watchedPids.length > 0 ? this.cpuMs(queue.watchedPids) : undefined,
      standinCpuMs: (own.user + own.system) / 1000,
      machine: this.machineCpuMs(),
    };
  }

  /** All cores' CPU time from /proc/stat's first line: busy (all but idle and iowait) and in total. */
  private machineCpuMs(): CpuReading['machine'] {
    try {
      const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
      const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
      const total = ticks.reduce((sum, value) => sum + value, 0);
      const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
      const ms = (value: number): number => (value / this.clockTicksPerSecond) * 1000;
      return Number.isFinite(total) && total > 0 ? { busyMs: ms(total - idle), totalMs: ms(total) } : undefined;
    } catch {
      return undefined;
    }
  }
}

/** The app id a client names in its user agent (`app/<id>`, from AWS_SDK_UA_APP_ID), if any. */
export function clientAppId(userAgent: string | undefined): string | undefined {
  return userAgent === undefined ? undefined : /(?:^|\s)app\/(\S+)/.exec(userAgent)?.[1];
}

/** Starts the listener on 127.0.0.1 (port 0: any free port). */
export async function startFakeSqs(state: FakeSqsState, port = 0): Promise<{ server: Server; url: string }> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void readText(request).then(async (text) => {
      const cancels: (() => void)[] = [];
      response.on('close', () => {
        if (!response.writableEnded) for (const cancel of cancels) cancel();
      });
      let status = 200;
      let body: unknown;
      const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.0' };
      try {
        body = await state.handle(
          String(request.headers['x-amz-target'] ?? ''),
          text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
          (cancel) => cancels.push(cancel),
          clientAppId(request.headers['user-agent']),
        );
      } catch (caught) {
        const error = caught instanceof SqsError ? caught : new SqsError('InternalError', String(caught), 500);
        status = error.status;
        body = { __type: `com.amazonaws.sqs#${error.type}`, message: error.message };
        headers['x-amzn-query-error'] =
          `${QUERY_ERROR_CODES[error.type] ?? error.type};${error.status >= 500 ? 'Receiver' : 'Sender'}`;
      }
      if (response.destroyed) return;
      const payload = JSON.stringify(body);
      response.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(payload)) });
      response.end(payload);
    });
  });
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 121_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
