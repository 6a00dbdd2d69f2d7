/**
 * `streamshop notifications status|retry`: the operator's view of the e-mails the platform owes. `status` reads the
 * `notifications` read model (how many messages stand in each status, and the failed and still-owed ones, newest
 * first); `retry <id>` asks the mailbox to request a failed message again (RetryNotification through Kafka, with
 * the operator as actor, so the event log says who retried what) and waits for the decider's answer. The retried
 * message keeps its Message-ID, so a receiver that did get an earlier copy can drop the new one.
 */
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { avroRuntimeSerde } from '@streamshop/command-service';
import { loadConfig } from '@streamshop/config';
import { commandEnvelope, createKafka, deterministicId } from '@streamshop/eventsourcing-kafka';
import { createReplyWaiter } from '@streamshop/gateway/adapters/reply-waiter';
import {
  createQueries,
  NOTIFICATION_STATUSES,
  type Notification,
  type NotificationStatus,
} from '@streamshop/projections/queries';
import { readSideWiring } from '@streamshop/projections/wiring';
import { AvroSerde } from '@streamshop/schemas';
import { topicName } from '@streamshop/schemas/topics';
import type { RetryNotification } from '@streamshop/schemas/types';
import { StepError } from '@streamshop/stack';
import { Command, InvalidArgumentError, Option } from 'commander';
import { Partitioners } from 'kafkajs';
import { stderrLogger } from './events.command.ts';
import { quietLogger } from './topics.command.ts';

const PREFIX_HELP = 'topic name prefix (isolated environments)';
const redisPrefixOption = () => new Option('--redis-prefix <prefix>', 'Redis key prefix of the read cache').default('');

async function readModel(prefix: string, redisPrefix: string) {
  const config = loadConfig();
  try {
    const side = await readSideWiring(config, { prefix, redisPrefix, logger: quietLogger() });
    return { config, side, queries: createQueries({ db: side.db, cache: side.cache }).notifications };
  } catch (err) {
    throw new StepError(
      `cannot reach MongoDB/Redis (${(err as Error).message}); start the stack with \`npx streamshop stack up\``,
    );
  }
}

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));
const oneLine = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** `requested 2  sent 40  failed 1  skipped 0`. */
export function countsLine(counts: Record<NotificationStatus, number>): string {
  return NOTIFICATION_STATUSES.map((s) => `${s} ${counts[s]}`).join('  ');
}

/** The table of messages `status` prints. */
export function notificationTable(rows: readonly Notification[]): string {
  const header = ['UPDATED', 'STATUS', 'ID', 'KIND', 'ATTEMPT', 'TO', 'LAST ERROR'];
  const body = rows.map((n) => [
    iso(n.updatedAt),
    n.status,
    n.notificationId,
    n.kind,
    `${n.attempt}`,
    n.to.join(',') || '-',
    n.lastError
      ? oneLine(`${n.lastError.permanent ? 'permanent' : 'transient'}: ${n.lastError.message}`, 80)
      : n.skippedReason
        ? `skipped: ${n.skippedReason}`
        : '-',
  ]);
  const all = [header, ...body];
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i]!.length)));
  return all
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Why a message cannot be retried, in the operator's terms, or null when it can. */
export function retryRefusal(id: string, found: Notification | null): string | null {
  if (!found) return `no notification ${id}; list them with \`streamshop notifications status\``;
  switch (found.status) {
    case 'failed':
      return null;
    case 'requested':
      return `notification ${id} is not failed: attempt ${found.attempt} is still owed and the sender delivers it (is the notification service running? \`streamshop run services\`)`;
    case 'sent':
      return `notification ${id} is not failed: it was sent at ${iso(found.sentAt)} (Message-ID ${found.messageId})`;
    case 'skipped':
      return `notification ${id} is not failed: it was skipped (${found.skippedReason}), there is no address to send it to`;
  }
}

function parseLimit(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1_000) {
    throw new InvalidArgumentError('expected a whole number from 1 to 1000');
  }
  return Number(value);
}

function parseSeconds(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected a whole number of seconds');
  return Number(value);
}

async function status(opts: { failed?: boolean; json?: boolean; limit: number; prefix: string; redisPrefix: string }) {
  const { side, queries } = await readModel(opts.prefix, opts.redisPrefix);
  try {
    const statuses: NotificationStatus[] = opts.failed ? ['failed'] : ['failed', 'requested'];
    const [counts, rows] = await Promise.all([queries.counts(), queries.list({ statuses, limit: opts.limit })]);
    if (opts.json) {
      console.log(JSON.stringify({ counts, notifications: rows }));
      return;
    }
    console.log(countsLine(counts));
    if (rows.length > 0) console.log(`\n${notificationTable(rows)}`);
    else console.log(opts.failed ? 'no failed notifications' : 'nothing failed or waiting to be sent');
  } finally {
    await side.close();
  }
}

async function retry(id: string, opts: { as: string; wait: number; prefix: string; redisPrefix: string }) {
  const { config, side, queries } = await readModel(opts.prefix, opts.redisPrefix);
  let found: Notification | null;
  try {
    found = await queries.byId(id);
  } finally {
    await side.close();
  }
  const refusal = retryRefusal(id, found);
  if (refusal || !found) throw new StepError(refusal ?? `no notification ${id}`);

  const kafka = createKafka(
    { brokers: config.kafka.brokers, clientId: `${config.kafka.clientId}-notifications` },
    stderrLogger(),
  );
  const avro = new AvroSerde({ registryUrl: config.registry.url, prefix: opts.prefix });
  const serde = avroRuntimeSerde(avro);
  const commands = topicName('notifications.commands', opts.prefix);
  const command: RetryNotification = {
    ...commandEnvelope({
      // The same retry of the same failed attempt is one command: running this twice retries once.
      commandId: deterministicId('retry-notification', id, found.attempt),
      aggregateId: found.mailbox,
      issuedAt: Date.now(),
      actorId: opts.as,
    }),
    notificationId: id,
  };
  const groupPrefix = `streamshop-notifications-retry-${randomUUID()}-`;
  const replies = createReplyWaiter({
    kafka,
    serde: avro,
    topic: topicName('commerce.command-replies', opts.prefix),
    groupPrefix,
    logger: stderrLogger(),
  });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  try {
    await replies.start();
    await producer.connect();
    const wait = replies.expect(command.commandId, opts.wait * 1000);
    const value = await serde.encode(commands, 'streamshop.notifications.RetryNotification', command);
    await producer.send({ topic: commands, acks: -1, messages: [{ key: command.aggregateId, value }] });
    const reply = await wait.reply;
    if (!reply) {
      throw new StepError(
        `RetryNotification for ${id} sent, but no answer within ${opts.wait}s: is the notification service running? (\`streamshop run services\`); check with \`streamshop notifications status\``,
      );
    }
    if (reply.outcome === 'rejected') {
      throw new StepError(
        `retry of ${id} refused: ${reply.rejectionCode}${reply.rejectionDetail ? ` (${reply.rejectionDetail})` : ''}`,
      );
    }
    console.log(
      `retry of ${id} accepted: attempt ${found.attempt + 1} is owed and goes out with the same Message-ID (${found.messageId}); follow it with \`streamshop notifications status\``,
    );
  } finally {
    await Promise.allSettled([producer.disconnect(), replies.stop()]);
    const admin = kafka.admin();
    await admin
      .connect()
      .then(async () => {
        const { groups } = await admin.listGroups();
        const mine = groups.map((g) => g.groupId).filter((g) => g.startsWith(groupPrefix));
        if (mine.length > 0) await admin.deleteGroups(mine);
      })
      .catch(() => {})
      .finally(() => admin.disconnect().catch(() => {}));
  }
}

export function notificationsCommand(): Command {
  const notifications = new Command('notifications')
    .description('The e-mails the platform owes: what stands where, and retrying a failed one')
    .addHelpText(
      'after',
      `
Every e-mail is recorded on notifications.events: requested (owed), then sent, failed or skipped (no address).
A sender delivers requested messages over SMTP; an unreachable server makes them wait, a 4xx answer is retried
with backoff, a 5xx answer is recorded failed at once. See docs/notifications.md.

Examples:
  $ streamshop notifications status
  $ streamshop notifications status --failed --json | jq -r '.notifications[].notificationId'
  $ streamshop notifications retry order_confirmed:3f2a9c1e-0b7d-4c55-9e21-7a1d2b3c4d5e`,
    );

  notifications
    .command('status')
    .description('Count messages by status and list the failed and still-owed ones, newest first')
    .option('--failed', 'list only the failed ones')
    .option('--json', 'one JSON object: {counts, notifications}')
    .option('--limit <n>', 'list at most this many', parseLimit, 50)
    .option('--prefix <prefix>', PREFIX_HELP, '')
    .addOption(redisPrefixOption())
    .addHelpText(
      'after',
      `
Columns: when the message last changed, its status, its id (what retry takes), kind, attempt (1, +1 per retry),
recipients, and the last failure (permanent: a 5xx answer; transient: 4xx answers past the retry budget).

Examples:
  $ streamshop notifications status
  $ streamshop notifications status --failed --limit 10`,
    )
    .action(status);

  notifications
    .command('retry')
    .description('Request a failed message again (same Message-ID), as you, and wait for the answer')
    .argument('<notificationId>', 'the id `status` lists, e.g. order_shipped:<order id>')
    .option('--as <name>', 'who retries (recorded as the actor of the retry)', userInfo().username)
    .option('--wait <seconds>', 'how long to wait for the mailbox’s answer', parseSeconds, 30)
    .option('--prefix <prefix>', PREFIX_HELP, '')
    .addOption(redisPrefixOption())
    .addHelpText(
      'after',
      `
Only a failed message can be retried; fix what the last error names first (a 550 for a mistyped address will
fail the same way). Exit code 1 when the id is unknown, the message is not failed, or no answer comes in time.

Examples:
  $ streamshop notifications retry order_shipped:3f2a9c1e-0b7d-4c55-9e21-7a1d2b3c4d5e
  $ streamshop notifications retry low_stock:SKU-42:3 --as alice`,
    )
    .action(retry);

  return notifications;
}
