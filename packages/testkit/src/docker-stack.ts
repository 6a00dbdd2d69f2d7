/**
 * The integration stack from upstream images, for machines with a Docker engine: testcontainers runs
 * infra/docker-compose.yml (the same file `STREAMSHOP_STACK=docker streamshop stack up` uses) and waits for every
 * service's healthcheck. Ports are fixed in the compose file to the native stack's, so tests need no other config.
 */
import { join } from 'node:path';
import { repoRoot } from '@streamshop/stack';

export async function startDockerStack(): Promise<() => Promise<void>> {
  // Imported lazily: only machines that use Docker need testcontainers loaded.
  const { DockerComposeEnvironment, Wait } = await import('testcontainers');
  const env = await new DockerComposeEnvironment(join(repoRoot(), 'infra'), 'docker-compose.yml')
    .withProjectName('streamshop-test')
    .withWaitStrategy('kafka-1', Wait.forHealthCheck())
    .withWaitStrategy('registry-1', Wait.forHealthCheck())
    .withWaitStrategy('mongodb-1', Wait.forHealthCheck())
    .withWaitStrategy('redis-1', Wait.forHealthCheck())
    .withWaitStrategy('mailpit-1', Wait.forHealthCheck())
    .up();
  return async () => {
    await env.down({ removeVolumes: true });
  };
}
