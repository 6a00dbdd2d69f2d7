/**
 * `streamshop catalog import <file.csv>`: products from a CSV into the catalog, through the gateway's
 * POST /api/admin/products/import, with a progress bar and a per-row report.
 *
 * Through the gateway, not straight onto Kafka as `seed` and `dlq` do: those are operator actions on the platform's
 * plumbing, while an import is an admin's business change. Going through the route means one implementation (the
 * lookups of existing products, the commands, the replies), the admin's sign-in checked, and the admin recorded as
 * actorId on every event, the audit trail of the back office. In dev mode the CLI signs in as the demo admin by
 * itself; elsewhere it takes an admin's session token.
 *
 * The file is parsed and validated here first with the same pure `parseProductCsv` the route uses, so --dry-run
 * needs no gateway and duplicates across the whole file are caught; the valid rows then go in parts of --batch rows
 * (each part a request of its own, well under the route's 2 MB, with its own Idempotency-Key derived from the run's),
 * and the route's row numbers are mapped back to the file's.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  type ParsedProductCsv,
  type ProductRow,
  parseProductCsv,
  type RowFailure,
  toProductCsv,
} from '@streamshop/catalog-service';
import { loadConfig } from '@streamshop/config';
import { StepError } from '@streamshop/stack';
import { SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';

export interface ImportReport {
  file: string;
  rows: number;
  imported: number;
  unchanged: number;
  failed: RowFailure[];
  pending: { row: number; sku: string }[];
  dryRun: boolean;
}

interface RouteReport {
  rows: number;
  imported: number;
  unchanged: number;
  failed: RowFailure[];
  pending: { row: number; sku: string }[];
}

/** A problem+json answer, or whatever the gateway said, as an error the CLI prints with what to do. */
async function refusal(res: Response, url: string): Promise<StepError> {
  const text = await res.text();
  let problem: { code?: string; detail?: string } = {};
  try {
    problem = JSON.parse(text) as typeof problem;
  } catch {}
  const said = problem.code ? `${problem.code}: ${problem.detail ?? ''}` : `${res.status} ${text.slice(0, 200)}`;
  if (res.status === 401)
    return new StepError(`${url} refused the token (${said}); pass an admin's session token with --token`);
  if (res.status === 403)
    return new StepError(`${url} says the token is not an admin's (${said}); sign in as an admin`);
  if (res.status === 404) {
    return new StepError(`${url} has no product import (${said}); is --url a streamshop gateway of this version?`);
  }
  return new StepError(`${url} answered ${said}`);
}

async function call(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new StepError(
      `no gateway answers at ${new URL(url).origin} (${cause}); start the platform with \`streamshop up\` or pass --url`,
    );
  }
}

/** The demo admin's token from the dev sign-in (dev mode only); a gateway outside dev mode has no such route. */
async function devAdminToken(gateway: string): Promise<string> {
  const users = await call(`${gateway}/api/dev/users`, {});
  if (users.status === 404) {
    throw new StepError(
      `${gateway} is not in dev mode, so it has no demo admin: pass an admin's session token with --token`,
    );
  }
  if (!users.ok) throw await refusal(users, `${gateway}/api/dev/users`);
  const admin = ((await users.json()) as { id: string; role: string }[]).find((u) => u.role === 'admin');
  if (!admin) throw new StepError(`${gateway} lists no demo admin; pass an admin's session token with --token`);
  const login = await call(`${gateway}/api/dev/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId: admin.id }),
  });
  if (!login.ok) throw await refusal(login, `${gateway}/api/dev/login`);
  return ((await login.json()) as { token: string }).token;
}

/** Sends the valid rows in parts and folds the route's reports into one, with the file's row numbers. */
export async function importRows(options: {
  gateway: string;
  token: string;
  rows: readonly ProductRow[];
  batch: number;
  key: string;
  onProgress?: (done: number) => void;
}): Promise<RouteReport> {
  const total: RouteReport = { rows: 0, imported: 0, unchanged: 0, failed: [], pending: [] };
  const endpoint = `${options.gateway}/api/admin/products/import`;
  for (let start = 0, part = 0; start < options.rows.length; start += options.batch, part++) {
    const chunk = options.rows.slice(start, start + options.batch);
    const res = await call(endpoint, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.token}`,
        'content-type': 'text/csv',
        'idempotency-key': `${options.key}.${part}`,
      },
      body: toProductCsv(chunk),
    });
    if (res.status !== 200) throw await refusal(res, endpoint);
    const report = (await res.json()) as RouteReport;
    // Row r of the part is chunk[r - 2] (the part's header is its row 1).
    const fileRow = (r: number) => chunk[r - 2]?.row ?? r;
    total.rows += report.rows;
    total.imported += report.imported;
    total.unchanged += report.unchanged;
    total.failed.push(...report.failed.map((f) => ({ ...f, row: fileRow(f.row) })));
    total.pending.push(...report.pending.map((p) => ({ ...p, row: fileRow(p.row) })));
    options.onProgress?.(start + chunk.length);
  }
  return total;
}

/** The report for people: the counts, then each failed row with its reasons. */
export function describeImport(r: ImportReport): string {
  const lines = [
    r.dryRun
      ? `${r.file}: ${r.rows} rows, ${r.rows - r.failed.length} valid, ${r.failed.length} invalid (dry run: nothing sent)`
      : `${r.file}: ${r.rows} rows, ${r.imported} imported, ${r.unchanged} unchanged, ${r.failed.length} failed` +
        (r.pending.length > 0 ? `, ${r.pending.length} not yet decided` : ''),
  ];
  for (const f of r.failed) lines.push(`  row ${f.row}${f.sku ? ` (${f.sku})` : ''}: ${f.errors.join('; ')}`);
  if (r.failed.length > 0)
    lines.push(`Fix the rows above in ${r.file} and import it again: rows already in are unchanged.`);
  if (r.pending.length > 0) {
    lines.push(
      `  rows ${r.pending.map((p) => p.row).join(', ')} were sent but not decided in time (is the catalog service running? ` +
        '`streamshop run services`); import the file again to see how they ended.',
    );
  }
  return lines.join('\n');
}

const positive = (value: string): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1 || n > 5000)
    throw new InvalidArgumentError('expected a number of rows, 1 to 5000');
  return n;
};

export function catalogCommand(): Command {
  const catalog = new Command('catalog').description('Manage the catalog as an admin');
  catalog
    .command('import')
    .description('Import products from a CSV file: new SKUs are created, existing ones updated; every row reported')
    .argument(
      '<file.csv>',
      'header sku,name,description,category,price,currency,imageUrl (description, imageUrl optional)',
    )
    .option('--url <url>', 'the gateway (default: http://127.0.0.1:<GATEWAY_PORT>)')
    .option('--token <token>', "an admin's session token (default in dev mode: sign in as the demo admin)")
    .option('--dry-run', 'only parse and validate the file; send nothing')
    .option('--json', 'print the report as JSON on stdout')
    .option('--batch <rows>', 'rows per request', positive, 250)
    .option('--idempotency-key <key>', "the run's key: repeat a failed run's key to retry it as the same commands")
    .addHelpText(
      'after',
      `
The file: one product per row, UTF-8, comma-separated, RFC 4180 quotes for fields with commas, quotes or line breaks;
price is a decimal with a dot in the currency's units (12.50 EUR). Rows are numbered as a spreadsheet shows them
(the header is row 1). Importing the same file again changes nothing. Exits 1 when any row failed.

Examples:
  $ streamshop catalog import products.csv                     import into the local platform (\`streamshop up\`)
  $ streamshop catalog import products.csv --dry-run           check the file, send nothing
  $ streamshop catalog import products.csv --json | jq '.failed'
  $ streamshop catalog import products.csv --url https://shop.example.com --token "$ADMIN_TOKEN"`,
    )
    .action(
      async (
        file: string,
        opts: {
          url?: string;
          token?: string;
          dryRun?: boolean;
          json?: boolean;
          batch: number;
          idempotencyKey?: string;
        },
      ) => {
        let text: string;
        try {
          text = await readFile(file, 'utf8');
        } catch (err) {
          throw new StepError(
            `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); check the path`,
          );
        }
        const parsed: ParsedProductCsv = parseProductCsv(text);
        if (!parsed.ok) throw new StepError(`${file} cannot be imported: ${parsed.detail}`);

        const report: ImportReport = {
          file,
          rows: parsed.rows,
          imported: 0,
          unchanged: 0,
          failed: [...parsed.failed],
          pending: [],
          dryRun: opts.dryRun === true,
        };
        if (!opts.dryRun && parsed.products.length > 0) {
          const gateway = (opts.url ?? `http://127.0.0.1:${loadConfig().gateway.port}`).replace(/\/+$/, '');
          const token = opts.token ?? (await devAdminToken(gateway));
          const bar =
            process.stderr.isTTY && !opts.json
              ? new SingleBar({ stream: process.stderr, format: 'importing [{bar}] {value}/{total} rows | ETA {eta}s' })
              : undefined;
          bar?.start(parsed.products.length, 0);
          try {
            const sent = await importRows({
              gateway,
              token,
              rows: parsed.products,
              batch: opts.batch,
              key: opts.idempotencyKey ?? `catalog-import-${randomUUID()}`,
              onProgress: (done) => bar?.update(done),
            });
            report.imported = sent.imported;
            report.unchanged = sent.unchanged;
            report.failed.push(...sent.failed);
            report.pending = sent.pending;
          } finally {
            bar?.stop();
          }
          report.failed.sort((a, b) => a.row - b.row);
        }
        if (opts.json) console.log(JSON.stringify(report));
        else console.log(describeImport(report));
        if (report.failed.length > 0 || report.pending.length > 0) process.exitCode = 1;
      },
    );
  return catalog;
}
