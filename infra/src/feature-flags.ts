/**
 * CDK feature flags, pinned in code instead of `cdk.json` so that every way of synthesizing this
 * app (`pnpm synth`, the tests, `cdk deploy`) uses exactly the same flags. They are passed as
 * `postCliContext`, so a `cdk.json` or `-c` cannot silently change them.
 *
 * Only flags that touch resources this app creates are listed (values = the aws-cdk-lib 2.276
 * recommendations). Upgrading aws-cdk-lib never changes them implicitly: review the template diff
 * (`pnpm synth` + `cdk diff`) before turning on a new one.
 */
export const FEATURE_FLAGS: Readonly<Record<string, unknown>> = {
  // Merge IAM statements that share actions/resources: smaller, easier to review policies.
  '@aws-cdk/aws-iam:minimizePolicies': true,
  // ARNs get literal partitions where the partition is known.
  '@aws-cdk/core:enablePartitionLiterals': true,
  // Partitions used in lookup tables of environment-agnostic stacks.
  '@aws-cdk/core:target-partitions': ['aws', 'aws-cn'],
  // Refuse to put SecretValues in unsafe places.
  '@aws-cdk/core:checkSecretUsage': true,
  // Should a queue ever get a customer-managed KMS key, scope the SNS decrypt grant to the topic.
  '@aws-cdk/aws-sns-subscriptions:restrictSqsDescryption': true,
  // Error on SNAPSHOT removal policies on resources that do not support them.
  '@aws-cdk/core:validateSnapshotRemovalPolicy': true,
  // Stack tags must be set on the Stack explicitly (no surprise tag propagation).
  '@aws-cdk/core:explicitStackTags': true,
};
