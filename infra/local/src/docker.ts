/**
 * `STREAMSHOP_STACK=docker`: the same servers from upstream images through `infra/docker-compose.yml`, for machines
 * with a Docker engine (GitHub Actions, a laptop). The ports are the same as the native stack's, so clients and
 * tests are configured identically.
 */
import { join } from 'node:path';
import type { StackContext } from './component.ts';
import { requireTool } from './prerequisites.ts';
import { run, step } from './steps.ts';

function composeEnv(ctx: StackContext): Record<string, string> {
  const p = ctx.config.stack.ports;
  return {
    STREAMSHOP_KAFKA_PORT: String(p.kafka),
    STREAMSHOP_MONGO_PORT: String(p.mongodb),
    STREAMSHOP_REDIS_PORT: String(p.redis),
    STREAMSHOP_REGISTRY_PORT: String(p.registry),
    STREAMSHOP_STRIPE_MOCK_PORT: String(p.stripeMock),
    STREAMSHOP_MAILPIT_SMTP_PORT: String(p.mailpitSmtp),
    STREAMSHOP_MAILPIT_HTTP_PORT: String(p.mailpitHttp),
  };
}

export async function dockerUp(ctx: StackContext): Promise<void> {
  requireTool('docker', 'STREAMSHOP_STACK=docker');
  const file = join(ctx.paths.root, 'infra', 'docker-compose.yml');
  await step(ctx.say, 'docker', 'docker compose up --wait', () =>
    run('docker', ['compose', '-f', file, '-p', 'streamshop', 'up', '-d', '--wait'], {
      cwd: ctx.paths.root,
      logFile: join(ctx.paths.logs, 'docker.log'),
      env: composeEnv(ctx),
    }),
  );
}

export async function dockerDown(ctx: StackContext): Promise<void> {
  requireTool('docker', 'STREAMSHOP_STACK=docker');
  const file = join(ctx.paths.root, 'infra', 'docker-compose.yml');
  await step(ctx.say, 'docker', 'docker compose down', () =>
    run('docker', ['compose', '-f', file, '-p', 'streamshop', 'down', '-v'], {
      cwd: ctx.paths.root,
      logFile: join(ctx.paths.logs, 'docker.log'),
      env: composeEnv(ctx),
    }),
  );
}
