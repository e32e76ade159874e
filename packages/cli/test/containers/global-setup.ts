import integrationGlobalSetup from '../../../testkit/src/integration/global-setup';
import { CONSUMER_IMAGE, docker } from './docker-cli';

/**
 * Jest globalSetup for the `containers` project (`pnpm test:containers`). What it needs is checked
 * first, and a missing piece fails the run with one sentence naming it and how to get it — never a
 * pass, never a skip: a container engine that answers, and the consumer image. Then the emulator
 * is chosen exactly as the integration project chooses it (AWS_ENDPOINT_URL, LocalStack, a moto
 * container, a moto process); the consumer container reaches it on the host's loopback
 * (`--network host`), so the traffic stays on this machine.
 */
export default async function globalSetup(): Promise<void> {
  const engine = await docker(['version', '--format', '{{.Server.Version}}'], 15_000);
  if (engine.code !== 0) {
    throw new Error(
      `The container tests need a container engine, and none answers (docker version: ${firstLine(engine.stderr)}). ` +
        'Start dockerd (CI: scripts/containers/engine.sh), then run pnpm test:containers again.',
    );
  }
  const image = await docker(['image', 'inspect', '--format', '{{.Id}}', CONSUMER_IMAGE], 15_000);
  if (image.code !== 0) {
    throw new Error(
      `The container tests exercise the consumer image ${CONSUMER_IMAGE}, which is not present (${firstLine(image.stderr)}). ` +
        'Build it with scripts/containers/build-consumer-image.sh (BASE_IMAGE=orders-local/node:24 where no registry ' +
        'is reachable), or point ORDERS_CONSUMER_IMAGE at an image that exists.',
    );
  }
  process.stdout.write(`\n[containers] engine ${engine.stdout.trim()}, image ${CONSUMER_IMAGE}\n`);
  await integrationGlobalSetup();
}

const firstLine = (text: string): string => text.trim().split('\n')[0] || 'no output';
