export interface StartedLocalStack {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/**
 * Pinned: LocalStack images from March 2026 on are one image that requires an auth token. A
 * token in LOCALSTACK_AUTH_TOKEN is passed through, and LOCALSTACK_IMAGE overrides the image.
 */
export const DEFAULT_LOCALSTACK_IMAGE = 'localstack/localstack:4.4';

/**
 * Throws when no container runtime answers. testcontainers is imported here, lazily, so a
 * machine without Docker pays half a second for the check instead of loading it up front.
 */
export async function assertContainerRuntime(): Promise<void> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  await getContainerRuntimeClient();
}

export async function startLocalStack(
  image: string = DEFAULT_LOCALSTACK_IMAGE,
  env: NodeJS.ProcessEnv = process.env,
): Promise<StartedLocalStack> {
  await assertContainerRuntime();
  const { LocalstackContainer } = await import('@testcontainers/localstack');
  const token = env['LOCALSTACK_AUTH_TOKEN'];
  const container = await new LocalstackContainer(image)
    .withEnvironment({ SERVICES: 'dynamodb,sqs,sns', ...(token ? { LOCALSTACK_AUTH_TOKEN: token } : {}) })
    .start();
  return {
    endpoint: container.getConnectionUri(),
    stop: async () => {
      await container.stop();
    },
  };
}
