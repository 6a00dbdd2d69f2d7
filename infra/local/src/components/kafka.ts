/**
 * Apache Kafka in KRaft mode, one JVM acting as broker and controller. Its jars come from Maven Central through
 * `infra/local/kafka/pom.xml`; the storage directory is formatted once with a fresh cluster id. Auto topic creation
 * is off because streamshop creates its own topics with their partition counts and configs. The transaction and
 * offsets topics are sized for one broker (replication factor 1, few partitions) so a cold start stays quick.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { Component, StackContext } from '../component.ts';
import { findJava, requireTool } from '../prerequisites.ts';
import { startDetached } from '../processes.ts';
import { run, step } from '../steps.ts';

const dirs = (ctx: StackContext) => {
  const home = join(ctx.paths.stack, 'kafka');
  return {
    home,
    libs: join(home, 'libs'),
    props: join(home, 'server.properties'),
    log4j: join(home, 'log4j.properties'),
    data: join(ctx.paths.data, 'kafka'),
    pom: join(ctx.paths.root, 'infra', 'local', 'kafka', 'pom.xml'),
    buildLog: join(ctx.paths.logs, 'kafka-build.log'),
  };
};

export function kafkaVersionFromPom(pomXml: string): string {
  const m = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pomXml);
  if (!m?.[1]) throw new Error('infra/local/kafka/pom.xml has no <kafka.version> property');
  return m[1];
}

function serverProperties(ctx: StackContext, dataDir: string): string {
  const { kafka, kafkaController } = ctx.config.stack.ports;
  return `# Written by \`streamshop stack up\`; edits are overwritten.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${kafkaController}
listeners=PLAINTEXT://127.0.0.1:${kafka},CONTROLLER://127.0.0.1:${kafkaController}
advertised.listeners=PLAINTEXT://127.0.0.1:${kafka}
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=${dataDir}
auto.create.topics.enable=false
delete.topic.enable=true
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
group.initial.rebalance.delay.ms=0
log.retention.hours=-1
log.segment.bytes=67108864
`;
}

const LOG4J = `log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.controller=INFO
log4j.logger.org.apache.kafka.storage=WARN
`;

export const kafka: Component = {
  name: 'kafka',
  origin: 'Maven Central: org.apache.kafka:kafka_2.13 (KRaft), run with the machine Java 17',
  startTimeoutMs: 90_000,
  port: (ctx) => ctx.config.stack.ports.kafka,
  url: (ctx) => ctx.config.kafka.brokers.join(','),
  managed: () => true,

  async prepare(ctx) {
    const d = dirs(ctx);
    requireTool('java', 'Kafka');
    const version = kafkaVersionFromPom(readFileSync(d.pom, 'utf8'));
    const marker = join(d.libs, `.kafka-${version}`);
    if (!existsSync(marker)) {
      requireTool('mvn', 'Kafka (its jars are resolved from Maven Central)');
      await step(
        ctx.say,
        'kafka',
        `Resolving Kafka ${version} jars from Maven Central (mvn dependency:copy-dependencies)`,
        () =>
          run(
            'mvn',
            [
              '-B',
              '-q',
              '-f',
              d.pom,
              'dependency:copy-dependencies',
              `-DoutputDirectory=${d.libs}`,
              '-DincludeScope=runtime',
            ],
            { cwd: ctx.paths.root, logFile: d.buildLog },
          ),
      );
      writeFileSync(marker, `${new Date().toISOString()}\n`);
    }
    mkdirSync(d.data, { recursive: true });
    writeFileSync(d.props, serverProperties(ctx, d.data));
    writeFileSync(d.log4j, LOG4J);
    if (!existsSync(join(d.data, 'meta.properties'))) {
      // A Kafka cluster id is 16 random bytes in URL-safe base64 without padding, as `kafka-storage random-uuid` prints.
      const clusterId = randomBytes(16).toString('base64url');
      await step(ctx.say, 'kafka', `Formatting KRaft storage (cluster ${clusterId})`, () =>
        run(
          findJava(17, ctx.config.stack.javaHome, 'Kafka'),
          [
            `-Dlog4j.configuration=file:${d.log4j}`,
            '-cp',
            `${d.libs}/*`,
            'kafka.tools.StorageTool',
            'format',
            '-t',
            clusterId,
            '-c',
            d.props,
            '--ignore-formatted',
          ],
          { cwd: d.home, logFile: d.buildLog },
        ),
      );
    }
  },

  async start(ctx) {
    const d = dirs(ctx);
    const java = findJava(17, ctx.config.stack.javaHome, 'Kafka');
    const rec = startDetached({
      name: 'kafka',
      command: java,
      args: [
        `-Xmx${ctx.config.stack.kafkaHeap}`,
        '-Xms256m',
        '-XX:+UseG1GC',
        '-XX:MaxGCPauseMillis=20',
        '-Djava.awt.headless=true',
        `-Dlog4j.configuration=file:${d.log4j}`,
        `-Dkafka.logs.dir=${ctx.paths.logs}`,
        '-cp',
        `${d.libs}/*`,
        'kafka.Kafka',
        d.props,
      ],
      cwd: d.home,
      marker: d.props,
      runDir: ctx.paths.run,
      logDir: ctx.paths.logs,
    });
    return rec.pid;
  },

  async probe(ctx) {
    const client = new Kafka({
      clientId: 'streamshop-stack',
      brokers: ctx.config.kafka.brokers,
      logLevel: logLevel.NOTHING,
      connectionTimeout: 2000,
      retry: { retries: 0 },
    });
    const admin = client.admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length === 0) throw new Error('no brokers in metadata');
    } finally {
      await admin.disconnect();
    }
    // Kafka does not report its version over the wire; the broker logs it at start ("Kafka version: x.y.z").
    let version: string | undefined;
    try {
      const log = readFileSync(join(ctx.paths.logs, 'kafka.log'), 'utf8');
      const all = [...log.matchAll(/Kafka version: (\S+)/g)];
      version = all.at(-1)?.[1];
    } catch {
      version = undefined;
    }
    return { healthy: true, version };
  },
};
