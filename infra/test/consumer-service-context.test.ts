import { contextFromArgs } from '../src/context';
import { consumerServiceFromContext } from '../src/consumer-service/consumer-service-context';
import { consumerServiceNames } from '../src/consumer-service/consumer-service-names';
import { ECR_IMAGE } from './consumer-service-support';

const from = (context: Record<string, unknown>) => consumerServiceFromContext((key) => context[key]);

describe('the consumer service context', () => {
  it('is off unless consumerService is set', () => {
    expect(from({})).toBeUndefined();
  });

  it('takes the image and applies the defaults, the function still consuming', () => {
    expect(from({ consumerService: 'fargate', consumerImage: ECR_IMAGE })).toEqual({
      service: { image: ECR_IMAGE, minTasks: 1, maxTasks: 10, cpu: 512, memoryMiB: 1024 },
      lambdaConsumer: 'on',
    });
    expect(
      from({
        consumerService: 'fargate',
        consumerImage: `registry.example.com/team/orders-consumer@sha256:${'a'.repeat(64)}`,
        consumerMinTasks: '0',
        consumerMaxTasks: 4,
        consumerCpu: '1024',
      }),
    ).toMatchObject({ service: { minTasks: 0, maxTasks: 4, cpu: 1024, memoryMiB: 2048 } });
  });

  it('turns the function off beside the service only when lambdaConsumer=off says so', () => {
    expect(from({ consumerService: 'fargate', consumerImage: ECR_IMAGE, lambdaConsumer: 'off' })).toMatchObject({
      lambdaConsumer: 'off',
    });
    expect(from({ consumerService: 'fargate', consumerImage: ECR_IMAGE, lambdaConsumer: ' on ' })).toMatchObject({
      lambdaConsumer: 'on',
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'a service key without the service',
      { consumerImage: ECR_IMAGE },
      "'consumerImage' configure(s) the consumer service, which is off",
    ],
    [
      'the function turned off without the service (nothing would consume OrderQueue)',
      { lambdaConsumer: 'off' },
      "Context 'lambdaConsumer=off' would leave OrderQueue with no consumer",
    ],
    [
      'the function said on without the service',
      { lambdaConsumer: 'on' },
      "'lambdaConsumer' configure(s) the consumer service, which is off",
    ],
    [
      'another word for the function',
      { consumerService: 'fargate', consumerImage: ECR_IMAGE, lambdaConsumer: 'false' },
      "Context 'lambdaConsumer' must be 'on' or 'off' (got 'false')",
    ],
    ['another kind of service', { consumerService: 'ec2', consumerImage: ECR_IMAGE }, "must be 'fargate' (got 'ec2')"],
    ['no image', { consumerService: 'fargate' }, "Context 'consumerImage' is required with consumerService=fargate"],
    [
      'an image without a tag',
      { consumerService: 'fargate', consumerImage: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders-consumer' },
      'with a registry and a tag or digest',
    ],
    [
      'an image without a registry',
      { consumerService: 'fargate', consumerImage: 'orders-consumer:1' },
      'with a registry and a tag or digest',
    ],
    [
      'more minimum than maximum tasks',
      { consumerService: 'fargate', consumerImage: ECR_IMAGE, consumerMinTasks: '5', consumerMaxTasks: '2' },
      "'consumerMinTasks' (5) must not exceed consumerMaxTasks (2)",
    ],
    [
      'no tasks at all',
      { consumerService: 'fargate', consumerImage: ECR_IMAGE, consumerMaxTasks: '0' },
      "'consumerMaxTasks' must be from 1 to 100",
    ],
    [
      'a fraction of a task',
      { consumerService: 'fargate', consumerImage: ECR_IMAGE, consumerMaxTasks: '2.5' },
      "'consumerMaxTasks' must be a whole number",
    ],
    [
      'a CPU size Fargate does not have',
      { consumerService: 'fargate', consumerImage: ECR_IMAGE, consumerCpu: '300' },
      "'consumerCpu' must be one of Fargate's",
    ],
    [
      'memory that does not fit the CPU',
      { consumerService: 'fargate', consumerImage: ECR_IMAGE, consumerCpu: '256', consumerMemoryMiB: '4096' },
      "'consumerMemoryMiB' 4096 is not a Fargate size for 256 CPU units",
    ],
  ])('refuses %s, naming the key', (_, context, message) => {
    expect(() => from(context)).toThrow(message);
  });

  it('is accepted on the command line of pnpm synth, beside the main stack’s keys', () => {
    expect(
      contextFromArgs([
        '-c',
        'consumerService=fargate',
        '-c',
        `consumerImage=${ECR_IMAGE}`,
        '-c',
        'lambdaConsumer=off',
        '-c',
        'batchSize=5',
      ]),
    ).toEqual({
      consumerService: 'fargate',
      consumerImage: ECR_IMAGE,
      lambdaConsumer: 'off',
      batchSize: '5',
    });
    expect(() => contextFromArgs(['-c', 'consumerServices=fargate'])).toThrow(
      /Unknown context key 'consumerServices'.*consumerService,/,
    );
  });

  it('names the service after the main stack’s prefix and suffix', () => {
    expect(consumerServiceNames()).toEqual({
      stack: 'OrderConsumerService',
      service: 'OrderConsumer',
      logGroup: '/ecs/OrderConsumer',
    });
    expect(consumerServiceNames({ prefix: 'dev-', suffix: '-2' })).toEqual({
      stack: 'dev-OrderConsumerService-2',
      service: 'dev-OrderConsumer-2',
      logGroup: '/ecs/dev-OrderConsumer-2',
    });
    expect(() => consumerServiceNames({ prefix: 'dev_' })).toThrow('invalid');
  });
});
