/**
 * `streamshop webhooks list|show|replay`: the operator's view of the webhook inbox (commerce.webhooks), where the
 * gateway keeps every verified Stripe, PayPal and Clerk webhook as received with the command it became.
 *
 * Replay re-maps the kept raw body with today's mapping code (gateway/src/adapters/webhook-inbox.ts, which calls the
 * provider adapters' toCommand) and sends the command again with the same deterministic command id: a command that
 * was applied is answered as a duplicate and changes nothing; one that was rejected, dead-lettered or never sent is
 * decided again. It never verifies again: the inbox only holds webhooks that verified when received (PayPal's check
 * is online and an old body's signature timestamp is out of tolerance), and only the gateway writes to it.
 */
import { randomUUID } from 'node:crypto';
import { avroRuntimeSerde } from '@streamshop/command-service';
import { type Config, loadConfig } from '@streamshop/config';
import { type CommandReply, createKafka } from '@streamshop/eventsourcing-kafka';
import { createCommandBus, type OutgoingCommand } from '@streamshop/gateway/adapters/command-bus';
import { createReplyWaiter } from '@streamshop/gateway/adapters/reply-waiter';
import { replayCommand, type WebhookProvider } from '@streamshop/gateway/adapters/webhook-inbox';
import { AvroSerde } from '@streamshop/schemas';
import { topicName } from '@streamshop/schemas/topics';
import { StepError } from '@streamshop/stack';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Kafka } from 'kafkajs';
import { parseSince, stderrLogger, toJson } from './events.command.ts';
import { type InboxEntry, type InboxFilter, readInbox } from './webhook-inbox-reader.ts';

const PROVIDERS: readonly WebhookProvider[] = ['stripe', 'paypal', 'clerk'];
const PREFIX_HELP = 'topic name prefix (isolated environments)';

interface Ctx {
  config: Config;
  kafka: Kafka;
  serde: AvroSerde;
  prefix: string;
  topic: string;
}

function context(prefix: string): Ctx {
  const config = loadConfig();
  const kafka = createKafka(
    { brokers: config.kafka.brokers, clientId: `${config.kafka.clientId}-webhooks` },
    stderrLogger(),
  );
  const serde = new AvroSerde({ registryUrl: config.registry.url, prefix });
  return { config, kafka, serde, prefix, topic: topicName('commerce.webhooks', prefix) };
}

/** Reads the inbox with progress on stderr (a long inbox takes a while). */
async function read(ctx: Ctx, filter: InboxFilter, quiet = false) {
  const { entries, unreadable } = await readInbox(
    { kafka: ctx.kafka, serde: avroRuntimeSerde(ctx.serde), topic: ctx.topic },
    filter,
    quiet
      ? undefined
      : ({ partition, records, partitions }) =>
          process.stderr.write(`read ${ctx.topic} partition ${partition + 1}/${partitions}: ${records} record(s)\n`),
  );
  if (unreadable > 0) process.stderr.write(`${unreadable} record(s) in ${ctx.topic} are not WebhookReceived\n`);
  return entries;
}

const iso = (ms: number) => new Date(ms).toISOString();
const shortType = (full: string) => full.slice(full.lastIndexOf('.') + 1);

/** One entry as JSON: the body as text when it is UTF-8 JSON (it always is today), else base64. */
export function entryJson(e: InboxEntry, withBody = false) {
  const r = e.received;
  return {
    provider: r.provider,
    providerEventId: r.providerEventId,
    eventType: r.eventType,
    receivedAt: iso(r.receivedAt),
    verification: r.verification,
    command: r.command,
    copies: e.copies,
    inbox: { partition: e.partition, offset: e.offset },
    ...(withBody ? { headers: r.headers, body: bodyOf(r.body) } : {}),
  };
}

function bodyOf(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return { base64: toJson(body) };
  }
}

/** The table `webhooks list` prints. */
export function entryTable(entries: InboxEntry[]): string {
  const header = ['RECEIVED AT', 'PROVIDER', 'EVENT ID', 'TYPE', 'BECAME', 'COPIES'];
  const rows = entries.map((e) => {
    const r = e.received;
    const became = r.command ? `${shortType(r.command.type)} → ${r.command.aggregateId}` : 'ignored';
    return [
      iso(r.receivedAt).replace(/\.\d{3}Z$/, 'Z'),
      r.provider,
      r.providerEventId,
      r.eventType,
      became,
      `${e.copies}`,
    ];
  });
  const all = [header, ...rows];
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

/** What `webhooks show` prints for a person. */
export function entryText(e: InboxEntry): string {
  const r = e.received;
  const lines = [
    `provider        ${r.provider}`,
    `event id        ${r.providerEventId}`,
    `event type      ${r.eventType}`,
    `received at     ${iso(r.receivedAt)}${e.copies > 1 ? ` (${e.copies} copies in the inbox: redeliveries)` : ''}`,
    `verification    ${r.verification}`,
    `became          ${r.command ? `${r.command.type} ${r.command.commandId} → ${r.command.aggregateId}` : 'nothing (ignored by the mapping)'}`,
    `inbox           ${e.partition}@${e.offset}`,
    'headers',
    ...Object.entries(r.headers).map(([k, v]) => `  ${k}: ${v}`),
    'body',
    JSON.stringify(bodyOf(r.body), null, 2),
  ];
  return lines.join('\n');
}

function parseProvider(value: string): WebhookProvider {
  if ((PROVIDERS as readonly string[]).includes(value)) return value as WebhookProvider;
  throw new InvalidArgumentError(`unknown provider ${value}; choose from ${PROVIDERS.join(', ')}`);
}
const sinceOption = () =>
  new Option('--since <time>', 'received at or after this ISO time or this long ago (30s, 10m, 2h, 1d)').argParser(
    (v) => parseSince(v),
  );
const untilOption = () =>
  new Option('--until <time>', 'received before this ISO time or this long ago').argParser((v) => parseSince(v));

interface FilterOpts {
  since?: number;
  until?: number;
  provider?: WebhookProvider;
  type?: string;
}
const filterOf = (o: FilterOpts): InboxFilter => ({
  ...(o.since === undefined ? {} : { since: o.since }),
  ...(o.until === undefined ? {} : { until: o.until }),
  ...(o.provider === undefined ? {} : { provider: o.provider }),
  ...(o.type === undefined ? {} : { eventType: o.type }),
});

export interface ReplayResult {
  providerEventId: string;
  provider: WebhookProvider;
  action: 'sent' | 'would-send' | 'ignored' | 'unmappable';
  command: { type: string; commandId: string; aggregateId: string } | null;
  /** The command id differs from the one recorded at the time (the mapping changed how it derives ids). */
  commandIdChanged: boolean;
  reply: Pick<CommandReply, 'outcome' | 'rejectionCode' | 'rejectionDetail' | 'eventIds'> | 'no-reply' | null;
  error?: string;
}

/**
 * Re-maps and re-sends each entry, waiting (bounded) for each command's reply so the operator sees what happened.
 * With `dryRun` nothing is sent.
 */
async function replay(ctx: Ctx, entries: InboxEntry[], o: { dryRun: boolean; waitMs: number }) {
  const bus = createCommandBus({ kafka: ctx.kafka, serde: ctx.serde, prefix: ctx.prefix });
  const groupPrefix = `streamshop-webhooks-replay-${randomUUID()}-`;
  const replies = createReplyWaiter({
    kafka: ctx.kafka,
    serde: ctx.serde,
    topic: topicName('commerce.command-replies', ctx.prefix),
    groupPrefix,
    logger: stderrLogger(),
  });
  const results: ReplayResult[] = [];
  try {
    if (!o.dryRun) {
      await bus.start();
      if (o.waitMs > 0) await replies.start();
    }
    for (const [i, e] of entries.entries()) {
      results.push(await replayOne(e, o, bus, replies));
      if (entries.length > 10 && (i + 1) % 10 === 0) process.stderr.write(`replayed ${i + 1}/${entries.length}\n`);
    }
  } finally {
    await Promise.allSettled([bus.stop(), replies.stop()]);
    const admin = ctx.kafka.admin();
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
  return results;
}

async function replayOne(
  e: InboxEntry,
  o: { dryRun: boolean; waitMs: number },
  bus: ReturnType<typeof createCommandBus>,
  replies: ReturnType<typeof createReplyWaiter>,
): Promise<ReplayResult> {
  const r = e.received;
  const base = { providerEventId: r.providerEventId, provider: r.provider, reply: null };
  let command: OutgoingCommand | null;
  try {
    command = replayCommand(r, Date.now());
  } catch (err) {
    return { ...base, action: 'unmappable', command: null, commandIdChanged: false, error: (err as Error).message };
  }
  if (!command) return { ...base, action: 'ignored', command: null, commandIdChanged: false };
  const summary = { type: command.type, commandId: command.value.commandId, aggregateId: command.value.aggregateId };
  const commandIdChanged = r.command !== null && r.command.commandId !== summary.commandId;
  if (o.dryRun) return { ...base, action: 'would-send', command: summary, commandIdChanged };
  const wait = o.waitMs > 0 ? replies.expect(summary.commandId, o.waitMs) : undefined;
  try {
    await bus.send(command);
  } catch (err) {
    wait?.cancel();
    throw new StepError(`could not send ${summary.type} for ${r.providerEventId}: ${(err as Error).message}`);
  }
  const reply = wait ? await wait.reply : null;
  return {
    ...base,
    action: 'sent',
    command: summary,
    commandIdChanged,
    reply: wait
      ? reply
        ? {
            outcome: reply.outcome,
            rejectionCode: reply.rejectionCode,
            rejectionDetail: reply.rejectionDetail,
            eventIds: reply.eventIds,
          }
        : 'no-reply'
      : null,
  };
}

export function replayLine(r: ReplayResult): string {
  const what = r.command ? `${shortType(r.command.type)} ${r.command.commandId} → ${r.command.aggregateId}` : '';
  switch (r.action) {
    case 'ignored':
      return `ignored   ${r.provider} ${r.providerEventId}: today's mapping makes no command of it`;
    case 'unmappable':
      return `failed    ${r.provider} ${r.providerEventId}: its body cannot be mapped (${r.error})`;
    case 'would-send':
      return `would send ${r.provider} ${r.providerEventId}: ${what}${r.commandIdChanged ? ' (new command id)' : ''}`;
    case 'sent': {
      const reply =
        r.reply === null
          ? 'not waited for'
          : r.reply === 'no-reply'
            ? 'no reply yet: is the service running? (`streamshop run services`)'
            : r.reply.outcome === 'accepted'
              ? `accepted (${r.reply.eventIds.length} event(s); a duplicate is answered with the original's)`
              : `rejected ${r.reply.rejectionCode}: ${r.reply.rejectionDetail ?? ''}`.trimEnd();
      return `replayed  ${r.provider} ${r.providerEventId}: ${what}: ${reply}`;
    }
  }
}

export function webhooksCommand(): Command {
  const webhooks = new Command('webhooks')
    .description('The webhook inbox (commerce.webhooks): list, show and replay verified provider webhooks')
    .addHelpText(
      'after',
      `
The gateway keeps every Stripe, PayPal and Clerk webhook that verified, as received (raw body, the headers that
matter, how it verified) with the command it became, for 400 days. See docs/operations.md, "Webhook inbox".

Examples:
  $ streamshop webhooks list --since 1d
  $ streamshop webhooks list --provider stripe --type payment_intent.succeeded --json | jq -c '{providerEventId, command}'
  $ streamshop webhooks show evt_3PqRbT2eZvKYlo2C0abc1234
  $ streamshop webhooks replay evt_3PqRbT2eZvKYlo2C0abc1234
  $ streamshop webhooks replay --since 2025-06-01T10:00:00Z --until 2025-06-01T12:00:00Z --provider paypal --dry-run`,
    );

  webhooks
    .command('list')
    .description('List kept webhooks, one line per provider event (redeliveries folded), oldest first')
    .addOption(sinceOption())
    .addOption(untilOption())
    .option('--provider <name>', `only this provider (${PROVIDERS.join(', ')})`, parseProvider)
    .option('--type <eventType>', 'only this provider event type (e.g. payment_intent.succeeded)')
    .option('--json', 'one JSON object per line instead of a table')
    .option('--prefix <prefix>', PREFIX_HELP, '')
    .addHelpText(
      'after',
      `
Columns: when it was received, provider, the provider's event id (what show and replay take), its event type,
the command it became ("ignored" when none), and how many copies the inbox holds (a redelivery adds one).

Examples:
  $ streamshop webhooks list --since 2h
  $ streamshop webhooks list --provider paypal --json | jq -r 'select(.command == null) | .providerEventId'`,
    )
    .action(async (opts: FilterOpts & { json?: boolean; prefix: string }) => {
      const ctx = context(opts.prefix);
      const entries = await read(ctx, filterOf(opts), opts.json);
      if (opts.json) {
        for (const e of entries) process.stdout.write(`${JSON.stringify(entryJson(e))}\n`);
      } else if (entries.length > 0) {
        console.log(entryTable(entries));
      }
      process.stderr.write(`${entries.length} webhook(s) in ${ctx.topic}\n`);
    });

  webhooks
    .command('show')
    .description('Show one kept webhook: headers, body, how it verified, what it became')
    .argument('<providerEventId>', 'the provider event id (from `webhooks list`)')
    .option('--json', 'as one JSON object (body parsed, headers included)')
    .option('--prefix <prefix>', PREFIX_HELP, '')
    .addHelpText(
      'after',
      `
Examples:
  $ streamshop webhooks show evt_3PqRbT2eZvKYlo2C0abc1234
  $ streamshop webhooks show WH-2WR32451HC0233532-67976317FL4543714 --json | jq .body.resource`,
    )
    .action(async (providerEventId: string, opts: { json?: boolean; prefix: string }) => {
      const ctx = context(opts.prefix);
      const [entry, ...others] = await read(ctx, { providerEventId }, true);
      if (!entry) {
        throw new StepError(
          `no webhook with event id ${providerEventId} in ${ctx.topic}; list them with \`streamshop webhooks list\`` +
            (ctx.prefix ? ` --prefix ${ctx.prefix}` : ''),
        );
      }
      for (const e of [entry, ...others]) {
        console.log(opts.json ? JSON.stringify(entryJson(e, true)) : entryText(e));
      }
    });

  webhooks
    .command('replay')
    .description('Send the commands of kept webhooks again, re-mapped with today’s code (same command ids)')
    .argument('[providerEventId...]', 'provider event ids (from `webhooks list`); or select a range with --since')
    .addOption(sinceOption())
    .addOption(untilOption())
    .option('--provider <name>', `with a range: only this provider (${PROVIDERS.join(', ')})`, parseProvider)
    .option('--type <eventType>', 'with a range: only this provider event type')
    .option('--dry-run', 'print what would be sent, send nothing')
    .option('--wait <seconds>', 'wait this long for each command’s reply (0: do not wait)', parseSeconds, 30)
    .option('--json', 'one JSON object per webhook')
    .option('--prefix <prefix>', PREFIX_HELP, '')
    .addHelpText(
      'after',
      `
Safe to repeat: the command id is derived from the provider event id, and the services record a provider event
once, so replaying an applied webhook changes nothing (it is answered as the original was). A webhook whose command
was rejected (e.g. payment_not_found: the payment did not exist yet), dead-lettered or never sent is decided again.
Webhooks are not verified again: the inbox only holds webhooks that verified when received.
Exit code 1 when a replayed command is rejected, cannot be mapped, or gets no reply in time.

Examples:
  $ streamshop webhooks replay evt_3PqRbT2eZvKYlo2C0abc1234
  $ streamshop webhooks replay --since 2025-06-01T10:00:00Z --until 2025-06-01T12:00:00Z --dry-run
  $ streamshop webhooks replay --since 1d --provider stripe --type payment_intent.succeeded --json`,
    )
    .action(
      async (ids: string[], opts: FilterOpts & { dryRun?: boolean; wait: number; json?: boolean; prefix: string }) => {
        if (ids.length > 0 && (opts.since !== undefined || opts.until !== undefined)) {
          throw new StepError('give either provider event ids or a range (--since/--until), not both');
        }
        if (ids.length === 0 && opts.since === undefined) {
          throw new StepError(
            'name the webhooks to replay: provider event ids, or a range with --since <time> [--until <time>]',
          );
        }
        const ctx = context(opts.prefix);
        let entries: InboxEntry[];
        if (ids.length > 0) {
          const found = await read(ctx, filterOf({ provider: opts.provider, type: opts.type } as FilterOpts), true);
          entries = [];
          for (const id of ids) {
            const matching = found.filter((e) => e.received.providerEventId === id);
            if (matching.length === 0) {
              throw new StepError(
                `no webhook with event id ${id} in ${ctx.topic}; list them with \`streamshop webhooks list\``,
              );
            }
            entries.push(...matching);
          }
        } else {
          entries = await read(ctx, filterOf(opts), opts.json);
        }
        const results = await replay(ctx, entries, { dryRun: opts.dryRun ?? false, waitMs: opts.wait * 1000 });
        for (const r of results) console.log(opts.json ? JSON.stringify(r) : replayLine(r));
        const failed = results.filter(
          (r) =>
            r.action === 'unmappable' ||
            r.reply === 'no-reply' ||
            (r.reply !== null && typeof r.reply === 'object' && r.reply.outcome === 'rejected'),
        );
        process.stderr.write(
          `${results.length} webhook(s) ${opts.dryRun ? 'would be replayed' : 'replayed'}` +
            (failed.length > 0 ? `, ${failed.length} not applied` : '') +
            '\n',
        );
        if (failed.length > 0) process.exitCode = 1;
      },
    );
  return webhooks;
}

function parseSeconds(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number of seconds');
  return Number(value);
}
