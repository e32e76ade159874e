import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// What the consumer image promises, read from its Dockerfile and .dockerignore (the container
// project, pnpm test:containers, checks the built image itself): no network at build time, a
// numeric non-root user, SIGTERM, and a stop timeout that ends before Docker's 10 s grace period.

const CLI = join(__dirname, '..', '..');
const dockerfile = readFileSync(join(CLI, 'container', 'Dockerfile'), 'utf8');
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));
const DOCKER_STOP_GRACE_SECONDS = 10;
/** How the Dockerfile names its base: a build argument, written as Docker reads it. */
const BASE = '$' + '{BASE_IMAGE}';
/** queue-consumer.ts bounds the hand-back after the stop timeout at 2 s. */
const HAND_BACK_SECONDS = 2;
/** consume-command.ts gives a stop a signal asked for 1 s to export its last spans (tracing on). */
const LAST_SPANS_SECONDS = 1;

describe('the consumer image’s Dockerfile', () => {
  it('builds from BASE_IMAGE (the public Node 24 image by default) in two stages, with no frontend to pull', () => {
    expect(dockerfile).not.toMatch(/^# *syntax=/m);
    expect(instructions[0]).toBe('ARG BASE_IMAGE=node:24-bookworm-slim');
    expect(instructions.filter((line) => line.startsWith('FROM '))).toEqual([
      `FROM ${BASE} AS checked`,
      `FROM ${BASE}`,
    ]);
    expect(instructions.some((line) => /^RUN .*(apt-get|npm|pnpm|curl|wget)/.test(line))).toBe(false);
  });

  it('copies the bundle alone into the final stage, and runs it as a numeric non-root user on SIGTERM', () => {
    const final = instructions.slice(instructions.lastIndexOf(`FROM ${BASE}`));
    expect(final.filter((line) => /^(COPY|ADD) /.test(line))).toEqual([
      'COPY --from=checked /opt/orders/orders.cjs /opt/orders/orders.cjs',
    ]);
    const user = final.find((line) => line.startsWith('USER '));
    expect(user).toMatch(/^USER [1-9]\d*:[1-9]\d*$/);
    expect(final).toContain('STOPSIGNAL SIGTERM');
  });

  it('stops within Docker’s grace period by default: its stop timeout, the hand-back and the last spans', () => {
    const entrypoint = instructions.find((line) => line.startsWith('ENTRYPOINT '));
    const args = JSON.parse(entrypoint!.slice('ENTRYPOINT '.length)) as string[];
    expect(args.slice(0, 3)).toEqual(['node', '/opt/orders/orders.cjs', 'consume']);
    const stopTimeout = Number(args[args.indexOf('--stop-timeout') + 1]);
    expect(stopTimeout + HAND_BACK_SECONDS + LAST_SPANS_SECONDS).toBeLessThan(DOCKER_STOP_GRACE_SECONDS);
  });

  it('sends the bundle alone as the build context', () => {
    const ignore = readFileSync(join(CLI, '.dockerignore'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'));
    expect(ignore).toEqual(['*', '!dist/container/orders.cjs']);
  });
});
