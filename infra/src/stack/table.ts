import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { ResourceNames } from '../naming';

/**
 * The `Orders` table, keyed by `orderId`.
 *
 * Like every resource of the stack, it is created directly in `scope` (the stack), not inside a
 * construct of its own: a construct in between would change every logical id, and CloudFormation
 * would replace the table and the queues (orders and messages included) on the next deployment.
 */
export function createOrdersTable(scope: Construct, names: ResourceNames): dynamodb.Table {
  // Encryption: the AWS managed key aws/dynamodb (not the default AWS owned key) so every use of
  // the key shows up in CloudTrail, with no key policy to maintain and no monthly key fee.
  // Callers in the account need no kms: permission: the managed key's policy admits them when
  // they go through DynamoDB.
  return new dynamodb.Table(scope, 'Orders', {
    tableName: names.table,
    partitionKey: { name: 'orderId', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    // Orders outlive the stack: deleting the stack leaves the table; deleting the table by hand
    // requires turning deletion protection off first.
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
  });
}
