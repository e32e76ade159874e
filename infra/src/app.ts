import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { addConsumerService } from './consumer-service/consumer-service-app';
import type { ConsumerServiceStack } from './consumer-service/consumer-service-stack';
import { propsFromContext } from './context';
import { FEATURE_FLAGS } from './feature-flags';
import { resourceNames } from './naming';
import { OrderProcessingStack } from './order-processing-stack';

export const DEFAULT_OUTDIR = path.resolve(__dirname, '..', 'cdk.out');

export interface CreateAppOptions {
  /** Cloud assembly directory. @default $CDK_OUTDIR (set by the cdk CLI), else infra/cdk.out */
  readonly outdir?: string;
  /** Context values (lowest precedence: the cdk CLI's CDK_CONTEXT_JSON overrides them). */
  readonly context?: Record<string, unknown>;
  /** Bundle directory. @default packages/lambda-entry/dist */
  readonly bundleDirectory?: string;
}

/**
 * The one way this app is assembled, used by `src/main.ts` (pnpm synth, cdk deploy) and the tests.
 *
 * The stack is environment-agnostic (no account/region at synth time): the template works in any
 * account/region, `pnpm synth` needs no credentials, and the cdk CLI deploys it to the account and
 * region of the credentials it runs with. Analytics reporting (the AWS::CDK::Metadata resource) is
 * off: nothing in the template phones home, and it is one resource less to review.
 */
export function createApp(options: CreateAppOptions = {}): {
  app: App;
  stack: OrderProcessingStack;
  /** The optional consumer service (`-c consumerService=fargate`); undefined by default. */
  consumerService: ConsumerServiceStack | undefined;
} {
  const app = new App({
    outdir: options.outdir ?? process.env.CDK_OUTDIR ?? DEFAULT_OUTDIR,
    context: options.context,
    postCliContext: FEATURE_FLAGS,
    analyticsReporting: false,
  });
  const props = propsFromContext((key) => app.node.tryGetContext(key));
  const names = resourceNames(props.naming);
  const stackProps = {
    ...props,
    stackName: names.stack,
    description: `Order processing: SNS ${names.topic} -> SQS ${names.queue} (DLQ ${names.deadLetterQueue}) -> Lambda ${names.function} -> DynamoDB ${names.table}`,
    bundleDirectory: options.bundleDirectory,
  };
  const stack = new OrderProcessingStack(app, names.stack, stackProps);
  const consumerService = addConsumerService(app, stack, stackProps);
  return { app, stack, consumerService };
}
