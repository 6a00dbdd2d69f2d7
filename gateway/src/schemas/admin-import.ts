/** TypeBox schemas of the products CSV import (POST /api/admin/products/import): its body and its report. */
import { type Static, Type } from 'typebox';
import { describedProblem } from './common.ts';

/** The largest CSV one request takes (about 10,000 products); `streamshop catalog import` sends bigger files in parts. */
export const PRODUCT_IMPORT_BODY_LIMIT = 2 * 1024 * 1024;

export const ProductImportBody = Type.String({
  description:
    'A CSV file (text/csv, UTF-8, RFC 4180 quoting), header row sku,name,description,category,price,currency,imageUrl ' +
    '(any order; description and imageUrl optional); price is a decimal such as 12.50. At most 2 MB.',
});

const RowNumber = Type.Integer({
  minimum: 2,
  description: 'The row as a spreadsheet numbers it (the header is row 1).',
});

export const ProductImportReport = Type.Object(
  {
    rows: Type.Integer({ description: 'Data rows in the file (blank lines excluded).' }),
    imported: Type.Integer({ description: 'Rows that created a product or changed one.' }),
    unchanged: Type.Integer({ description: 'Rows whose product already matched the file.' }),
    failed: Type.Array(
      Type.Object({
        row: RowNumber,
        sku: Type.Optional(Type.String()),
        errors: Type.Array(Type.String(), { description: 'Every reason, each saying what to change.' }),
      }),
      { description: 'Rows not imported: invalid in the file, or refused by the catalog (code: detail).' },
    ),
    pending: Type.Array(Type.Object({ row: RowNumber, sku: Type.String() }), {
      description:
        'Rows sent whose decision did not come back in time: they are queued and will be decided; import the file ' +
        'again (a new Idempotency-Key) to see them as unchanged or failed.',
    }),
  },
  { title: 'ProductImportReport' },
);
export type ProductImportReport = Static<typeof ProductImportReport>;

export const ProductImportProblems = {
  422: describedProblem(
    'invalid_csv: the file as a whole is unusable (empty, unknown, missing or repeated header columns); ' +
      'idempotency_key_reused: the key came with another file. Nothing was imported.',
  ),
};
