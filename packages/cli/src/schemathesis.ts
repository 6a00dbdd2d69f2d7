/**
 * Schemathesis (PyPI) against a running gateway's `/openapi.json`: the property-based fuzzer that holds the gateway
 * to its own document — no 5xx, and every status, media type and body as documented. It runs once per role (a
 * shopper's and an admin's session token), because half the operations answer only 401/403 to the wrong one.
 *
 * Schemathesis is a Python tool, so it gets its own virtualenv under the stack dir (`.stack/tools/`), pinned, never
 * the system Python's site-packages; the venv is complete only once its marker is written, so an interrupted install
 * is redone and a finished one is reused without touching the network.
 */
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '@streamshop/config';
import { StepError, stackPaths } from '@streamshop/stack';
// The stack's apt and process helpers (not part of @streamshop/stack's public surface yet), as storefront/e2e does.
import { ensureDebianPackage, onPath } from '../../../infra/local/src/prerequisites.ts';
import { run, type Say } from '../../../infra/local/src/steps.ts';

export const SCHEMATHESIS_VERSION = '4.32.5';

/** What every run checks (issue 10): no server error; status, media type and body as documented. */
export const FUZZ_CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_schema_conformance',
] as const;

/**
 * Operations not fuzzed: provider webhooks answer only to a signature made with the provider's secret, so every
 * generated request is a 400 by design (their own tests sign real payloads).
 */
export const FUZZ_EXCLUDED_PATHS = '^/webhooks/';

function venvDir(paths: ReturnType<typeof stackPaths>): string {
  return join(paths.stack, 'tools', `schemathesis-${SCHEMATHESIS_VERSION}`);
}

/** The `st` binary of the pinned Schemathesis, installed into `.stack/tools/` on first use. */
export async function ensureSchemathesis(config: Config, say: Say): Promise<string> {
  const paths = stackPaths(config.stack.dir);
  const venv = venvDir(paths);
  const st = join(venv, 'bin', 'st');
  const marker = join(venv, '.installed');
  if (existsSync(marker) && existsSync(st)) return st;

  const logFile = join(paths.logs, 'schemathesis-install.log');
  const python = await ensureDebianPackage(say, 'python3', 'python3', logFile);
  // Debian splits venv's pip bootstrap into python3-venv; other Pythons (pyenv, python.org) ship it.
  const hasVenv = await exitsZero(python, ['-c', 'import ensurepip, venv']);
  if (!hasVenv) await installVenvPackage(say, logFile);

  say(`› schemathesis: installing ${SCHEMATHESIS_VERSION} into ${venv} (pip)…`);
  rmSync(venv, { recursive: true, force: true });
  mkdirSync(join(paths.stack, 'tools'), { recursive: true });
  await run(python, ['-m', 'venv', venv], { cwd: paths.root, logFile });
  await run(
    join(venv, 'bin', 'python'),
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', `schemathesis==${SCHEMATHESIS_VERSION}`],
    { cwd: paths.root, logFile },
  );
  if (!existsSync(st)) throw new StepError(`pip installed schemathesis but ${st} is missing; see ${logFile}`, logFile);
  writeFileSync(marker, `schemathesis==${SCHEMATHESIS_VERSION}\n`);
  say(`✓ schemathesis: ${SCHEMATHESIS_VERSION}`);
  return st;
}

async function installVenvPackage(say: Say, logFile: string): Promise<void> {
  if (!onPath('apt-get') || (process.getuid && process.getuid() !== 0)) {
    throw new StepError(
      "python3 cannot create virtualenvs (no ensurepip): install Debian's python3-venv (`sudo apt-get install -y python3-venv`) or another Python 3.9+, and retry.",
    );
  }
  say('› python3-venv is missing: installing it (apt-get)…');
  await run('apt-get', ['update', '-qq'], { cwd: '/', logFile });
  await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'python3-venv'], {
    cwd: '/',
    logFile,
    env: { DEBIAN_FRONTEND: 'noninteractive' },
  });
}

function exitsZero(command: string, args: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('exit', (code) => resolve(code === 0));
  });
}

export interface FuzzOptions {
  /** The gateway's base URL, e.g. http://127.0.0.1:18080. */
  url: string;
  /** A session token per role, e.g. `{ shopper, admin }`; one Schemathesis run each. */
  tokens: Record<string, string>;
  /** Test cases per operation and phase (default 20): bounds the run's length. */
  maxExamples?: number;
  /** Hypothesis seed; default a random one, printed in each run's summary and returned for reproduction. */
  seed?: number;
  /** Passed to `--rate-limit` (e.g. `500/m`) to stay under the gateway's own limiter. */
  rateLimit?: string;
  /** A run still going after this long is stopped and reported as failed (default 5 minutes). */
  timeoutMs?: number;
  /** Where the JUnit reports go (default `.stack/logs/schemathesis/`). */
  reportDir?: string;
  say?: Say;
}

export interface FuzzRun {
  role: string;
  seed: number;
  /** Schemathesis' exit code (0: nothing found), or null when it was stopped at the timeout. */
  exitCode: number | null;
  /** The command line to rerun it by hand, the token elided. */
  command: string;
  /** Everything Schemathesis printed: its failures with curl reproductions, its summary, its seed. */
  output: string;
}

/** The `st run` arguments of one role's run (the token goes in the Authorization header). */
export function schemathesisArgs(
  options: Pick<FuzzOptions, 'url' | 'maxExamples' | 'rateLimit'> & {
    seed: number;
    token: string;
    junitPath: string;
  },
): string[] {
  return [
    'run',
    `${options.url}/openapi.json`,
    '--checks',
    FUZZ_CHECKS.join(','),
    '--header',
    `Authorization: Bearer ${options.token}`,
    '--exclude-path-regex',
    FUZZ_EXCLUDED_PATHS,
    '--max-examples',
    String(options.maxExamples ?? 20),
    '--seed',
    String(options.seed),
    // One worker: two cores are shared with the gateway, the services and Kafka.
    '--workers',
    '1',
    '--request-timeout',
    '15',
    // Reproducible from the seed alone, and no .hypothesis directory left behind.
    '--generation-database',
    'none',
    ...(options.rateLimit ? ['--rate-limit', options.rateLimit] : []),
    '--report',
    'junit',
    '--report-junit-path',
    options.junitPath,
    '--no-color',
  ];
}

/** Runs Schemathesis once per role, one after the other; resolves with every run (check `exitCode`). */
export async function fuzzGateway(st: string, config: Config, options: FuzzOptions): Promise<FuzzRun[]> {
  const say = options.say ?? (() => {});
  const seed = options.seed ?? randomInt(1, 2 ** 31);
  const reportDir = options.reportDir ?? join(stackPaths(config.stack.dir).logs, 'schemathesis');
  mkdirSync(reportDir, { recursive: true });
  const runs: FuzzRun[] = [];
  for (const [role, token] of Object.entries(options.tokens)) {
    const junitPath = join(reportDir, `${role}.junit.xml`);
    const args = schemathesisArgs({ ...options, seed, token, junitPath });
    const command = [
      st,
      ...args.map((a) => (a.startsWith('Authorization:') ? `'Authorization: Bearer <${role} token>'` : a)),
    ].join(' ');
    say(`› schemathesis (${role}, seed ${seed}): ${command}`);
    const { exitCode, output } = await capture(st, args, reportDir, options.timeoutMs ?? 5 * 60_000);
    say(`${exitCode === 0 ? '✓' : '✗'} schemathesis (${role}): ${lastLine(output)}`);
    runs.push({ role, seed, exitCode, command, output });
  }
  return runs;
}

function lastLine(output: string): string {
  return (
    output
      .trimEnd()
      .split('\n')
      .filter((l) => l.trim())
      .at(-1)
      ?.replace(/^=+\s*|\s*=+$/g, '') ?? ''
  );
}

function capture(
  command: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
): Promise<{ exitCode: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    const timer = setTimeout(() => {
      chunks.push(Buffer.from(`\n[stopped: still running after ${Math.round(timeoutMs / 1000)} s]\n`));
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new StepError(`cannot run ${command}: ${err.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code, output: Buffer.concat(chunks).toString('utf8') });
    });
  });
}

/** A session token per demo role from the gateway's dev sign-in (dev mode only: `npm start`, the test stack). */
export async function devTokens(url: string): Promise<{ shopper: string; admin: string }> {
  const login = async (userId: string) => {
    const res = await fetch(`${url}/api/dev/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId }),
    });
    if (!res.ok) {
      throw new StepError(
        `the dev sign-in at ${url}/api/dev/login answered ${res.status} for ${userId}: the gateway is not in dev mode; pass session tokens instead (--shopper-token, --admin-token)`,
      );
    }
    return ((await res.json()) as { token: string }).token;
  };
  return { shopper: await login('user_demo_shopper'), admin: await login('user_demo_admin') };
}
