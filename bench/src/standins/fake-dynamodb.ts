import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { text as readText } from 'node:stream/consumers';
import {
  evaluateCondition,
  ExpressionError,
  parseCondition,
  type AttributeValue,
  type Condition,
  type Item,
} from './condition-expression';

/**
 * A DynamoDB stand-in that speaks the service's wire protocol (AWS JSON 1.0 over HTTP/1.1, so the
 * real SDK client talks to it unchanged) and keeps tables in memory. It implements what the
 * handlers under test call: PutItem (conditions, ReturnValues ALL_OLD,
 * ReturnValuesOnConditionCheckFailure ALL_OLD), GetItem, plus CreateTable / DescribeTable /
 * DeleteTable and a counting Scan for setup and checks. Signatures are not verified.
 *
 * Why not moto behind the delay proxy: moto handles requests on a CPU-bound Python server, a few
 * milliseconds each and effectively one at a time, so 100 concurrent puts queue behind each other
 * and every handler looks sequential. Here a put costs microseconds and the delay is a timer, so
 * concurrency shows exactly as it would against DynamoDB's fixed round trip.
 */
export interface FakeDynamoDbOptions {
  /** Added before every response is written: the network + service round trip being simulated. */
  readonly delayMs: number;
}

interface Table {
  readonly hashKey: string;
  readonly items: Map<string, Item>;
}

interface Reply {
  readonly status: number;
  readonly body: unknown;
}

const ERROR_PREFIX = 'com.amazonaws.dynamodb.v20120810#';
const error = (status: number, type: string, message: string, extra: object = {}): Reply => ({
  status,
  body: { __type: ERROR_PREFIX + type, message, ...extra },
});

/** The shared in-memory state behind any number of listeners (each with its own delay). */
export class FakeDynamoDbState {
  readonly tables = new Map<string, Table>();
  readonly conditions = new Map<string, Condition>();
  requests = 0;
  /** Requests by operation (PutItem, GetItem, …), since the start. */
  readonly byOperation: Record<string, number> = {};

  handle(target: string, input: Record<string, unknown>): Reply {
    this.requests++;
    const operation = target.split('.')[1] ?? '';
    this.byOperation[operation] = (this.byOperation[operation] ?? 0) + 1;
    try {
      switch (operation) {
        case 'PutItem':
          return this.putItem(input);
        case 'GetItem':
          return this.getItem(input);
        case 'CreateTable':
          return this.createTable(input);
        case 'DescribeTable':
          return this.describeTable(input);
        case 'DeleteTable':
          this.tables.delete(String(input['TableName']));
          return { status: 200, body: {} };
        case 'Scan':
          return this.scan(input);
        default:
          return error(400, 'UnknownOperationException', `The fake DynamoDB does not implement ${operation || target}`);
      }
    } catch (caught) {
      if (caught instanceof ExpressionError) return error(400, 'ValidationException', caught.message);
      throw caught;
    }
  }

  private table(input: Record<string, unknown>): Table | Reply {
    const table = this.tables.get(String(input['TableName']));
    return (
      table ??
      error(
        400,
        'ResourceNotFoundException',
        `Requested resource not found: Table: ${String(input['TableName'])} not found`,
      )
    );
  }

  private putItem(input: Record<string, unknown>): Reply {
    const table = this.table(input);
    if ('status' in table) return table;
    const item = input['Item'] as Item | undefined;
    const key = item?.[table.hashKey]?.S;
    if (item === undefined || key === undefined)
      return error(
        400,
        'ValidationException',
        `One or more parameter values were invalid: Missing the key ${table.hashKey} in the item`,
      );
    const stored = table.items.get(key);
    const expression = input['ConditionExpression'];
    if (typeof expression === 'string') {
      let condition = this.conditions.get(expression);
      if (condition === undefined) {
        condition = parseCondition(expression);
        this.conditions.set(expression, condition);
      }
      const context = {
        names: input['ExpressionAttributeNames'] as Record<string, string> | undefined,
        values: input['ExpressionAttributeValues'] as Record<string, AttributeValue> | undefined,
      };
      if (!evaluateCondition(condition, stored, context)) {
        const returned = input['ReturnValuesOnConditionCheckFailure'] === 'ALL_OLD' && stored ? { Item: stored } : {};
        return error(400, 'ConditionalCheckFailedException', 'The conditional request failed', returned);
      }
    }
    table.items.set(key, item);
    return { status: 200, body: input['ReturnValues'] === 'ALL_OLD' && stored ? { Attributes: stored } : {} };
  }

  private getItem(input: Record<string, unknown>): Reply {
    const table = this.table(input);
    if ('status' in table) return table;
    const key = (input['Key'] as Item | undefined)?.[table.hashKey]?.S;
    const item = key === undefined ? undefined : table.items.get(key);
    return { status: 200, body: item ? { Item: item } : {} };
  }

  private createTable(input: Record<string, unknown>): Reply {
    const name = String(input['TableName']);
    if (this.tables.has(name)) return error(400, 'ResourceInUseException', `Table already exists: ${name}`);
    const schema = input['KeySchema'] as { AttributeName: string; KeyType: string }[] | undefined;
    const hashKey = schema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
    if (hashKey === undefined) return error(400, 'ValidationException', 'KeySchema needs a HASH key');
    this.tables.set(name, { hashKey, items: new Map() });
    return { status: 200, body: { TableDescription: this.description(name) } };
  }

  private describeTable(input: Record<string, unknown>): Reply {
    const table = this.table(input);
    if ('status' in table) return table;
    return { status: 200, body: { Table: this.description(String(input['TableName'])) } };
  }

  private scan(input: Record<string, unknown>): Reply {
    const table = this.table(input);
    if ('status' in table) return table;
    const count = table.items.size;
    return {
      status: 200,
      body:
        input['Select'] === 'COUNT'
          ? { Count: count, ScannedCount: count }
          : { Items: [...table.items.values()], Count: count, ScannedCount: count },
    };
  }

  private description(name: string): object {
    const table = this.tables.get(name);
    return {
      TableName: name,
      TableStatus: 'ACTIVE',
      KeySchema: [{ AttributeName: table?.hashKey, KeyType: 'HASH' }],
      ItemCount: table?.items.size ?? 0,
      TableArn: `arn:aws:dynamodb:us-east-1:000000000000:table/${name}`,
    };
  }
}

/** Starts one listener on 127.0.0.1 (port 0 = any free port) over the given state. */
export async function startFakeDynamoDb(
  state: FakeDynamoDbState,
  options: FakeDynamoDbOptions,
  port = 0,
): Promise<{ server: Server; url: string }> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void readText(request).then((text) => {
      let reply: Reply;
      try {
        reply = state.handle(
          String(request.headers['x-amz-target'] ?? ''),
          text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
        );
      } catch (caught) {
        reply = error(500, 'InternalServerError', caught instanceof Error ? caught.message : String(caught));
      }
      const payload = JSON.stringify(reply.body);
      const send = (): void => {
        response.writeHead(reply.status, {
          'content-type': 'application/x-amz-json-1.0',
          'content-length': Buffer.byteLength(payload),
          'x-amzn-requestid': String(state.requests),
        });
        response.end(payload);
      };
      if (options.delayMs > 0) setTimeout(send, options.delayMs);
      else send();
    });
  });
  // DynamoDB keeps idle connections open for minutes; so must the stand-in, or keep-alive is moot.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 121_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
