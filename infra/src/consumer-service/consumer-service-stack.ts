import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { NamingOptions, ResourceNames } from '../naming';
import { resourceNames } from '../naming';
import type { StackSettings } from '../stack/settings';
import { type ConsumerAlarms, createConsumerAlarms } from './consumer-alarms';
import { createConsumerNetwork } from './consumer-network';
import { type ConsumerScaling, scaleConsumerService } from './consumer-scaling';
import type { ConsumerServiceOptions } from './consumer-service-context';
import { type ConsumerServiceNames, consumerServiceNames } from './consumer-service-names';
import { createConsumerTask, TASK_STOP_TIMEOUT } from './consumer-task';

export interface ConsumerServiceStackProps extends StackProps {
  /** The main stack's prefix/suffix: the service consumes that copy's queue and table. */
  readonly naming?: NamingOptions;
  readonly service: ConsumerServiceOptions;
  /** The main stack's resolved settings: the pacing, the log retention and the alarm thresholds it runs with. */
  readonly settings: Pick<StackSettings, 'alarms' | 'retry' | 'function'>;
}

/**
 * `orders consume` on ECS Fargate, scaled on OrderQueue's depth and oldest-message age: the
 * long-running consumer as a container service, for teams that run containers rather than Lambda.
 *
 * A stack of its own beside the OrderProcessing stack, built only with `-c consumerService=fargate`
 * (context.ts). It reaches the queue and the table by their physical names (naming.ts), not by
 * CloudFormation exports: the main stack can be changed or replaced without this stack pinning its
 * resources, and deploying the service needs nothing but the names. The main stack must be
 * deployed first (the app declares the dependency, so `cdk deploy --all` orders them).
 *
 * Why not aws-ecs-patterns' QueueProcessingFargateService: it scales on visible messages and CPU
 * only, and creates its scalable target internally, so a policy on the oldest message's age cannot
 * be added beside it; it also names its own log group without retention and grants through the
 * queue construct. The same pieces here, built directly (ScalableTaskCount, step and target
 * tracking policies), with the age policy, an idle-queue scale-in, a role limited to what the
 * consumer calls and a log group with retention.
 */
export class ConsumerServiceStack extends Stack {
  readonly names: ResourceNames;
  readonly consumerNames: ConsumerServiceNames;
  readonly cluster: ecs.Cluster;
  readonly service: ecs.FargateService;
  readonly scaling: ConsumerScaling;
  readonly alarms: ConsumerAlarms;

  constructor(scope: Construct, id: string, props: ConsumerServiceStackProps) {
    super(scope, id, props);
    this.names = resourceNames(props.naming);
    this.consumerNames = consumerServiceNames(props.naming);
    const { settings, service: options } = props;
    const queue = sqs.Queue.fromQueueAttributes(this, 'OrderQueue', {
      queueArn: this.formatArn({ service: 'sqs', resource: this.names.queue }),
      queueName: this.names.queue,
    });

    const network = createConsumerNetwork(this);
    this.cluster = new ecs.Cluster(this, 'Cluster', { vpc: network.vpc, clusterName: this.consumerNames.service });
    const task = createConsumerTask(this, { names: this.names, consumerNames: this.consumerNames }, options, {
      retryPacing: settings.retry.pacing,
      logRetention: settings.function.logRetention,
    });
    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      serviceName: this.consumerNames.service,
      taskDefinition: task.taskDefinition,
      // No desiredCount: the scaling policies own the count, and a deploy must not reset it.
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      // A deploy whose tasks cannot start rolls back rather than leaving no consumer.
      circuitBreaker: { rollback: true },
      assignPublicIp: true,
      vpcSubnets: { subnets: network.vpc.publicSubnets },
      securityGroups: [network.securityGroup],
      enableExecuteCommand: false,
      propagateTags: ecs.PropagatedTagSource.SERVICE,
    });
    this.scaling = scaleConsumerService(this.service, queue, {
      minTasks: options.minTasks,
      maxTasks: options.maxTasks,
      oldestMessageAgeAlarmSeconds: settings.alarms.oldestMessageAgeThreshold.toSeconds(),
    });
    this.alarms = createConsumerAlarms(
      this,
      { names: this.names, consumerNames: this.consumerNames, queue, service: this.service, logGroup: task.logGroup },
      {
        transientFailureThreshold: settings.alarms.transientFailureThreshold,
        survivableOutageSeconds: settings.retry.survivableOutageSeconds,
        topicArn: settings.alarms.topicArn,
        runbookUrl: settings.alarms.runbookUrl,
      },
    );

    new CfnOutput(this, 'ClusterName', { value: this.cluster.clusterName, description: 'ECS cluster of the consumer' });
    new CfnOutput(this, 'ServiceName', {
      value: this.service.serviceName,
      description: 'ECS service running orders consume',
    });
    new CfnOutput(this, 'LogGroupName', {
      value: task.logGroup.logGroupName,
      description: 'Log group of the consumer tasks',
    });
    new CfnOutput(this, 'StopTimeoutSeconds', {
      value: String(TASK_STOP_TIMEOUT.toSeconds()),
      description: 'Seconds ECS waits after SIGTERM before SIGKILL',
    });
  }
}
