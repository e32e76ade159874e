import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';

export interface ConsumerNetwork {
  readonly vpc: ec2.Vpc;
  /** The tasks' only security group: no inbound rule (the consumer serves nothing), all outbound. */
  readonly securityGroup: ec2.SecurityGroup;
}

/**
 * A VPC of its own, so that synth needs no lookup (offline, no account): two public subnets in two
 * AZs, tasks with a public IP and no inbound rule, no NAT gateway (about $33 a month each, for
 * traffic that only goes to AWS APIs). DynamoDB traffic stays on AWS's network through a gateway
 * endpoint, which is free; SQS, CloudWatch Logs and the image registry are reached over the
 * internet gateway, on TLS. A team with a VPC of its own (private subnets behind NAT or interface
 * endpoints) replaces this construct; nothing else depends on how the network is built.
 */
export function createConsumerNetwork(scope: Construct): ConsumerNetwork {
  const vpc = new ec2.Vpc(scope, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }],
  });
  vpc.addGatewayEndpoint('DynamoDbEndpoint', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB });
  const securityGroup = new ec2.SecurityGroup(scope, 'TaskSecurityGroup', {
    vpc,
    description: 'orders consume tasks: no inbound, outbound to AWS APIs',
    allowAllOutbound: true,
  });
  return { vpc, securityGroup };
}
