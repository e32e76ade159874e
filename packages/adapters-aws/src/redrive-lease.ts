import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { DeleteItemCommand, PutItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InfrastructureError, systemClock, type Clock } from '@orders/core';
import { createDynamoDbClient, type AwsClientOptions } from './aws-client-config';
import { toInfrastructureError } from './aws-error-translation';

/**
 * Mutual exclusion between redrives of one dead-letter queue. SQS has no compare-and-set on a
 * queue or a message (a message can even be handed to two concurrent receivers), so two redrives
 * that read the same DLQ at once can each send a copy of one message. A lease item, taken with one
 * conditional write, lets exactly one run read the DLQ at a time; the other refuses.
 */
export interface RedriveLease {
  /** Takes the lease, or throws {@link RedriveInProgressError} naming who holds it and until when. */
  acquire(): Promise<HeldRedriveLease>;
}

export interface HeldRedriveLease {
  /**
   * Whether the lease is certainly still ours for at least `marginMs` more, by this process's
   * clock. Renews it first when a third of its time has gone by. A run that is not sure it still
   * holds the lease must not read the DLQ again.
   */
  ensureHeld(marginMs: number): Promise<boolean>;
  /** Gives the lease up (the next run need not wait for it to expire). Never throws. */
  release(): Promise<void>;
}

/** Another run holds the lease: one sentence an operator can act on. */
export class RedriveInProgressError extends InfrastructureError {
  override readonly name = 'RedriveInProgressError';
  readonly holder: string | undefined;
  readonly expiresAt: number | undefined;

  constructor(queueName: string, holder: string | undefined, expiresAt: number | undefined) {
    const until = expiresAt === undefined ? '' : ` until ${new Date(expiresAt).toISOString()}`;
    super(
      'redrive_in_progress',
      `Another redrive of ${queueName} is running (lease held by ${holder ?? 'an unknown run'}${until}); ` +
        'wait for it to finish, or run again once its lease has expired.',
      { retryable: true },
    );
    this.holder = holder;
    this.expiresAt = expiresAt;
  }
}

export interface DynamoDbRedriveLeaseOptions {
  /** The table holding the lease item: the Orders table (see {@link redriveLeaseKey}). */
  readonly tableName: string;
  /** The DLQ the lease guards, by name (used in the key and in messages). */
  readonly queueName: string;
  readonly client?: DynamoDBClient;
  readonly clientOptions?: AwsClientOptions;
  /** How long a lease lasts without renewal: how long a crashed run blocks the next one. Default 120 s. */
  readonly durationMs?: number;
  /** Who this run is, as the refusal names it. Default `host pid <pid> <random>`. */
  readonly owner?: string;
  readonly clock?: Clock;
}

export const DEFAULT_REDRIVE_LEASE_MS = 120_000;

/**
 * The lease item's key. It shares the Orders table (no table of its own to provision), under a key
 * no order can have: it starts with a control character, which the order validation refuses in an
 * `orderId`. `countTableItems` leaves such items out.
 */
export const INTERNAL_KEY_PREFIX = '\u001forders-internal\u001f';
export const redriveLeaseKey = (queueName: string): string => `${INTERNAL_KEY_PREFIX}redrive-lease\u001f${queueName}`;

const LEASE_CONDITION = 'attribute_not_exists(#key) OR #owner = :owner OR #expiresAt < :now';

/**
 * The lease as one DynamoDB item, taken and renewed with conditional writes:
 * - acquire: put if absent, expired, or already ours (a retry after a lost answer finds its own
 *   write and succeeds);
 * - renew: the same put, while a third of the lease is left at most;
 * - release: delete if ours.
 * Failure modes: a run that crashes blocks the next one until its lease expires (`durationMs`);
 * expiry is judged by the clock of the run that wants the lease, so clocks apart by more than the
 * margins below could let two runs overlap; a run paused for longer than its lease (a suspended
 * laptop) finds `ensureHeld` false when it wakes and stops before its next receive.
 */
export class DynamoDbRedriveLease implements RedriveLease {
  private readonly client: DynamoDBClient;
  private readonly durationMs: number;
  private readonly owner: string;
  private readonly clock: Clock;
  private readonly key: string;

  constructor(private readonly options: DynamoDbRedriveLeaseOptions) {
    this.client = options.client ?? createDynamoDbClient(options.clientOptions);
    this.durationMs = options.durationMs ?? DEFAULT_REDRIVE_LEASE_MS;
    if (!Number.isInteger(this.durationMs) || this.durationMs < 1_000)
      throw new RangeError(`durationMs must be an integer of at least 1000, got ${this.durationMs}`);
    this.owner = options.owner ?? `${hostname()} pid ${process.pid} ${randomBytes(3).toString('hex')}`;
    this.clock = options.clock ?? systemClock;
    this.key = redriveLeaseKey(options.queueName);
  }

  async acquire(): Promise<HeldRedriveLease> {
    let heldUntil = await this.put();
    let releasing: Promise<void> | undefined;
    return {
      ensureHeld: async (marginMs) => {
        if (releasing !== undefined) return false;
        const now = this.clock.now();
        if (heldUntil - now < (this.durationMs * 2) / 3) {
          try {
            heldUntil = await this.put();
          } catch {
            // Not renewed: what is left of the current term still counts, and no more.
          }
        }
        return heldUntil - this.clock.now() > marginMs;
      },
      release: () => {
        releasing ??= this.delete();
        return releasing;
      },
    };
  }

  /** Writes the lease; returns until when it is certainly ours (counted from before the write). */
  private async put(): Promise<number> {
    const sentAt = this.clock.now();
    const expiresAt = sentAt + this.durationMs;
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.options.tableName,
          Item: {
            orderId: { S: this.key },
            leaseOwner: { S: this.owner },
            leaseExpiresAt: { N: String(expiresAt) },
            purpose: { S: `orders dlq redrive lease for ${this.options.queueName}` },
          },
          ConditionExpression: LEASE_CONDITION,
          ExpressionAttributeNames: { '#key': 'orderId', '#owner': 'leaseOwner', '#expiresAt': 'leaseExpiresAt' },
          ExpressionAttributeValues: { ':owner': { S: this.owner }, ':now': { N: String(sentAt) } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return expiresAt;
    } catch (error) {
      if ((error as { name?: unknown }).name === 'ConditionalCheckFailedException') {
        const held = (error as { Item?: Record<string, AttributeValue> }).Item;
        const until = Number(held?.leaseExpiresAt?.N);
        throw new RedriveInProgressError(
          this.options.queueName,
          held?.leaseOwner?.S,
          Number.isFinite(until) ? until : undefined,
        );
      }
      throw toInfrastructureError(error, {
        service: 'DynamoDB',
        operation: 'PutItem',
        resource: { type: 'DynamoDB table', name: this.options.tableName },
      });
    }
  }

  private async delete(): Promise<void> {
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.options.tableName,
          Key: { orderId: { S: this.key } },
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'leaseOwner' },
          ExpressionAttributeValues: { ':owner': { S: this.owner } },
        }),
      );
    } catch {
      // Gone already (a retry after a lost answer), taken over, or unreachable: it expires anyway.
    }
  }
}
