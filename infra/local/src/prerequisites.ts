/**
 * The machine tools the native stack needs, found or explained. Each failure says which tool is missing and how to
 * get it, because "spawn mvn ENOENT" teaches nobody anything.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, type Say, StepError } from './steps.ts';

export function onPath(tool: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const HOW: Record<string, string> = {
  java: 'install a JDK 17 (Debian: apt-get install openjdk-17-jdk-headless) or point JAVA_HOME at one',
  python3: 'install Python 3 (Debian: apt-get install python3)',
  mvn: 'install Apache Maven (Debian: apt-get install maven)',
  go: 'install Go 1.22 or newer from https://go.dev/doc/install (Debian 12’s golang-go is 1.19, too old)',
  tar: 'install tar (Debian: apt-get install tar)',
};

export function requireTool(tool: keyof typeof HOW | string, forWhat: string): string {
  const path = onPath(tool);
  if (!path)
    throw new StepError(`${forWhat} needs \`${tool}\`, which is not on PATH: ${HOW[tool] ?? `install ${tool}`}.`);
  return path;
}

/** The major version of a Java home (from its `release` file), or undefined. */
export function javaMajor(home: string): number | undefined {
  try {
    const m = /JAVA_VERSION="(\d+)/.exec(readFileSync(join(home, 'release'), 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** `<home>/bin/java` when `home` holds a Java of at least `min`, else undefined. */
export function javaIn(home: string | undefined, min: number): string | undefined {
  if (!home) return undefined;
  const major = javaMajor(home);
  const java = join(home, 'bin', 'java');
  return major !== undefined && major >= min && existsSync(java) ? java : undefined;
}

/**
 * A `java` binary of at least `min` for Kafka: JAVA_HOME (`javaHome`), then the `java` on PATH, then any JDK under
 * /usr/lib/jvm (Debian's and Temurin's place). The registry has its own rule (`components/registry-java.ts`).
 */
export function findJava(min: number, javaHome: string | undefined, forWhat: string): string {
  const homes: string[] = [];
  if (javaHome) homes.push(javaHome);
  const onPathJava = onPath('java');
  if (onPathJava) {
    try {
      const real = execFileSync('readlink', ['-f', onPathJava], { encoding: 'utf8' }).trim();
      homes.push(join(real, '..', '..'));
    } catch {
      /* ignore */
    }
  }
  if (existsSync('/usr/lib/jvm')) {
    for (const d of readdirSync('/usr/lib/jvm').sort()) homes.push(join('/usr/lib/jvm', d));
  }
  for (const home of homes) {
    const java = javaIn(home, min);
    if (java) return java;
  }
  throw new StepError(
    `${forWhat} needs Java ${min} or newer and none was found (looked at JAVA_HOME, PATH and /usr/lib/jvm): ${HOW.java}.`,
  );
}

/** Installs a Debian package when its binary is missing (we run as root on our machines); else explains. */
export async function ensureDebianPackage(say: Say, binary: string, pkg: string, logFile: string): Promise<string> {
  const found = onPath(binary) ?? (existsSync(`/usr/bin/${binary}`) ? `/usr/bin/${binary}` : undefined);
  if (found) return found;
  if (!onPath('apt-get')) {
    throw new StepError(
      `\`${binary}\` is not installed and apt-get is not available: install the ${pkg} package with your system's package manager.`,
    );
  }
  if (process.getuid && process.getuid() !== 0) {
    throw new StepError(`\`${binary}\` is not installed: run \`sudo apt-get install -y ${pkg}\` and retry.`);
  }
  say(`› ${binary} is missing: installing Debian package ${pkg} (apt-get)…`);
  await run('apt-get', ['update', '-qq'], { cwd: '/', logFile });
  await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], {
    cwd: '/',
    logFile,
    env: { DEBIAN_FRONTEND: 'noninteractive' },
  });
  const path = onPath(binary) ?? `/usr/bin/${binary}`;
  if (!existsSync(path)) throw new StepError(`installed ${pkg} but \`${binary}\` is still missing; see ${logFile}`);
  return path;
}
