/** Redis from Debian's `redis-server` (installed with apt-get when missing), in memory only: no RDB, no AOF. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Component } from '../component.ts';
import { ensureDebianPackage, onPath } from '../prerequisites.ts';
import { startDetached } from '../processes.ts';

export const redis: Component = {
  name: 'redis',
  origin: "Debian's redis-server package, no persistence",
  startTimeoutMs: 20_000,
  port: (ctx) => ctx.config.stack.ports.redis,
  url: (ctx) => ctx.config.redis.url,
  managed: () => true,

  async prepare(ctx) {
    await ensureDebianPackage(ctx.say, 'redis-server', 'redis-server', join(ctx.paths.logs, 'redis-build.log'));
  },

  async start(ctx) {
    const dir = join(ctx.paths.data, 'redis');
    mkdirSync(dir, { recursive: true });
    return startDetached({
      name: 'redis',
      command: onPath('redis-server') ?? '/usr/bin/redis-server',
      args: [
        '--port',
        String(ctx.config.stack.ports.redis),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--daemonize',
        'no',
      ],
      cwd: dir,
      // redis-server rewrites its process title to `redis-server 127.0.0.1:<port>`: match what survives that.
      marker: `redis-server ${ctx.config.stack.ports.redis}`,
      runDir: ctx.paths.run,
      logDir: ctx.paths.logs,
    }).pid;
  },

  async probe(ctx) {
    const client = new Redis(ctx.config.redis.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: 2000,
    });
    client.on('error', () => {}); // the awaited calls below report failures; no unhandled-event noise
    try {
      await client.connect();
      if ((await client.ping()) !== 'PONG') throw new Error('PING did not answer PONG');
      const info = await client.info('server');
      return { healthy: true, version: /redis_version:(\S+)/.exec(info)?.[1] };
    } finally {
      client.disconnect();
    }
  },
};
