/**
 * CSV import of products, the pure part: a CSV file in, per row either a valid product or the reasons it is not, and
 * the catalog commands that make the catalog match a valid row. No I/O: the gateway's import route and the
 * `streamshop catalog import` command do the reading and the sending.
 *
 * The file (one product per row, UTF-8, a BOM tolerated, LF or CRLF, RFC 4180 quoting for commas, quotes and line
 * breaks inside a field):
 *   sku,name,description,category,price,currency,imageUrl
 *   COF-YIRG-250,"Ethiopia Yirgacheffe, whole bean 250 g",Floral and bright,coffee,12.50,EUR,/products/COF-YIRG-250.svg
 * Header names are matched case-insensitively in any order; `description` and `imageUrl` may be left out. `price` is a
 * decimal with a dot and at most the currency's minor digits (12.5 and 12.50 are 1250 cents; 12,50 and 1e3 are
 * refused), turned into integer minor units by string arithmetic, never through a float.
 *
 * Row numbers are the ones a spreadsheet shows: the header is row 1, a record spanning several lines is one row, and a
 * blank line is a row too (skipped, but counted, so the numbers in a report match what the admin sees).
 *
 * Commands: CreateProduct on the SKU's product (`productIdFor`); when the product exists, UpdateProductDetails and
 * ChangeProductPrice, which its decider answers with no event when nothing changes, so a
 * re-import of the same file changes nothing. Command ids derive from the request's idempotency key, the product
 * and the row's content: a retried request is the same commands (answered with their original results), and a new
 * request is decided afresh against today's product. (Ids from the content alone would let a command that changed the
 * product once be answered from the runtime's dedupe memory later and silently not re-apply the file after an edit.)
 */
import { deterministicId } from '@streamshop/eventsourcing-kafka';
import type {
  ChangeProductPrice,
  CommandPayload,
  CreateProduct,
  Money,
  UpdateProductDetails,
} from '@streamshop/schemas/types';
import { CsvError, parse } from 'csv-parse/sync';
import { productIdFor } from './product.ids.ts';

/** The header, in the order `toProductCsv` writes it. */
export const PRODUCT_CSV_COLUMNS = ['sku', 'name', 'description', 'category', 'price', 'currency', 'imageUrl'] as const;
type Column = (typeof PRODUCT_CSV_COLUMNS)[number];
const OPTIONAL_COLUMNS: ReadonlySet<Column> = new Set(['description', 'imageUrl']);

export const SKU_PATTERN = /^[A-Z0-9][A-Z0-9-]{0,63}$/;
const CATEGORY_PATTERN = /^[a-z0-9][a-z0-9-]{0,59}$/;
const PRICE_PATTERN = /^(\d+)(?:\.(\d+))?$/;
export const NAME_MAX = 200;
export const DESCRIPTION_MAX = 5_000;
export const IMAGE_URL_MAX = 2_048;

/** A valid row: what the catalog should hold for its SKU. */
export interface ProductRow {
  /** The row number a spreadsheet shows (header = 1). */
  row: number;
  sku: string;
  name: string;
  description: string;
  category: string;
  price: Money;
  imageUrl: string | null;
}

/** A row that cannot be imported, and every reason why (each says what to change). */
export interface RowFailure {
  row: number;
  sku?: string;
  errors: string[];
}

export type ParsedProductCsv =
  | {
      ok: true;
      /** Data rows (blank ones excluded). */
      rows: number;
      products: ProductRow[];
      failed: RowFailure[];
    }
  /** The file as a whole is unusable (no header, unknown or missing columns): nothing is imported. */
  | { ok: false; code: 'invalid_csv'; detail: string };

/** Minor digits of ISO 4217 currencies (EUR 2, JPY 0, KWD 3), from the runtime's ICU data; undefined if unknown. */
function minorDigits(currency: string): number | undefined {
  if (!/^[A-Z]{3}$/.test(currency) || !Intl.supportedValuesOf('currency').includes(currency)) return undefined;
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
}

/** A decimal price in integer minor units, or why it is not one. */
export function parsePrice(text: string, currency: string): { amount: number } | { error: string } {
  const digits = minorDigits(currency);
  if (digits === undefined) return { error: `currency ${JSON.stringify(currency)} is not an ISO 4217 code, e.g. EUR` };
  const m = PRICE_PATTERN.exec(text);
  if (!m) {
    return {
      error: `price ${JSON.stringify(text)} is not a decimal number with a dot, e.g. ${digits > 0 ? `12.${'5'.padEnd(digits, '0')}` : '1200'}`,
    };
  }
  const [, whole, fraction = ''] = m as unknown as [string, string, string | undefined];
  if (fraction.length > digits) {
    return { error: `price ${text} has ${fraction.length} decimals; ${currency} has ${digits}` };
  }
  const amount = Number(`${whole}${fraction.padEnd(digits, '0')}`);
  if (!Number.isSafeInteger(amount)) return { error: `price ${text} is too large` };
  if (amount <= 0) return { error: 'price must be more than 0' };
  return { amount };
}

function imageUrlProblem(url: string): string | null {
  if (url.length > IMAGE_URL_MAX) return `imageUrl is longer than ${IMAGE_URL_MAX} characters`;
  if (url.startsWith('/') && !url.startsWith('//')) return /\s/.test(url) ? 'imageUrl must not contain spaces' : null;
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'https:' || parsed.protocol === 'http:') return null;
  } catch {}
  return `imageUrl ${JSON.stringify(url)} is not an http(s) URL or a path starting with /`;
}

/** Checks one record against the header's columns: the product, or the reasons it is not one. */
function validateRow(row: number, fields: Partial<Record<Column, string>>): ProductRow | RowFailure {
  const errors: string[] = [];
  const sku = (fields.sku ?? '').trim();
  const name = (fields.name ?? '').trim();
  const description = (fields.description ?? '').trim();
  const category = (fields.category ?? '').trim();
  const priceText = (fields.price ?? '').trim();
  const currency = (fields.currency ?? '').trim();
  const imageUrl = (fields.imageUrl ?? '').trim();

  if (sku === '') errors.push('sku is empty');
  else if (!SKU_PATTERN.test(sku)) {
    errors.push(
      `sku ${JSON.stringify(sku)} must be 1-64 capital letters, digits and hyphens, starting with a letter or digit (e.g. COF-YIRG-250)`,
    );
  }
  if (name === '') errors.push('name is empty');
  else if (name.length > NAME_MAX) errors.push(`name is ${name.length} characters; at most ${NAME_MAX}`);
  if (description.length > DESCRIPTION_MAX) {
    errors.push(`description is ${description.length} characters; at most ${DESCRIPTION_MAX}`);
  }
  if (category === '') errors.push('category is empty');
  else if (!CATEGORY_PATTERN.test(category)) {
    errors.push(
      `category ${JSON.stringify(category)} must be lower-case letters, digits and hyphens (at most 60), e.g. coffee`,
    );
  }
  let price: Money | undefined;
  if (priceText === '') errors.push('price is empty');
  else if (currency === '') errors.push('currency is empty, e.g. EUR');
  else {
    const parsed = parsePrice(priceText, currency);
    if ('error' in parsed) errors.push(parsed.error);
    else price = { amount: parsed.amount, currency };
  }
  const urlProblem = imageUrl === '' ? null : imageUrlProblem(imageUrl);
  if (urlProblem) errors.push(urlProblem);

  if (errors.length > 0 || !price) return { row, ...(sku ? { sku } : {}), errors };
  return { row, sku, name, description, category, price, imageUrl: imageUrl === '' ? null : imageUrl };
}

/** Maps header cells onto columns, or says what is wrong with the header. */
function readHeader(header: string[]): { columns: (Column | undefined)[] } | { detail: string } {
  const byName = new Map(PRODUCT_CSV_COLUMNS.map((c) => [c.toLowerCase(), c]));
  const columns = header.map((cell) => byName.get(cell.trim().toLowerCase()));
  const unknown = header.filter((_, i) => columns[i] === undefined);
  const expected = `the header must be ${PRODUCT_CSV_COLUMNS.join(',')} (description and imageUrl may be left out)`;
  if (unknown.length > 0)
    return { detail: `unknown column(s) ${unknown.map((c) => JSON.stringify(c)).join(', ')}: ${expected}` };
  const twice = PRODUCT_CSV_COLUMNS.filter((c) => columns.filter((x) => x === c).length > 1);
  if (twice.length > 0) return { detail: `column(s) ${twice.join(', ')} appear more than once: ${expected}` };
  const missing = PRODUCT_CSV_COLUMNS.filter((c) => !OPTIONAL_COLUMNS.has(c) && !columns.includes(c));
  if (missing.length > 0) return { detail: `missing column(s) ${missing.join(', ')}: ${expected}` };
  return { columns };
}

/** Why csv-parse refused a record, in the admin's words. */
function recordProblem(err: CsvError): string {
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field is never closed: every field that starts with " must end with " (write a quote inside a quoted field as "")';
    case 'INVALID_OPENING_QUOTE':
      return 'a field has a " inside it without being quoted: quote the whole field and double the inner quote, e.g. "12"" ruler"';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a quoted field goes on after its closing ": write a quote inside a quoted field as ""';
    default:
      return `the row is not valid CSV (${err.message})`;
  }
}

/** Parses and validates a products CSV. Duplicate SKUs fail every row after the first that has them. */
export function parseProductCsv(text: string): ParsedProductCsv {
  // In parse order: a record, or the reason one was skipped. Row numbers count both.
  const records: (string[] | { skipped: string })[] = [];
  try {
    parse(text, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: false,
      skip_records_with_error: true,
      on_skip: (err) => {
        if (err) records.push({ skipped: recordProblem(err) });
      },
      on_record: (record: string[]) => {
        records.push(record);
        return null;
      },
    });
  } catch (err) {
    if (err instanceof CsvError) return { ok: false, code: 'invalid_csv', detail: recordProblem(err) };
    throw err;
  }
  const [header, ...body] = records;
  if (!header || !Array.isArray(header) || header.every((c) => c.trim() === '')) {
    return {
      ok: false,
      code: 'invalid_csv',
      detail: `the file is empty: its first row must be the header ${PRODUCT_CSV_COLUMNS.join(',')}`,
    };
  }
  const head = readHeader(header);
  if ('detail' in head) return { ok: false, code: 'invalid_csv', detail: head.detail };

  const products: ProductRow[] = [];
  const failed: RowFailure[] = [];
  const firstRowOfSku = new Map<string, number>();
  let rows = 0;
  body.forEach((record, i) => {
    const row = i + 2;
    if (!Array.isArray(record)) {
      rows++;
      failed.push({ row, errors: [record.skipped] });
      return;
    }
    if (record.length === 1 && record[0]!.trim() === '') return; // a blank line
    rows++;
    if (record.length !== header.length) {
      const sku = head.columns.indexOf('sku');
      const value = record[sku]?.trim();
      failed.push({
        row,
        ...(value ? { sku: value } : {}),
        errors: [`has ${record.length} fields, the header has ${header.length}: quote fields that contain a comma`],
      });
      return;
    }
    const fields: Partial<Record<Column, string>> = {};
    head.columns.forEach((column, c) => {
      if (column) fields[column] = record[c];
    });
    const result = validateRow(row, fields);
    const first = result.sku === undefined ? undefined : firstRowOfSku.get(result.sku);
    if (result.sku !== undefined && first === undefined) firstRowOfSku.set(result.sku, row);
    if (first !== undefined) {
      const duplicate = `sku ${result.sku} is also on row ${first}: a file lists each SKU once`;
      if ('errors' in result) result.errors.push(duplicate);
      else {
        failed.push({ row, sku: result.sku, errors: [duplicate] });
        return;
      }
    }
    if ('errors' in result) failed.push(result);
    else products.push(result);
  });
  return { ok: true, rows, products, failed };
}

/** One field as RFC 4180 writes it: quoted when it holds a comma, a quote or a line break. */
const csvField = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** Rows back to a CSV file with the full header (CRLF, as RFC 4180 says), prices in decimal. */
export function toProductCsv(rows: readonly Omit<ProductRow, 'row'>[]): string {
  const lines = rows.map((r) =>
    [r.sku, r.name, r.description, r.category, formatPrice(r.price), r.price.currency, r.imageUrl ?? '']
      .map(csvField)
      .join(','),
  );
  return `${[PRODUCT_CSV_COLUMNS.join(','), ...lines].join('\r\n')}\r\n`;
}

/** Integer minor units as the decimal a CSV carries (1250 EUR → "12.50"). */
export function formatPrice(price: Money): string {
  const digits = minorDigits(price.currency) ?? 2;
  if (digits === 0) return String(price.amount);
  const text = String(price.amount).padStart(digits + 1, '0');
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

type CatalogImportCommand =
  | { type: 'streamshop.catalog.CreateProduct'; payload: CommandPayload<CreateProduct> }
  | { type: 'streamshop.catalog.UpdateProductDetails'; payload: CommandPayload<UpdateProductDetails> }
  | { type: 'streamshop.catalog.ChangeProductPrice'; payload: CommandPayload<ChangeProductPrice> };

/** A command of an import: its type, payload and the envelope fields the import chooses. */
export type ProductImportCommand = CatalogImportCommand & { commandId: string; aggregateId: string };

/** The fingerprint of what a row asks for: part of its command ids, so changed content is another command. */
const rowFingerprint = (r: ProductRow): string =>
  JSON.stringify([r.sku, r.name, r.description, r.category, r.price.amount, r.price.currency, r.imageUrl]);

/**
 * The commands that make the catalog match `row`, on its SKU's product (`productIdFor`): `create` first; when it is
 * refused as product_already_exists, `update` (details, then price). No lookup decides between them, so a request's
 * commands do not depend on what a (lagging) read model showed, and a retry is the same commands. `importKey`
 * identifies the request (see the module comment).
 */
export function productImportCommands(
  row: ProductRow,
  importKey: string,
): { create: ProductImportCommand; update: ProductImportCommand[] } {
  const productId = productIdFor(row.sku);
  const fingerprint = rowFingerprint(row);
  const id = (kind: string) => deterministicId('catalog-import', kind, productId, importKey, fingerprint);
  const { sku, name, description, category, price, imageUrl } = row;
  return {
    create: {
      type: 'streamshop.catalog.CreateProduct',
      commandId: id('CreateProduct'),
      aggregateId: productId,
      payload: { sku, name, description, category, price, imageUrl },
    },
    update: [
      {
        type: 'streamshop.catalog.UpdateProductDetails',
        commandId: id('UpdateProductDetails'),
        aggregateId: productId,
        payload: { name, description, category, imageUrl },
      },
      {
        type: 'streamshop.catalog.ChangeProductPrice',
        commandId: id('ChangeProductPrice'),
        aggregateId: productId,
        payload: { price },
      },
    ],
  };
}
