import type { App } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { OrderProcessingStack, OrderProcessingStackProps } from '../order-processing-stack';
import { resolveStackSettings } from '../stack/settings';
import { consumerServiceFromContext } from './consumer-service-context';
import { consumerServiceNames } from './consumer-service-names';
import { ConsumerServiceStack } from './consumer-service-stack';

/**
 * Adds the consumer service's stack to the app when the context asks for it (`-c
 * consumerService=fargate`); otherwise nothing, and the app is exactly the OrderProcessing stack.
 *
 * The function keeps consuming beside the service unless `-c lambdaConsumer=off` says otherwise.
 * `cdk deploy --all` deploys the main stack first: disabling the mapping in the same deploy would
 * leave OrderQueue with no consumer at all if the service's stack then failed and rolled back (a
 * bad image URI, the circuit breaker, a quota). Two consumers are harmless (SQS hands a message to
 * one at a time, and the ordering rule's conditional write leaves the same item whichever stores
 * it), so the service is deployed beside the function, and a later deploy, once the service runs,
 * turns the mapping off: the service is then the queue's one consumer, and its depth-based scaling
 * sees a queue the function no longer drains. The mapping is kept, only disabled: deploying without
 * `lambdaConsumer=off` hands the queue back to it.
 */
export function addConsumerService(
  app: App,
  main: OrderProcessingStack,
  mainProps: OrderProcessingStackProps,
): ConsumerServiceStack | undefined {
  const context = consumerServiceFromContext((key) => app.node.tryGetContext(key));
  if (context === undefined) return undefined;
  const names = consumerServiceNames(mainProps.naming);
  const consumer = new ConsumerServiceStack(app, names.stack, {
    stackName: names.stack,
    description: `Order processing: ${names.service} on ECS Fargate (orders consume) -> ${main.names.queue} -> DynamoDB ${main.names.table}, scaled on queue depth and age`,
    ...(mainProps.naming === undefined ? {} : { naming: mainProps.naming }),
    service: context.service,
    settings: resolveStackSettings(mainProps),
  });
  // Deploy order only (`cdk deploy --all`): no reference, so no export between the stacks.
  consumer.addStackDependency(main, 'the service consumes the queue and writes the table the main stack creates');
  if (context.lambdaConsumer === 'off') disableFunctionEventSource(main);
  return consumer;
}

/** Sets the function's SQS event source mapping to Enabled: false (it is kept, ready to enable again). */
function disableFunctionEventSource(main: OrderProcessingStack): void {
  const mappings = main.function.node
    .findAll()
    .filter((c): c is lambda.CfnEventSourceMapping => c instanceof lambda.CfnEventSourceMapping);
  if (mappings.length !== 1) {
    throw new Error(`Expected one event source mapping on ${main.names.function}, found ${mappings.length}.`);
  }
  mappings[0]!.enabled = false;
}
