import { resetEmulator, uniqueResourceNames } from '../../../testkit/src/integration';
import { createSqsClient, lookUpConsumeQueue, provisionResources, ResourceMissingError } from '../../src';

// The consumer's start-up lookup against the emulator: the redrive policy as the emulator (and
// provisioning) writes it must give back the maxReceiveCount that paces a message's last receive.

const sqs = createSqsClient();

beforeAll(async () => {
  await resetEmulator();
});

afterAll(() => {
  sqs.destroy();
});

describe('lookUpConsumeQueue on the emulator', () => {
  it('finds a provisioned queue: its URL, visibility timeout and maxReceiveCount', async () => {
    const resources = await provisionResources({
      names: uniqueResourceNames('consume-lookup'),
      visibilityTimeoutSeconds: 7,
      maxReceiveCount: 4,
    });
    await expect(lookUpConsumeQueue(sqs, resources.names.queueName)).resolves.toEqual({
      queueUrl: resources.queueUrl,
      visibilityTimeoutSeconds: 7,
      maxReceiveCount: 4,
    });
    // The DLQ has no redrive policy of its own: no receive of it is "the last".
    await expect(lookUpConsumeQueue(sqs, resources.names.dlqName)).resolves.not.toHaveProperty('maxReceiveCount');
  });

  it('names a queue that does not exist', async () => {
    await expect(lookUpConsumeQueue(sqs, 'NoSuchQueue-consume')).rejects.toThrow(ResourceMissingError);
  });
});
