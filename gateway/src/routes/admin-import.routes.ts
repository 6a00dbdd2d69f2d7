/**
 * CSV import of products (admins): POST /api/admin/products/import with a text/csv body answers a report of what each
 * row became. The file is parsed and validated by the catalog's pure `parseProductCsv`; each valid row becomes the
 * commands `productImportCommands` derives (CreateProduct for a new SKU, UpdateProductDetails and ChangeProductPrice
 * for one in the catalog), sent through the command seam and decided by the Product decider like any admin command,
 * with the admin as actorId. Nothing is written around the deciders.
 *
 * The Idempotency-Key is required and bound to the file (another file under the same key is 422
 * idempotency_key_reused); command ids derive from the bound request and each row, so a retried request is the same
 * commands and gets the same report, and a new request with the same file finds every product unchanged.
 *
 * Rows are sent a few at a time (`ROWS_IN_FLIGHT`): enough to keep the catalog service busy, few enough that one
 * import does not crowd other admins' commands out of the gateway's reply waits.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  type ProductImportCommand,
  type ProductRow,
  parseProductCsv,
  productImportCommands,
  type RowFailure,
} from '@streamshop/catalog-service';
import { type CommandOrigin, commandEnvelope } from '@streamshop/eventsourcing-kafka';
import type { FastifyInstance } from 'fastify';
import type { OutgoingCommand } from '../adapters/command-bus.ts';
import type { GatewayContext } from '../app.ts';
import { bearerAuth } from '../plugins/auth.ts';
import { HttpProblem } from '../plugins/problem-json.ts';
import {
  PRODUCT_IMPORT_BODY_LIMIT,
  ProductImportBody,
  ProductImportProblems,
  ProductImportReport,
} from '../schemas/admin-import.ts';
import { problems } from '../schemas/common.ts';
import { IdempotencyHeaders } from '../schemas/orders.ts';

const ROWS_IN_FLIGHT = 8;

type RowOutcome =
  | { kind: 'imported' }
  | { kind: 'unchanged' }
  | { kind: 'pending'; row: number; sku: string }
  | { kind: 'failed'; failure: RowFailure };

export const adminImportRoutes: FastifyPluginAsyncTypebox<GatewayContext> = async (app, ctx) => {
  // Scoped to this plugin: the rest of the API stays JSON only.
  app.addContentTypeParser(
    'text/csv',
    { parseAs: 'string', bodyLimit: PRODUCT_IMPORT_BODY_LIMIT },
    (_req, body, done) => done(null, body),
  );

  app.post(
    '/api/admin/products/import',
    {
      bodyLimit: PRODUCT_IMPORT_BODY_LIMIT,
      config: {
        auth: 'admin',
        rateLimit: { max: ctx.config.gateway.rateLimit.commandsPerMinute, timeWindow: 60_000 },
      },
      schema: {
        tags: ['admin'],
        summary: 'Import products from a CSV: creates new SKUs, updates existing ones, reports every row',
        security: bearerAuth,
        consumes: ['text/csv'],
        headers: IdempotencyHeaders,
        body: ProductImportBody,
        response: {
          200: ProductImportReport,
          ...problems(400, 401, 403, 413, 415, 429, 503),
          ...ProductImportProblems,
        },
      },
    },
    async (request) => {
      const parsed = parseProductCsv(request.body);
      if (!parsed.ok) throw new HttpProblem(422, parsed.code, parsed.detail);
      // One origin for the whole file: it binds the key to this body and names the admin; rows derive their ids from it.
      const origin = await app.requestOrigin(request, { name: 'catalog-import', aggregateId: 'catalog-import' });

      const outcomes = await mapBounded(parsed.products, ROWS_IN_FLIGHT, (row) => importRow(app, origin, row));
      const failed = [...parsed.failed];
      const pending: { row: number; sku: string }[] = [];
      let imported = 0;
      let unchanged = 0;
      for (const outcome of outcomes) {
        if (outcome.kind === 'imported') imported++;
        else if (outcome.kind === 'unchanged') unchanged++;
        else if (outcome.kind === 'pending') pending.push({ row: outcome.row, sku: outcome.sku });
        else failed.push(outcome.failure);
      }
      failed.sort((a, b) => a.row - b.row);
      request.log.info(
        { rows: parsed.rows, imported, unchanged, failed: failed.length, pending: pending.length },
        'products imported',
      );
      return { rows: parsed.rows, imported, unchanged, failed, pending };
    },
  );
};

/** Sends a row's commands (see `productImportCommands`) and says what they did. */
async function importRow(app: FastifyInstance, origin: CommandOrigin, row: ProductRow): Promise<RowOutcome> {
  const { create, update } = productImportCommands(row, origin.commandId);
  const failedWith = (code: string, detail: string): RowOutcome => ({
    kind: 'failed',
    failure: { row: row.row, sku: row.sku, errors: [`${code}: ${detail}`] },
  });
  const created = await app.sendCommand(outgoing(origin, create));
  if (created.outcome === 'pending') return { kind: 'pending', row: row.row, sku: row.sku };
  if (created.outcome === 'accepted')
    return created.reply.eventIds.length > 0 ? { kind: 'imported' } : { kind: 'unchanged' };
  if (created.code !== 'product_already_exists') return failedWith(created.code, created.detail);
  let changed = false;
  for (const command of update) {
    const result = await app.sendCommand(outgoing(origin, command));
    if (result.outcome === 'pending') return { kind: 'pending', row: row.row, sku: row.sku };
    if (result.outcome === 'rejected') return failedWith(result.code, result.detail);
    if (result.reply.eventIds.length > 0) changed = true;
  }
  return changed ? { kind: 'imported' } : { kind: 'unchanged' };
}

function outgoing(origin: CommandOrigin, command: ProductImportCommand): OutgoingCommand {
  const envelope = commandEnvelope({
    ...origin,
    commandId: command.commandId,
    aggregateId: command.aggregateId,
    // Every command of the file shares the import's correlation id: its events can be found together.
    correlationId: origin.commandId,
  });
  return { type: command.type, value: { ...envelope, ...command.payload } } as OutgoingCommand;
}

/** `fn` over `items` with at most `limit` calls in flight, results in input order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
