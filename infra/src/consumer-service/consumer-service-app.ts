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
 * With the service on, the function's event source mapping is created disabled: the service is
 * then OrderQueue's one consumer, scaled on the queue's depth, rather than racing the function for
 * its messages (both would store every order correctly, but the service's depth-based scaling
 * would rarely see a queue the function drains). The function stays deployed: turning the service
 * off (and redeploying) hands the queue back to it.
 */
export function addConsumerService(
  app: App,
  main: OrderProcessingStack,
  mainProps: OrderProcessingStackProps,
): ConsumerServiceStack | undefined {
  const options = consumerServiceFromContext((key) => app.node.tryGetContext(key));
  if (options === undefined) return undefined;
  const names = consumerServiceNames(mainProps.naming);
  const consumer = new ConsumerServiceStack(app, names.stack, {
    stackName: names.stack,
    description: `Order processing: ${names.service} on ECS Fargate (orders consume) -> ${main.names.queue} -> DynamoDB ${main.names.table}, scaled on queue depth and age`,
    ...(mainProps.naming === undefined ? {} : { naming: mainProps.naming }),
    service: options,
    settings: resolveStackSettings(mainProps),
  });
  // Deploy order only (`cdk deploy --all`): no reference, so no export between the stacks.
  consumer.addStackDependency(main, 'the service consumes the queue and writes the table the main stack creates');
  disableFunctionEventSource(main);
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
