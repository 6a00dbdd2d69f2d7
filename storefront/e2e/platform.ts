/**
 * The whole platform for one browser test file, in the file's testkit namespace (topics, database, Redis keys), with
 * its log in the stack's logs folder: the same `startPlatform` that `streamshop up` runs, seeded with the demo
 * catalog, the gateway on a free port serving the built storefront.
 */
import { join } from 'node:path';
import { type Platform, startPlatform } from '@streamshop/cli/platform';
import type { Config } from '@streamshop/config';
import { stackPaths } from '@streamshop/stack';
import type { Namespace } from '@streamshop/testkit';
import { pino } from 'pino';

/** `config` defaults to the namespace's; pass another to point a provider at a recording proxy. */
export async function startE2ePlatform(ns: Namespace, config: Config = ns.config): Promise<Platform> {
  const logFile = join(stackPaths(ns.config.stack.dir).logs, `e2e-${ns.id}.log`);
  const logger = pino({ level: 'info' }, pino.destination({ dest: logFile, mkdir: true, sync: false }));
  process.stdout.write(`[e2e] platform log: ${logFile}\n`);
  return startPlatform(config, {
    prefix: ns.topicPrefix,
    database: ns.database,
    redisPrefix: ns.redisPrefix,
    logger,
    seed: true,
    port: 0,
  });
}
