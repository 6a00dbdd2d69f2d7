/**
 * `streamshop fuzz`: Schemathesis against a running gateway (by default `npm start`'s), as a shopper and as an admin,
 * with the checks CI runs (schemathesis.ts). Exits non-zero with Schemathesis' report when it finds anything.
 */
import { loadConfig } from '@streamshop/config';
import { StepError } from '@streamshop/stack';
import { Command, InvalidArgumentError } from 'commander';
import { devTokens, ensureSchemathesis, FUZZ_CHECKS, fuzzGateway, SCHEMATHESIS_VERSION } from './schemathesis.ts';

const positive = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
};

interface FuzzCommandOptions {
  url?: string;
  maxExamples: number;
  seed?: number;
  rateLimit?: string;
  shopperToken?: string;
  adminToken?: string;
}

export function fuzzCommand(): Command {
  return new Command('fuzz')
    .description(
      `Run Schemathesis ${SCHEMATHESIS_VERSION} against the gateway's /openapi.json as a shopper and as an admin (installed into .stack/tools on first use)`,
    )
    .option('--url <url>', 'the gateway (default: http://127.0.0.1:$GATEWAY_PORT, as `streamshop up` serves it)')
    .option('--max-examples <n>', 'test cases per operation and phase', positive, 20)
    .option('--seed <n>', 'reproduce a run (each run prints its seed)', positive)
    .option('--rate-limit <rate>', "pace requests under the gateway's limiter, e.g. 500/m")
    .option('--shopper-token <jwt>', "a shopper's session token (default: the dev sign-in's demo shopper)")
    .option('--admin-token <jwt>', "an admin's session token (default: the dev sign-in's demo admin)")
    .addHelpText(
      'after',
      `
Checks: ${FUZZ_CHECKS.join(', ')}. Provider webhooks are not fuzzed (they answer only to provider signatures).
Reports: .stack/logs/schemathesis/<role>.junit.xml. A failure prints a curl line per problem and the seed.

Examples:
  $ streamshop fuzz                          against \`npm start\`'s gateway, dev sign-in tokens
  $ streamshop fuzz --seed 1234 --max-examples 100
  $ streamshop fuzz --url https://staging.example.com --shopper-token … --admin-token …`,
    )
    .action(async (opts: FuzzCommandOptions) => {
      const config = loadConfig();
      const say = (line: string) => console.log(line);
      const url = (opts.url ?? `http://127.0.0.1:${config.gateway.port}`).replace(/\/+$/, '');
      const st = await ensureSchemathesis(config, say);
      const tokens =
        opts.shopperToken && opts.adminToken
          ? { shopper: opts.shopperToken, admin: opts.adminToken }
          : { ...(await devTokens(url)), ...withoutUndefined({ shopper: opts.shopperToken, admin: opts.adminToken }) };
      const runs = await fuzzGateway(st, config, {
        url,
        tokens,
        maxExamples: opts.maxExamples,
        say,
        ...withoutUndefined({ seed: opts.seed, rateLimit: opts.rateLimit }),
      });
      const failed = runs.filter((r) => r.exitCode !== 0);
      for (const run of failed) console.log(`\n── ${run.role} ──\n${run.output}`);
      if (failed.length > 0) {
        throw new StepError(
          `Schemathesis found problems as ${failed.map((r) => r.role).join(' and ')} (seed ${failed[0]!.seed}); rerun with --seed ${failed[0]!.seed}`,
        );
      }
    });
}

function withoutUndefined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
