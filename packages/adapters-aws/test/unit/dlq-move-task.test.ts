import { RequestThrottled, SQSClient } from '@aws-sdk/client-sqs';
import {
  DlqTools,
  EndpointUnreachableError,
  MoveTaskRunningError,
  RedriveInProgressError,
  type HeldRedriveLease,
  type RedriveLease,
  type RedriveStrategy,
} from '../../src';
import { isMoveTaskAlreadyRunning, isMoveTaskApiMissing } from '../../src/message-move-tasks';
import { connectionRefused, fakeClient, TEST_CLIENT_CONFIG } from './support/fake-client';
import { DLQ_URL, FakeSqs, motoMissingAction, secondTaskRefusal, SOURCE_URL } from './support/fake-sqs';

// A redrive and SQS's message move tasks: while a task is at work on the DLQ, a second redrive
// refuses in one sentence — it neither starts another task nor copies beside it — and it copies by
// hand only where the endpoint has no move tasks at all.

const DLQ_ARN = 'arn:aws:sqs:us-east-1:000000000000:OrderDLQ';

function toolsWith(sqs: FakeSqs, lease?: RedriveLease) {
  const fake = fakeClient(new SQSClient(TEST_CLIENT_CONFIG), sqs.handle);
  return {
    ...fake,
    names: () => fake.calls.map((call) => call.name),
    tools: new DlqTools({
      dlqUrl: DLQ_URL,
      sourceQueueUrl: SOURCE_URL,
      client: fake.client,
      ...(lease === undefined ? {} : { lease }),
    }),
  };
}

/** The task ListMessageMoveTasks shows while one runs (AWS lists the handle only then). */
const runningTask = {
  TaskHandle: 'eyJ0YXNrSWQiOiJ0YXNrLTEifQ==',
  Status: 'RUNNING',
  SourceArn: DLQ_ARN,
  DestinationArn: 'arn:aws:sqs:us-east-1:000000000000:OrderQueue',
  ApproximateNumberOfMessagesMoved: 120,
  ApproximateNumberOfMessagesToMove: 500,
  StartedTimestamp: Date.UTC(2025, 4, 3, 12, 0, 0),
};

const REFUSAL =
  'A message move task is already running for OrderDLQ (started 2025-05-03T12:00:00.000Z, about 120 of 500 messages moved so far); ' +
  `follow it with \`aws sqs list-message-move-tasks --source-arn ${DLQ_ARN}\`, ` +
  'or cancel it with `aws sqs cancel-message-move-task --task-handle eyJ0YXNrSWQiOiJ0YXNrLTEifQ==`, then run the redrive again.';

const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error('expected the redrive to refuse');
    },
    (error: unknown) => error,
  );

describe('a redrive while a message move task is at work on the DLQ', () => {
  it.each<RedriveStrategy>(['auto', 'move-task', 'manual'])(
    'refuses with strategy %s in one sentence, having started nothing and copied nothing',
    async (strategy) => {
      const sqs = new FakeSqs(['a', 'b']);
      sqs.moveTask = 'ok';
      sqs.moveTasks = [runningTask];
      const { tools, names } = toolsWith(sqs);

      const error = await rejection(tools.redrive({ strategy }));

      expect(error).toBeInstanceOf(MoveTaskRunningError);
      expect(error).toMatchObject({ code: 'move_task_running', message: REFUSAL, dlqArn: DLQ_ARN });
      expect(names()).not.toContain('StartMessageMoveTaskCommand');
      expect(names()).not.toContain('ReceiveMessageCommand');
      expect(sqs.sent).toHaveLength(0);
      expect(sqs.dlq).toHaveLength(2);
    },
  );

  it('refuses as well while the task is being cancelled: it may still move messages', async () => {
    const sqs = new FakeSqs(['a']);
    sqs.moveTask = 'ok';
    sqs.moveTasks = [{ Status: 'CANCELLING', SourceArn: DLQ_ARN }];
    const { tools } = toolsWith(sqs);
    await expect(tools.redrive()).rejects.toThrow(
      `A message move task on OrderDLQ is being cancelled; wait for it to end (follow it with \`aws sqs list-message-move-tasks --source-arn ${DLQ_ARN}\`), then run the redrive again.`,
    );
    expect(sqs.sent).toHaveLength(0);
  });

  it('goes ahead when the tasks listed have all ended', async () => {
    const sqs = new FakeSqs(['a']);
    sqs.moveTask = 'ok';
    sqs.moveTasks = [
      { ...runningTask, Status: 'COMPLETED', TaskHandle: undefined },
      { Status: 'CANCELLED' },
      { Status: 'FAILED', FailureReason: 'AWS.SimpleQueueService.NonExistentQueue' },
    ];
    const { tools } = toolsWith(sqs);
    await expect(tools.redrive()).resolves.toMatchObject({ strategy: 'move-task', taskHandle: 'task-1' });
  });
});

describe('StartMessageMoveTask failures are not a reason to copy by hand', () => {
  it('refuses when SQS answers that a task is already running (one started since the listing), naming it', async () => {
    const sqs = new FakeSqs(['a', 'b']);
    sqs.moveTask = 'already-running';
    // Another run's task starts between this run's listing and its StartMessageMoveTask.
    sqs.onCall = (name) => {
      if (name === 'StartMessageMoveTaskCommand') sqs.moveTasks = [runningTask];
    };
    const { tools, names } = toolsWith(sqs);

    const error = await rejection(tools.redrive());

    expect(error).toBeInstanceOf(MoveTaskRunningError);
    expect(error).toMatchObject({ message: REFUSAL });
    expect(names()).not.toContain('ReceiveMessageCommand');
    expect(sqs.sent).toHaveLength(0);
    expect(sqs.dlq).toHaveLength(2);
  });

  it('still refuses when the running task can no longer be listed', async () => {
    const sqs = new FakeSqs(['a']);
    sqs.moveTask = 'already-running';
    const { tools } = toolsWith(sqs);
    await expect(tools.redrive()).rejects.toThrow(
      `A message move task is already running for OrderDLQ; follow it with \`aws sqs list-message-move-tasks --source-arn ${DLQ_ARN}\`, ` +
        'or cancel it with `aws sqs cancel-message-move-task --task-handle <its TaskHandle>`, then run the redrive again.',
    );
    expect(sqs.sent).toHaveLength(0);
  });

  it('fails on a network error instead of copying: the task may have started and its answer been lost', async () => {
    const sqs = new FakeSqs(['a']);
    sqs.moveTask = 'unreachable';
    const { tools, names } = toolsWith(sqs);
    await expect(tools.redrive()).rejects.toBeInstanceOf(EndpointUnreachableError);
    expect(names()).not.toContain('ReceiveMessageCommand');
    expect(sqs.dlq).toHaveLength(1);
  });

  it('fails when throttled instead of copying', async () => {
    const sqs = new FakeSqs(['a']);
    sqs.moveTask = 'ok';
    const { client, calls } = fakeClient(new SQSClient(TEST_CLIENT_CONFIG), (command) => {
      if (command.name === 'StartMessageMoveTaskCommand')
        throw new RequestThrottled({ message: 'Rate exceeded', $metadata: { httpStatusCode: 403 } });
      return sqs.handle(command);
    });
    const tools = new DlqTools({ dlqUrl: DLQ_URL, sourceQueueUrl: SOURCE_URL, client });
    await expect(tools.redrive()).rejects.toMatchObject({ code: 'throttled' });
    expect(calls.map((c) => c.name)).not.toContain('ReceiveMessageCommand');
    expect(sqs.dlq).toHaveLength(1);
  });

  it('fails when the listing itself fails for another reason than a missing API: it must know first', async () => {
    const sqs = new FakeSqs(['a']);
    const { client, calls } = fakeClient(new SQSClient(TEST_CLIENT_CONFIG), (command) => {
      if (command.name === 'ListMessageMoveTasksCommand') throw connectionRefused();
      return sqs.handle(command);
    });
    const tools = new DlqTools({ dlqUrl: DLQ_URL, sourceQueueUrl: SOURCE_URL, client });
    for (const strategy of ['auto', 'manual'] as const) {
      await expect(tools.redrive({ strategy })).rejects.toBeInstanceOf(EndpointUnreachableError);
    }
    expect(calls.map((c) => c.name)).not.toContain('ReceiveMessageCommand');
    expect(sqs.dlq).toHaveLength(1);
  });
});

describe('an endpoint without message move tasks', () => {
  it('gets the copy as before (moto: both calls answer an HTML 500 page), without a StartMessageMoveTask that would fail the same way', async () => {
    const sqs = new FakeSqs(['a', 'b']);
    const { tools, names } = toolsWith(sqs);
    const result = await tools.redrive();
    expect(result).toMatchObject({ strategy: 'manual', moved: 2, failures: [] });
    expect(result.strategy === 'manual' && result.fallbackReason).toMatch(
      /^StartMessageMoveTask is not available here \(aws_server_error: SQS ListMessageMoveTasks failed/,
    );
    expect(names()).not.toContain('StartMessageMoveTaskCommand');
  });

  it('gets the copy when the listing answers but StartMessageMoveTask is an unsupported operation', async () => {
    const sqs = new FakeSqs(['a']);
    sqs.moveTask = 'unsupported-operation';
    const { tools } = toolsWith(sqs);
    const result = await tools.redrive();
    expect(result).toMatchObject({ strategy: 'manual', moved: 1 });
    expect(result.strategy === 'manual' && result.fallbackReason).toContain('UnsupportedOperation');
  });

  it('with strategy move-task, is told so instead', async () => {
    const sqs = new FakeSqs(['a']);
    sqs.moveTask = 'unsupported-operation';
    const { tools } = toolsWith(sqs);
    await expect(tools.redrive({ strategy: 'move-task' })).rejects.toMatchObject({ code: 'aws_request_rejected' });
    expect(sqs.sent).toHaveLength(0);
  });
});

describe('what a failed move-task call means', () => {
  it('reads the refusal of a second task by its sentence, whatever the code', () => {
    expect(isMoveTaskAlreadyRunning(secondTaskRefusal())).toBe(true);
    const emulatorWording = Object.assign(
      new Error('There is already an active message movement task for this source queue.'),
      { name: 'AWS.SimpleQueueService.UnsupportedOperation', $metadata: { httpStatusCode: 400 } },
    );
    expect(isMoveTaskAlreadyRunning(emulatorWording)).toBe(true);
    expect(isMoveTaskApiMissing(emulatorWording)).toBe(false);
  });

  it('takes only an endpoint without the operation for a missing API', () => {
    const missing = [
      motoMissingAction(),
      Object.assign(new Error('Unsupported operation.'), { name: 'UnsupportedOperation' }),
      Object.assign(new Error("API action 'StartMessageMoveTask' for service 'sqs' not yet implemented"), {
        name: 'InternalFailure',
        $metadata: { httpStatusCode: 501 },
      }),
    ];
    for (const error of missing) expect(isMoveTaskApiMissing(error)).toBe(true);
    const notMissing = [
      secondTaskRefusal(),
      connectionRefused(),
      new RequestThrottled({ message: 'Rate exceeded', $metadata: { httpStatusCode: 403 } }),
      // A gateway's page: the request may have reached SQS.
      Object.assign(new SyntaxError('Unexpected token <'), { $metadata: { httpStatusCode: 504 } }),
      Object.assign(new Error('We encountered an internal error.'), {
        name: 'InternalError',
        $fault: 'server',
        $metadata: { httpStatusCode: 500 },
      }),
      Object.assign(new Error('Access to the resource is denied.'), {
        name: 'AccessDenied',
        $metadata: { httpStatusCode: 403 },
      }),
    ];
    for (const error of notMissing) expect(isMoveTaskApiMissing(error)).toBe(false);
  });
});

describe('the lease and the move task', () => {
  /** One holder at a time, and what happened, in order. */
  function memoryLease(heldBy?: string) {
    const events: string[] = [];
    let holder = heldBy;
    const lease: RedriveLease = {
      acquire: async (): Promise<HeldRedriveLease> => {
        if (holder !== undefined) throw new RedriveInProgressError('OrderDLQ', holder, 1_800_000_000_000);
        holder = 'this run';
        events.push('acquired');
        return {
          ensureHeld: async () => true,
          release: async () => {
            holder = undefined;
            events.push('released');
          },
        };
      },
    };
    return { lease, events };
  }

  it('starts a move task only under the lease, so never while another run copies by hand', async () => {
    const sqs = new FakeSqs(['a']);
    sqs.moveTask = 'ok';
    const { lease } = memoryLease('ci-runner pid 42');
    const { tools, names } = toolsWith(sqs, lease);
    await expect(tools.redrive()).rejects.toBeInstanceOf(RedriveInProgressError);
    expect(names()).not.toContain('StartMessageMoveTaskCommand');
  });

  it('holds the lease while it lists and starts the task, then gives it up', async () => {
    const sqs = new FakeSqs(['a']);
    sqs.moveTask = 'ok';
    const { lease, events } = memoryLease();
    sqs.onCall = (name) => events.push(name);
    const { tools } = toolsWith(sqs, lease);
    await expect(tools.redrive()).resolves.toMatchObject({ strategy: 'move-task' });
    expect(events[0]).toBe('acquired');
    expect(events.indexOf('StartMessageMoveTaskCommand')).toBeLessThan(events.indexOf('released'));
    expect(events.at(-1)).toBe('released');
  });

  it('gives the lease up when it refuses', async () => {
    const sqs = new FakeSqs(['a']);
    sqs.moveTask = 'ok';
    sqs.moveTasks = [runningTask];
    const { lease, events } = memoryLease();
    const { tools } = toolsWith(sqs, lease);
    await expect(tools.redrive({ strategy: 'manual' })).rejects.toBeInstanceOf(MoveTaskRunningError);
    expect(events).toEqual(['acquired', 'released']);
  });
});

describe('on AWS itself (a queue URL on an AWS domain)', () => {
  const AWS_DLQ = 'https://sqs.eu-west-1.amazonaws.com/123456789012/OrderDLQ';
  const AWS_SOURCE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/OrderQueue';

  it('never reads an unreadable answer as a missing API: it fails, copying nothing', async () => {
    const sqs = new FakeSqs(['a']);
    const { client, calls } = fakeClient(new SQSClient(TEST_CLIENT_CONFIG), sqs.handle);
    const tools = new DlqTools({ dlqUrl: AWS_DLQ, sourceQueueUrl: AWS_SOURCE, client });
    await expect(tools.redrive()).rejects.toMatchObject({ code: 'aws_server_error' });
    expect(calls.map((c) => c.name)).not.toContain('ReceiveMessageCommand');
    expect(sqs.dlq).toHaveLength(1);
  });

  it('fails on UnsupportedOperation too, instead of copying around a refusal', async () => {
    const sqs = new FakeSqs(['a']);
    sqs.moveTask = 'unsupported-operation';
    const { client } = fakeClient(new SQSClient(TEST_CLIENT_CONFIG), sqs.handle);
    const tools = new DlqTools({ dlqUrl: AWS_DLQ, sourceQueueUrl: AWS_SOURCE, client });
    await expect(tools.redrive()).rejects.toMatchObject({ code: 'aws_request_rejected' });
    expect(sqs.sent).toHaveLength(0);
  });
});
