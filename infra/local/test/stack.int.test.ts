/**
 * The `streamshop stack` commands against the running stack: status reports every component healthy with the
 * version the server gives, a second `up` starts nothing, and a bad setting fails fast naming the variable.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '@streamshop/config';
import { repoRoot, up } from '@streamshop/stack';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = join(repoRoot(), 'packages', 'cli', 'bin', 'streamshop.js');

describe('streamshop stack', () => {
  it('status --json lists the seven components healthy, with versions, urls, ports and pids', async () => {
    const { stdout } = await run(process.execPath, [bin, 'stack', 'status', '--json']);
    const rows = JSON.parse(stdout) as {
      component: string;
      version: string | null;
      url: string;
      port: number;
      pid: number | null;
      healthy: boolean;
    }[];
    expect(rows.map((r) => r.component).sort()).toEqual([
      'kafka',
      'mailpit',
      'mongodb',
      'paypal-sandbox',
      'redis',
      'registry',
      'stripe-mock',
    ]);
    for (const row of rows) {
      expect(row, row.component).toMatchObject({ healthy: true });
      expect(row.version, `${row.component} version`).toBeTruthy();
      expect(row.port).toBeGreaterThan(0);
    }
    const byName = Object.fromEntries(rows.map((r) => [r.component, r]));
    expect(byName.kafka!.url).toMatch(/^[\w.-]+:\d+/);
    expect(byName.mongodb!.url).toMatch(/^mongodb:\/\//);
    expect(byName.redis!.url).toMatch(/^redis:\/\//);
    expect(byName.registry!.url).toMatch(/\/apis\/ccompat\/v7$/);
    expect(byName['stripe-mock']!.url).toMatch(/^http:\/\//);
    expect(byName['paypal-sandbox']!.url).toMatch(/^http:\/\//);
    expect(byName.mailpit!.url).toMatch(/^http:\/\//);
  });

  it('up on a running stack is a no-op', async () => {
    const before = JSON.parse((await run(process.execPath, [bin, 'stack', 'status', '--json'])).stdout) as {
      pid: number | null;
    }[];
    const result = await up(loadConfig(), { say: () => {} });
    expect(result.started).toEqual([]);
    const after = JSON.parse((await run(process.execPath, [bin, 'stack', 'status', '--json'])).stdout) as {
      pid: number | null;
    }[];
    expect(after.map((r) => r.pid)).toEqual(before.map((r) => r.pid));
  });

  it('fails fast on an invalid setting, naming the variable', async () => {
    const failed = await run(process.execPath, [bin, 'stack', 'status'], {
      env: { ...process.env, KAFKA_BROKERS: 'nonsense' },
    }).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/KAFKA_BROKERS="nonsense": expected a comma-separated list of host:port/);
  });
});
